using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

public sealed class AttentionHeadTests
{
    /// <summary>
    /// Not tiny in every respect: 8x8 macros with 2 lanes, 2 ADCs and 2-bit slices, a lossy ADC, 4-bit probabilities
    /// and the paper's fixed-window softmax.
    /// </summary>
    private static AttentionConfig OddShape { get; } = Presets.Tiny with
    {
        Model = new ModelConfig { DModel = 24, DHead = 8, MaxSeqLen = 16, Heads = 1, OutputProjection = false },
        Pim = Presets.Tiny.Pim with { Rows = 8, Cols = 8, InputLanes = 2, AdcCount = 2, SliceBits = 2, AdcBits = 7, AdcShift = 2 },
        Quant = new QuantConfig { QShift = 6, KShift = 7, VShift = 5, ContextShift = 4, OutputShift = 6 },
        Softmax = Presets.Tiny.Softmax with { Mode = SoftmaxMode.Window, ScoreShift = 9, LutAddrBits = 6, LutFracBits = 3, ExpBits = 12, ProbBits = 4, Lanes = 2 },
    };

    private static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData(Presets.Tiny, 1).SetArgDisplayNames("tiny", "seed 1");
        yield return new TestCaseData(Presets.Tiny, 2).SetArgDisplayNames("tiny", "seed 2");
        yield return new TestCaseData(OddShape, 3).SetArgDisplayNames("odd-shape", "seed 3");
    }

    private static long[,] RandomWeights(Random random, AttentionConfig config)
    {
        var w = new long[config.Model.DModel, config.Model.DHead];
        var half = 1 << (config.Format.WeightWidth - 1);
        for (var r = 0; r < w.GetLength(0); r++)
        {
            for (var c = 0; c < w.GetLength(1); c++)
            {
                w[r, c] = random.Next(-half, half);
            }
        }

        return w;
    }

    private static long[] RandomToken(Random random, AttentionConfig config)
    {
        var half = 1 << (config.Format.DataWidth - 1);
        return [.. Enumerable.Range(0, config.Model.DModel).Select(_ => (long)random.Next(-half, half))];
    }

    private static (AttentionHead Head, long[][,] Weights) LoadedHead(AttentionConfig config, Random random)
    {
        var head = new AttentionHead(config);
        var weights = Enum.GetValues<Projection>().Select(_ => RandomWeights(random, config)).ToArray();
        foreach (var p in Enum.GetValues<Projection>())
        {
            head.LoadWeights(p, weights[(int)p]);
        }

        return (head, weights);
    }

    private static void PrintReplay(int seed) => TestContext.Out.WriteLine(
        $"seed {seed}; replay: scripts/test.sh --filter \"FullyQualifiedName~{TestContext.CurrentContext.Test.MethodName}\"");

    [TestCaseSource(nameof(Shapes))]
    public void The_head_equals_the_stage_models_chained_by_hand(AttentionConfig config, int seed)
    {
        PrintReplay(seed);
        Assert.That(ConfigValidator.Validate(config), Is.Empty, "the test configuration must be legal");
        var random = new Random(seed);
        var (head, weights) = LoadedHead(config, random);

        var qkv = new QkvModel(config);
        var score = new ScoreModel(config);
        var softmax = new SoftmaxModel(config);
        var context = new ContextModel(config);
        foreach (var p in Enum.GetValues<Projection>())
        {
            for (var r = 0; r < config.Model.DModel; r++)
            {
                for (var c = 0; c < config.Model.DHead; c++)
                {
                    qkv.MemWrite(p, r, c, weights[(int)p][r, c]);
                }
            }
        }

        for (var t = 0; t < 6; t++)
        {
            var x = RandomToken(random, config);
            var step = head.Step(x);

            var (q, k, v) = qkv.Project(x);
            score.Append(k);
            context.Append(v);
            var s = score.Score(q);
            var p = softmax.Probabilities(s, t + 1);
            var o = context.Attend(p);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(step.Token, Is.EqualTo(t));
                Assert.That(step.Tokens, Is.EqualTo(t + 1));
                Assert.That(step.X, Is.EqualTo(x));
                Assert.That(step.Q, Is.EqualTo(q), $"token {t}: q");
                Assert.That(step.K, Is.EqualTo(k), $"token {t}: k");
                Assert.That(step.V, Is.EqualTo(v), $"token {t}: v");
                Assert.That(step.Scores, Is.EqualTo(s), $"token {t}: scores");
                Assert.That(step.Probabilities, Is.EqualTo(p), $"token {t}: probabilities");
                Assert.That(step.Output, Is.EqualTo(o), $"token {t}: output");
                Assert.That(head.Count, Is.EqualTo(t + 1));
            }
        }
    }

    [Test]
    public void Token_t_attends_to_tokens_zero_to_t_only()
    {
        var config = Presets.Tiny;
        var (head, _) = LoadedHead(config, new Random(4));
        var random = new Random(5);
        for (var t = 0; t < 4; t++)
        {
            var step = head.Step(RandomToken(random, config));
            Assert.That(step.Scores.Skip(t + 1), Has.All.EqualTo(0L), $"token {t}: no score beyond itself");
            Assert.That(step.Probabilities.Skip(t + 1), Has.All.EqualTo(0L), $"token {t}: no probability beyond itself");
            Assert.That(step.Probabilities.Take(t + 1).Sum(), Is.InRange(240L, 256L + t), $"token {t}: p sums to about 2^ProbBits");
        }
    }

    [Test]
    public void Reset_starts_a_new_sequence_with_the_same_weights()
    {
        var config = Presets.Tiny;
        var (head, _) = LoadedHead(config, new Random(6));
        var random = new Random(7);
        var tokens = Enumerable.Range(0, 3).Select(_ => RandomToken(random, config)).ToArray();
        var first = head.Run(tokens);

        head.Reset();
        Assert.That(head.Count, Is.Zero);
        var again = head.Run(tokens);
        for (var t = 0; t < tokens.Length; t++)
        {
            Assert.That(again[t].Output, Is.EqualTo(first[t].Output), $"token {t}");
            Assert.That(again[t].Probabilities, Is.EqualTo(first[t].Probabilities), $"token {t}");
        }

        head.Reset();
        var alone = head.Step(tokens[2]);
        Assert.That(alone.Token, Is.Zero);
        Assert.That(alone.Probabilities[0], Is.EqualTo(255L), "a lone token takes all the attention (saturated to 2^8 - 1)");
    }

    [Test]
    public void A_token_beyond_the_maximum_sequence_length_is_refused()
    {
        var config = Presets.Tiny;
        var (head, _) = LoadedHead(config, new Random(8));
        var random = new Random(9);
        for (var t = 0; t < config.Model.MaxSeqLen; t++)
        {
            head.Step(RandomToken(random, config));
        }

        var ex = Assert.Throws<InvalidOperationException>(() => head.Step(RandomToken(random, config)));
        Assert.That(ex!.Message, Does.Contain("token 32 is beyond Model.MaxSeqLen (32)").And.Contain("Reset()"));
        Assert.That(head.Count, Is.EqualTo(config.Model.MaxSeqLen), "the refused token changed nothing");
        head.Reset();
        Assert.That(head.Step(RandomToken(random, config)).Token, Is.Zero);
    }

    [Test]
    public void Weights_of_the_wrong_shape_are_refused()
    {
        var head = new AttentionHead(Presets.Tiny);
        var ex = Assert.Throws<ArgumentException>(() => head.LoadWeights(Projection.Key, new long[16, 64]));
        Assert.That(ex!.Message, Does.Contain("64x16"));
    }
}
