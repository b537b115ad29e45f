using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Reporting;

public sealed class ArrayFloatReferenceTests
{
    [Test]
    public void A_one_head_array_without_w_o_is_the_heads_reference()
    {
        var config = Presets.Tiny;
        var inputs = Accuracy.DrawArray(config, seed: 3, tokens: 5);
        var array = ArrayFloatReference.Dequantized(inputs);
        var (wq, wk, wv) = inputs.Heads[0];
        var head = FloatReference.Dequantized(inputs.Scales, wq, wk, wv);
        foreach (var x in inputs.Tokens)
        {
            var real = x.Select(v => HeadScales.Real(v, inputs.Scales.Fx)).ToArray();
            Assert.That(array.Step(real).Output, Is.EqualTo(head.Step(real).Output));
        }
    }

    [Test]
    public void Two_heads_and_w_o_by_hand()
    {
        // d_model 1, d_head 1; W_Q = W_K = 0, so every logit is 0 and p is uniform over the tokens so far.
        // Head 0: v = 2x, head 1: v = 3x; W_O = [1, -1]^T: y = o0 - o1.
        static FloatReference Head(double wv) => new(new double[,] { { 0 } }, new double[,] { { 0 } }, new double[,] { { wv } }, tau: 1);
        var array = new ArrayFloatReference([Head(2), Head(3)], new double[,] { { 1 }, { -1 } });
        var first = array.Step([0.5]);   // o0 = 1, o1 = 1.5, y = -0.5
        var second = array.Step([1.5]);  // o0 = mean(1, 3) = 2, o1 = mean(1.5, 4.5) = 3, y = -1
        Assert.Multiple(() =>
        {
            Assert.That(first.Concatenation, Is.EqualTo(new[] { 1.0, 1.5 }));
            Assert.That(first.Output, Is.EqualTo(new[] { -0.5 }));
            Assert.That(second.Concatenation, Is.EqualTo(new[] { 2.0, 3.0 }));
            Assert.That(second.Output, Is.EqualTo(new[] { -1.0 }));
            Assert.That(second.Token, Is.EqualTo(1));
        });
    }

    [Test]
    public void W_o_of_the_wrong_height_is_refused()
    {
        var head = new FloatReference(new double[,] { { 0 } }, new double[,] { { 0 } }, new double[,] { { 1 } }, tau: 1);
        Assert.That(() => new ArrayFloatReference([head, head], new double[,] { { 1 } }), Throws.ArgumentException.With.Message.Contains("2 rows"));
    }

    [Test]
    public void The_array_measurement_of_one_head_equals_the_heads()
    {
        var config = Presets.Tiny;
        var head = Accuracy.MeasureHead(config, seed: 2, tokens: 8);
        var array = Accuracy.MeasureArray(config, seed: 2, tokens: 8);
        Assert.That(array.ErrorsLsb, Is.EqualTo(head.ErrorsLsb));
        Assert.That(array.Report with { Elapsed = TimeSpan.Zero }, Is.EqualTo(head.Report with { Elapsed = TimeSpan.Zero }));
        Assert.That(Accuracy.Run(config, 2, 8) with { Elapsed = TimeSpan.Zero }, Is.EqualTo(head.Report with { Elapsed = TimeSpan.Zero }),
            "Run is the head's measurement");
    }

    [Test]
    public void The_four_head_array_with_w_o_tracks_its_float_reference()
    {
        var config = Presets.TinyMha4;
        var a = Accuracy.Measure(config, seed: 1, tokens: 16);
        var scales = HeadScales.ForUnitGaussian(config);
        Assert.Multiple(() =>
        {
            Assert.That(a.Array, Is.True);
            Assert.That(a.OutputFractionBits, Is.EqualTo(scales.Fo + scales.Fw - config.Quant.OutputShift));
            Assert.That(a.ErrorsLsb, Has.Length.EqualTo(16 * config.Model.DModel), "W_O's output row is d_model wide");
            Assert.That(a.Report.Cosine, Is.GreaterThan(0.99), "an ideal ADC keeps the array close to double precision");
        });
    }
}
