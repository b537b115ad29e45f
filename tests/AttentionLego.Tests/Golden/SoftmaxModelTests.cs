using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

/// <summary>
/// The softmax golden model against exp() and float softmax, with the bounds docs/NUMERICS.md states, and its
/// corner cases. Random cases print their seed and a replay filter.
/// </summary>
public sealed class SoftmaxModelTests
{
    /// <summary>Stated bound (docs/NUMERICS.md): |p - float softmax| in probability LSBs for the presets' softmax.</summary>
    public const double StableBoundLsb = 2.0;

    /// <summary>The same for window mode, for scores inside the window.</summary>
    public const double WindowBoundLsb = 2.0;

    private static AttentionConfig Tiny(params string[] overrides) => ConfigLoader.Load(ConfigSource.FromPreset("tiny", overrides));

    private static IEnumerable<TestCaseData> LutSettings()
    {
        foreach (var (addr, frac, exp) in new[] { (8, 5, 16), (8, 7, 16), (2, 0, 2), (12, 9, 24), (10, 16, 8), (4, 1, 24) })
        {
            yield return new TestCaseData(addr, frac, exp).SetArgDisplayNames($"A{addr}-F{frac}-E{exp}");
        }
    }

    [TestCaseSource(nameof(LutSettings))]
    public void Lut_entries_are_exp_within_half_an_lsb_and_saturated_ones_within_one(int addrBits, int fracBits, int expBits)
    {
        var settings = Presets.Tiny.Softmax with { LutAddrBits = addrBits, LutFracBits = fracBits, ExpBits = expBits, ScoreShift = 16 };
        var lut = SoftmaxModel.BuildLut(settings);
        var one = Math.Pow(2, expBits);
        Assert.That(lut, Has.Length.EqualTo(1 << addrBits));
        Assert.That(lut[0], Is.EqualTo((1L << expBits) - 1), "exp(0) = 1.0 saturates to the largest entry");
        var worst = 0.0;
        for (var i = 1; i < lut.Length; i++)
        {
            var error = Math.Abs(lut[i] - one * Math.Exp(-i / Math.Pow(2, fracBits)));
            if (lut[i] == lut[0])
            {
                // An entry that rounds to 2^ExpBits saturates like entry 0: within 1 LSB.
                Assert.That(error, Is.LessThanOrEqualTo(1.0), $"saturated entry {i}");
                continue;
            }

            worst = Math.Max(worst, error);
            Assert.That(lut[i], Is.LessThanOrEqualTo(lut[i - 1]), $"entry {i}: exp is non-increasing");
        }

        TestContext.Out.WriteLine($"max |LUT - 2^{expBits} exp| over entries 1..{lut.Length - 1}: {worst:F3} LSB");
        Assert.That(worst, Is.LessThanOrEqualTo(0.5));
    }

    [TestCase(SoftmaxMode.Stable)]
    [TestCase(SoftmaxMode.Window)]
    public void The_reciprocal_is_the_floor_of_two_to_the_k_over_every_reachable_sum(SoftmaxMode mode)
    {
        var model = new SoftmaxModel(Tiny($"Softmax.Mode={mode}"));
        var k = model.RecipShift;
        var expMax = (1L << Presets.Tiny.Softmax.ExpBits) - 1;
        // Stable mode: the maximum's own entry is in every sum. Window mode: anything from 1.
        var least = mode == SoftmaxMode.Stable ? expMax : 1;
        var most = expMax * Presets.Tiny.Model.MaxSeqLen;
        var random = new Random(5);
        var sums = new[] { least, least + 1, most, most - 1, expMax + 1, 2 * expMax }
            .Concat(Enumerable.Range(0, 2000).Select(_ => random.NextInt64(least, most + 1)));
        foreach (var sum in sums)
        {
            Assert.That(model.Reciprocal(sum), Is.EqualTo((ulong)((UInt128)1 << k) / (ulong)sum), $"S = {sum}");
        }

        Assert.That(model.Reciprocal(0), Is.EqualTo((1UL << model.RecipWidth) - 1), "S = 0 (no token) gives all ones");
    }

    private static long[] RealisticScores(Random random, AttentionConfig config, double spreadLogits)
    {
        var logit = Math.Pow(2, config.Softmax.ScoreShift);
        var centre = random.NextDouble() * 2000 - 1000;
        return [.. Enumerable.Range(0, config.Model.MaxSeqLen).Select(_ => (long)Math.Round(centre + (random.NextDouble() * 2 - 1) * spreadLogits * logit))];
    }

