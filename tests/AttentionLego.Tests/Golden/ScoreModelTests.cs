using AttentionLego.Gen.Config;
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
    public void Appending_takes_one_cycle_per_element_plus_one_and_scoring_the_cache_matrix_latency()
    {
        Assert.That(CycleModel.ScoreAppendInterval(Config), Is.EqualTo(Config.Model.DHead + 1));
        Assert.That(CycleModel.ScoreLatency(Config), Is.EqualTo(Config.ScoreShape.ComputeSteps + 2));
    }
}
