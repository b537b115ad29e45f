using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

public sealed class ContextModelTests
{
    private static readonly AttentionConfig Config = Presets.Tiny;

    private static long[] Values(int seed) =>
        new Random(seed).GetItems(Enumerable.Range(-128, 256).Select(v => (long)v).ToArray(), Config.Model.DHead);

    [Test]
    public void The_context_is_the_requantized_probability_weighted_sum_of_the_stored_values()
    {
        var model = new ContextModel(Config);
        var values = Enumerable.Range(1, 4).Select(Values).ToArray();
        foreach (var v in values)
        {
            model.Append(v);
        }

        var p = new long[Config.Model.MaxSeqLen];
        (p[0], p[1], p[2], p[3]) = (10, 200, 0, 45);
        var expected = Enumerable.Range(0, Config.Model.DHead)
            .Select(c => FixedPoint.Requantize(Enumerable.Range(0, 4).Sum(t => p[t] * values[t][c]), Config.Quant.ContextShift, 8));
        Assert.That(model.Attend(p), Is.EqualTo(expected));
    }

    [Test]
    public void Probabilities_of_rows_without_a_token_do_not_count()
    {
        var model = new ContextModel(Config);
        model.Append(Values(1));
        var p = Enumerable.Repeat(255L, Config.Model.MaxSeqLen).ToArray();
        var onlyFirst = new long[Config.Model.MaxSeqLen];
        onlyFirst[0] = 255;
        Assert.That(model.Attend(p), Is.EqualTo(model.Attend(onlyFirst)));
    }

    [Test]
    public void A_probability_of_one_returns_the_value_itself_at_the_documented_shift()
    {
        var config = Config with { Quant = Config.Quant with { ContextShift = Config.Softmax.ProbBits } };
        var model = new ContextModel(config);
        var v = Values(3);
        model.Append(v);
        var p = new long[config.Model.MaxSeqLen];
        p[0] = 1L << config.Softmax.ProbBits - 1;
        // p = 128/256 = 0.5 under the 2^ProbBits scale: half of v, rounded half up.
        Assert.That(model.Attend(p), Is.EqualTo(v.Select(x => FixedPoint.RoundShiftRight(x, 1))));
    }

    [Test]
    public void The_v_cache_takes_unsigned_probabilities_of_prob_bits()
    {
        var shape = Config.ContextShape;
        Assert.That((shape.InDim, shape.OutDim, shape.InputSigned), Is.EqualTo((Config.Model.MaxSeqLen, Config.Model.DHead, false)));
        Assert.That(shape.Config.Format.DataWidth, Is.EqualTo(Config.Softmax.ProbBits));
        Assert.That(shape.Config.Format.WeightWidth, Is.EqualTo(Config.Format.DataWidth));
        Assert.Throws<ArgumentException>(() => new ContextModel(Config).Attend(Enumerable.Repeat(-1L, Config.Model.MaxSeqLen).ToArray()));
    }
}