    private static double MaxErrorLsb(SoftmaxModel model, long[] scores, int count)
    {
        var p = model.Probabilities(scores, count);
        var ideal = model.IdealProbabilities(scores, count);
        return p.Zip(ideal, (a, b) => Math.Abs(a - b)).Max();
    }

    private static IEnumerable<TestCaseData> BoundCases()
    {
        foreach (var (preset, mode, overrides) in new (string, SoftmaxMode, string[])[]
                 {
                     ("tiny", SoftmaxMode.Stable, []),
                     ("tiny", SoftmaxMode.Window, ["Softmax.Mode=Window"]),
                     ("paper-exact", SoftmaxMode.Stable, []),
                     ("paper-exact", SoftmaxMode.Window, ["Softmax.Mode=Window"]),
                 })
        {
            var name = $"{preset}-{mode}".ToLowerInvariant();
            yield return new TestCaseData(preset, mode, overrides, 1).SetArgDisplayNames($"{name}-seed-1");
            yield return new TestCaseData(preset, mode, overrides, 2).SetArgDisplayNames($"{name}-seed-2");
        }
    }

    [TestCaseSource(nameof(BoundCases))]
    public void Probabilities_match_float_softmax_of_the_same_scores_within_the_stated_bound(string preset, SoftmaxMode mode, string[] overrides, int seed)
    {
        TestContext.Out.WriteLine($"seed {seed}; replay: scripts/test.sh --filter \"FullyQualifiedName~{nameof(Probabilities_match_float_softmax_of_the_same_scores_within_the_stated_bound)}\"");
        var config = ConfigLoader.Load(ConfigSource.FromPreset(preset, overrides));
        var model = new SoftmaxModel(config);
        var random = new Random(seed);
        var worst = 0.0;
        for (var i = 0; i < 200; i++)
        {
            // Window mode's bound holds for scores inside its window: centre them there, within +-half of it.
            var spread = 0.25 + random.NextDouble() * (mode == SoftmaxMode.Window ? 1.5 : 8);
            var scores = RealisticScores(random, config, spread);
            if (mode == SoftmaxMode.Window)
            {
                var mean = scores.Average(v => (double)v);
                scores = [.. scores.Select(s => (long)Math.Round(s - mean))];
            }

            var count = 1 + random.Next(config.Model.MaxSeqLen);
            worst = Math.Max(worst, MaxErrorLsb(model, scores, count));
        }

        TestContext.Out.WriteLine($"{preset} {mode}: max |p - float softmax| = {worst:F3} LSB over 200 score vectors");
        Assert.That(worst, Is.LessThanOrEqualTo(mode == SoftmaxMode.Stable ? StableBoundLsb : WindowBoundLsb));
    }

    private static long[] Scores(AttentionConfig config, Func<int, long> score) =>
        [.. Enumerable.Range(0, config.Model.MaxSeqLen).Select(score)];

    [Test]
    public void One_token_gets_probability_one_saturated_and_the_rest_nothing()
    {
        var config = Tiny();
        var p = new SoftmaxModel(config).Probabilities(Scores(config, t => 1000 * t - 77), 1);
        Assert.That(p[0], Is.EqualTo(255));
        Assert.That(p.Skip(1), Is.All.EqualTo(0));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(32)]
    public void Tied_scores_share_the_probability_equally(int count)
    {
        var config = Tiny();
        var p = new SoftmaxModel(config).Probabilities(Scores(config, _ => -123456), count);
        var share = Math.Min(255, (long)Math.Round(256.0 / count, MidpointRounding.AwayFromZero));
        Assert.That(p.Take(count), Is.All.EqualTo(share));
        Assert.That(p.Skip(count), Is.All.EqualTo(0));
    }

    [Test]
    public void A_dominant_score_takes_everything()
    {
        var config = Tiny();
        var scores = Scores(config, t => t * 10);
        scores[7] = 20L << config.Softmax.ScoreShift;
        var p = new SoftmaxModel(config).Probabilities(scores, 20);
        Assert.That(p[7], Is.EqualTo(255));
        Assert.That(p.Where((_, t) => t != 7), Is.All.EqualTo(0));
    }

