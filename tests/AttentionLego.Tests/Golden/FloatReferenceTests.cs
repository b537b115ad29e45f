using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

public sealed class FloatReferenceTests
{
    private const int Seed = 11;

    private static double[,] RandomMatrix(Random random, int rows, int cols, double scale = 1)
    {
        var m = new double[rows, cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                m[r, c] = scale * (random.NextDouble() - 0.5);
            }
        }

        return m;
    }

    private static double[] RandomVector(Random random, int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];

    [Test]
    public void A_single_token_returns_its_own_value_exactly()
    {
        TestContext.Out.WriteLine($"seed {Seed}; replay: scripts/test.sh --filter \"FullyQualifiedName~FloatReferenceTests\"");
        var random = new Random(Seed);
        var reference = new FloatReference(RandomMatrix(random, 12, 4), RandomMatrix(random, 12, 4), RandomMatrix(random, 12, 4), tau: 0.5);
        var step = reference.Step(RandomVector(random, 12));
        Assert.That(step.Probabilities, Is.EqualTo(new[] { 1.0 }));
        Assert.That(step.Output, Is.EqualTo(step.V), "p = 1 gives o = v, exactly");
    }

    [Test]
    public void Equal_scores_give_the_mean_of_the_values()
    {
        TestContext.Out.WriteLine($"seed {Seed}; replay: scripts/test.sh --filter \"FullyQualifiedName~FloatReferenceTests\"");
        var random = new Random(Seed);
        // W_K = 0: every key is 0, so every logit is 0 and the attention is uniform.
        var reference = new FloatReference(RandomMatrix(random, 12, 4), new double[12, 4], RandomMatrix(random, 12, 4), tau: 0.5);
        var values = new List<double[]>();
        FloatStep? last = null;
        for (var t = 0; t < 5; t++)
        {
            last = reference.Step(RandomVector(random, 12));
            values.Add(last.V);
        }

        Assert.That(last!.Probabilities, Has.Length.EqualTo(5).And.All.EqualTo(0.2).Within(1e-15));
        var mean = Enumerable.Range(0, 4).Select(c => values.Average(v => v[c]));
        Assert.That(last.Output, Is.EqualTo(mean).Within(1e-12));
    }

    [Test]
    public void Logits_are_tau_times_the_dot_products_of_the_query_with_every_key_so_far()
    {
        // Identity weights: q = k = v = x.
        var identity = new double[2, 2] { { 1, 0 }, { 0, 1 } };
        var reference = new FloatReference(identity, identity, identity, tau: 0.25);
        reference.Step([2.0, 0.0]);
        var step = reference.Step([1.0, 3.0]);
        Assert.That(step.Logits, Is.EqualTo(new[] { 0.25 * 2, 0.25 * 10 }));
        var e = new[] { Math.Exp(0.5), Math.Exp(2.5) };
        Assert.That(step.Probabilities, Is.EqualTo(e.Select(x => x / e.Sum())).Within(1e-15));
        Assert.That(reference.Count, Is.EqualTo(2));
        reference.Reset();
        Assert.That(reference.Step([1.0, 3.0]).Logits, Is.EqualTo(new[] { 2.5 }), "a new sequence forgets the old keys");
    }

    [Test]
    public void The_hardware_scales_give_tau_one_over_sqrt_d_head_on_tiny_and_one_eighth_on_paper()
    {
        var tiny = HeadScales.ForUnitGaussian(Presets.Tiny);
        var paper = HeadScales.ForUnitGaussian(Presets.PaperExact);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((tiny.Fx, tiny.Fw, tiny.Fq, tiny.Fk, tiny.Fv, tiny.Fo), Is.EqualTo((5, 8, 5, 5, 5, 5)));
            Assert.That(tiny.Tau, Is.EqualTo(1 / Math.Sqrt(16)), "d_head 16: exact");
            Assert.That((paper.Fx, paper.Fw, paper.Fq, paper.Fk, paper.Fv, paper.Fo), Is.EqualTo((5, 11, 5, 5, 5, 5)));
            Assert.That(paper.Tau, Is.EqualTo(0.125), "d_head 128: 1/8 stands in for 1/sqrt(128) = 0.088");
        }
    }

    [Test]
    public void Dequantized_weights_are_the_integers_over_two_to_the_fw()
    {
        var scales = HeadScales.ForUnitGaussian(Presets.Tiny);
        var w = new long[1, 1] { { 96 } };
        var reference = FloatReference.Dequantized(scales, w, w, w);
        var step = reference.Step([HeadScales.Real(64, scales.Fx)]);
        Assert.That(step.Q, Is.EqualTo(new[] { 2.0 * 96 / 256 }), "x = 64 / 2^5 = 2, w = 96 / 2^8");
        Assert.That(reference.Tau, Is.EqualTo(scales.Tau));
    }
}
