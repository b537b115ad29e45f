using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

public sealed class ScoreModelTests
{
    private static readonly AttentionConfig Config = Presets.Tiny;

    private static long[] Vector(int seed) =>
        new Random(seed).GetItems(Enumerable.Range(-128, 256).Select(v => (long)v).ToArray(), Config.Model.DHead);

    private static long Dot(long[] a, long[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Test]
    public void Scores_are_the_dot_products_with_the_stored_keys_and_zero_beyond()
    {
        var model = new ScoreModel(Config);
        var keys = Enumerable.Range(1, 5).Select(Vector).ToArray();
        foreach (var k in keys)
        {
            model.Append(k);
        }

        var q = Vector(99);
        var scores = model.Score(q);
        Assert.That(scores.Take(5), Is.EqualTo(keys.Select(k => Dot(q, k))));
        Assert.That(scores.Skip(5), Has.All.EqualTo(0L));
        Assert.That(scores, Has.Length.EqualTo(Config.Model.MaxSeqLen));
    }

    [Test]
    public void An_empty_cache_scores_all_zero()
    {
        Assert.That(new ScoreModel(Config).Score(Vector(1)), Has.All.EqualTo(0L));
    }

    [Test]
    public void The_cache_holds_exactly_the_maximum_sequence_length()
    {
        var model = new ScoreModel(Config);
        for (var t = 0; t < Config.Model.MaxSeqLen; t++)
        {
            model.Append(Vector(t));
        }

        Assert.That(model.IsFull, Is.True);
        Assert.Throws<InvalidOperationException>(() => model.Append(Vector(0)));
        var q = Vector(7);
        Assert.That(model.Score(q)[^1], Is.EqualTo(Dot(q, Vector(Config.Model.MaxSeqLen - 1))));
    }

    [Test]
    public void Clear_starts_a_new_sequence_that_overwrites_the_old_keys()
    {
        var model = new ScoreModel(Config);
        model.Append(Vector(1));
        model.Append(Vector(2));
        model.Clear();
        model.Append(Vector(3));
        var q = Vector(4);
        var scores = model.Score(q);
        Assert.That(scores[0], Is.EqualTo(Dot(q, Vector(3))));
        Assert.That(scores.Skip(1), Has.All.EqualTo(0L), "the old second key no longer counts");
    }

    [Test]
    public void The_cache_uses_the_activation_width_for_its_cells()
    {
        var config = Presets.Tiny with { Format = Presets.Tiny.Format with { DataWidth = 4, WeightWidth = 8 }, Pim = Presets.Tiny.Pim with { SliceBits = 2 } };
        Assert.That(config.ScoreShape.Config.Format.WeightWidth, Is.EqualTo(4));
        Assert.That(config.ScoreShape.InDim, Is.EqualTo(config.Model.DHead));
        Assert.That(config.ScoreShape.OutDim, Is.EqualTo(config.Model.MaxSeqLen));
    }

    [Test]
    public void A_full_cache_scores_in_the_matrix_latency()
    {
        Assert.That(CycleModel.ScoreLatency(Config, Config.Model.MaxSeqLen), Is.EqualTo(CycleModel.MatrixComputeLatency(Config.ScoreShape)));
    }

    /// <summary>Ideal-ADC shapes as --set-like deltas of tiny: several ADC counts, cache macros and slices.</summary>
    private static IEnumerable<TestCaseData> IdealShapes()
    {
        var tiny = Presets.Tiny;
        yield return new TestCaseData(tiny).SetArgDisplayNames("tiny");
        yield return new TestCaseData(tiny with { Model = tiny.Model with { MaxSeqLen = 48 }, Pim = tiny.Pim with { AdcCount = 1 } })
            .SetArgDisplayNames("one-adc-three-macros");
        yield return new TestCaseData(tiny with { Pim = tiny.Pim with { Cols = 8, AdcCount = 2 } }).SetArgDisplayNames("non-square-16x8");
        yield return new TestCaseData(tiny with { Pim = tiny.Pim with { AdcCount = 16 } }).SetArgDisplayNames("one-column-group");
        yield return new TestCaseData(Presets.WithIdealAdc(tiny with { Pim = tiny.Pim with { SliceBits = 1 } })).SetArgDisplayNames("1-bit-slices");
    }

    [TestCaseSource(nameof(IdealShapes))]
    public void Scores_equal_a_plain_q_times_K_transposed_over_the_stored_tokens_at_every_count(AttentionConfig config)
    {
        Assert.That(ConfigValidator.Validate(config), Is.Empty, "the test configuration must be legal");
        var rng = new Random(config.Pim.AdcCount * 1000 + config.Model.MaxSeqLen);
        var dHead = config.Model.DHead;
        var width = config.Format.DataWidth;
        var model = new ScoreModel(config);

        // A full sequence, then a clear and a shorter one that just enters its second column group (if it has
        // one): the old keys stay in the cells, in columns a query now skips or masks, and must not show.
        var shorter = Math.Min((config.Pim.AdcCount * config.ScoreShape.MacrosOut) + 1, config.Model.MaxSeqLen / 2);
        foreach (var length in new[] { config.Model.MaxSeqLen, shorter })
        {
            model.Clear();
            var keys = new List<long[]>();
            for (var count = 0; count <= length; count++)
            {
                var q = ReferenceMatrix.RandomVector(rng, dHead, width);
                var expected = Enumerable.Range(0, config.Model.MaxSeqLen).Select(t => t < keys.Count ? Dot(q, keys[t]) : 0L);
                Assert.That(model.Score(q), Is.EqualTo(expected), $"{count} token(s) of a {length}-token sequence");
                if (count < length)
                {
                    keys.Add(ReferenceMatrix.RandomVector(rng, dHead, width));
                    model.Append(keys[^1]);
                }
            }
        }
    }

    [Test]
    public void A_query_runs_one_more_column_group_for_every_ADC_count_times_cache_macros_tokens()
    {
        // tiny: 4 ADCs x 2 cache macros = 8 tokens per column group, 4 column groups.
        var model = new ScoreModel(Config);
        var groups = new List<int> { model.ColumnGroups };
        for (var t = 0; t < Config.Model.MaxSeqLen; t++)
        {
            model.Append(Vector(t));
            groups.Add(model.ColumnGroups);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(groups[0], Is.EqualTo(1), "an empty cache still runs one column group");
            Assert.That(groups[8], Is.EqualTo(1));
            Assert.That(groups[9], Is.EqualTo(2));
            Assert.That(groups[16], Is.EqualTo(2));
            Assert.That(groups[17], Is.EqualTo(3));
            Assert.That(groups[32], Is.EqualTo(4));
        }

        model.Clear();
        Assert.That(model.ColumnGroups, Is.EqualTo(1), "a clear starts again from one column group");
    }
}