    [Test]
    public void The_extreme_scores_of_the_port_do_not_overflow()
    {
        var config = Tiny();
        var model = new SoftmaxModel(config);
        var (min, max) = (FixedPoint.MinSigned(model.ScoreWidth), FixedPoint.MaxSigned(model.ScoreWidth));
        Assert.That(model.Probabilities(Scores(config, _ => min), 4).Take(4), Is.All.EqualTo(64));
        Assert.That(model.Probabilities(Scores(config, _ => max), 4).Take(4), Is.All.EqualTo(64));
        var p = model.Probabilities(Scores(config, t => t == 0 ? max : min), 4);
        Assert.That(p.Take(4), Is.EqualTo(new long[] { 255, 0, 0, 0 }));
    }

    [Test]
    public void No_token_gives_no_probability_and_counts_beyond_the_maximum_are_cut_to_it()
    {
        var config = Tiny();
        var model = new SoftmaxModel(config);
        var scores = Scores(config, t => t * 300);
        Assert.That(model.Probabilities(scores, 0), Is.All.EqualTo(0));
        Assert.That(model.Run(scores, 0).Reciprocal, Is.EqualTo((1UL << model.RecipWidth) - 1));
        Assert.That(model.Probabilities(scores, 63), Is.EqualTo(model.Probabilities(scores, 32)));
    }

    [Test]
    public void Scores_past_the_count_do_not_count()
    {
        var config = Tiny();
        var model = new SoftmaxModel(config);
        var scores = Scores(config, t => t * 300);
        var garbage = (long[])scores.Clone();
        for (var t = 5; t < garbage.Length; t++)
        {
            garbage[t] = FixedPoint.MaxSigned(model.ScoreWidth) - t;
        }

        Assert.That(model.Probabilities(garbage, 5), Is.EqualTo(model.Probabilities(scores, 5)));
    }

    [Test]
    public void Stable_mode_depends_only_on_score_differences()
    {
        var config = Tiny();
        var model = new SoftmaxModel(config);
        var random = new Random(3);
        var scores = RealisticScores(random, config, 3);
        var shifted = scores.Select(s => s + 987654).ToArray();
        Assert.That(model.Probabilities(shifted, 17), Is.EqualTo(model.Probabilities(scores, 17)));
    }

    [Test]
    public void Window_mode_clamps_scores_outside_its_window_as_the_published_design_does()
    {
        var config = Tiny("Softmax.Mode=Window");
        var model = new SoftmaxModel(config);
        var logit = 1L << config.Softmax.ScoreShift;
        // The window is [-4, 4) logits (8 address bits, 5 fraction bits): 10 and 20 logits both read as its top.
        var above = model.Probabilities(Scores(config, t => t switch { 0 => 10 * logit, 1 => 20 * logit, _ => 0 }), 2);
        Assert.That(above.Take(2), Is.EqualTo(new long[] { 128, 128 }), "two scores above the window tie");
        // Far below the window every exp is the LUT's last entry, which is not 0: still a tie, not a division by zero.
        var below = model.Probabilities(Scores(config, t => -1000 * logit - t * logit), 4);
        Assert.That(below.Take(4), Is.All.EqualTo(64));
        // Stable mode keeps the difference.
        var stable = new SoftmaxModel(Tiny()).Probabilities(Scores(config, t => t switch { 0 => 10 * logit, 1 => 20 * logit, _ => 0 }), 2);
        Assert.That(stable.Take(2), Is.EqualTo(new long[] { 0, 255 }));
    }

    [Test]
    public void Cycle_model_counts_passes_of_lanes_and_one_cycle_per_reciprocal_bit()
    {
        var config = Tiny();
        var divide = new SoftmaxModel(config).RecipWidth;
        Assert.That(divide, Is.EqualTo(8 + 8 + 1), "stable: ProbBits + guard bits + 1");
        Assert.That(CycleModel.SoftmaxLatency(config, 0), Is.EqualTo(1 + 3 + divide));
        Assert.That(CycleModel.SoftmaxLatency(config, 4), Is.EqualTo(1 + 3 + divide));
        Assert.That(CycleModel.SoftmaxLatency(config, 5), Is.EqualTo(1 + 6 + divide));
        Assert.That(CycleModel.SoftmaxLatency(config, 32), Is.EqualTo(1 + 24 + divide));
        var window = Tiny("Softmax.Mode=Window");
        Assert.That(CycleModel.SoftmaxLatency(window, 32), Is.EqualTo(1 + 16 + new SoftmaxModel(window).RecipWidth));
        Assert.That(new SoftmaxModel(window).RecipWidth, Is.EqualTo(16 + 8 + 8 + 1), "window: RecipShift + 1");
    }
}
