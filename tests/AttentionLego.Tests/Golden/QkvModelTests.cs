using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

public sealed class QkvModelTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Each_projection_is_the_requantized_exact_product_of_its_own_weights(int seed)
    {
        var config = Presets.Tiny;
        var random = new Random(seed);
        var model = new QkvModel(config);
        var (dModel, dHead) = (config.Model.DModel, config.Model.DHead);
        var weights = new long[3, dModel, dHead];
        foreach (var p in Enum.GetValues<Projection>())
        {
            for (var r = 0; r < dModel; r++)
            {
                for (var c = 0; c < dHead; c++)
                {
                    weights[(int)p, r, c] = random.Next(-128, 128);
                    model.MemWrite(p, r, c, weights[(int)p, r, c]);
                }
            }
        }

        var x = Enumerable.Range(0, dModel).Select(_ => (long)random.Next(-128, 128)).ToArray();
        var result = model.Project(x);
        long[] Expected(Projection p, int shift) => Enumerable.Range(0, dHead)
            .Select(c => FixedPoint.Requantize(Enumerable.Range(0, dModel).Sum(r => x[r] * weights[(int)p, r, c]), shift, 8))
            .ToArray();
        Assert.That(result.Q, Is.EqualTo(Expected(Projection.Query, config.Quant.QShift)));
        Assert.That(result.K, Is.EqualTo(Expected(Projection.Key, config.Quant.KShift)));
        Assert.That(result.V, Is.EqualTo(Expected(Projection.Value, config.Quant.VShift)));
    }

    [Test]
    public void Different_shifts_give_different_scales_from_the_same_weights()
    {
        var config = Presets.Tiny with { Quant = Presets.Tiny.Quant with { QShift = 4, KShift = 8, VShift = 12 } };
        var model = new QkvModel(config);
        foreach (var p in Enum.GetValues<Projection>())
        {
            model.MemWrite(p, 0, 0, 100);
        }

        var x = new long[config.Model.DModel];
        x[0] = 100;
        var result = model.Project(x);
        Assert.That((result.Q[0], result.K[0], result.V[0]), Is.EqualTo((127L, 39L, 2L)), "10000 >> 4 saturates, >> 8 = 39.06, >> 12 = 2.44");
    }

    [Test]
    public void The_latency_is_the_matrix_latency()
    {
        Assert.That(CycleModel.QkvLatency(Presets.Tiny), Is.EqualTo(CycleModel.MatrixComputeLatency(Presets.Tiny.ProjectionShape)));
    }
}
