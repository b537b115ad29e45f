using System.Numerics;

namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_requant</c> as used after the Q projection (d_head accumulators to activations by
/// Quant.QShift): random values, values on and next to every rounding boundary, and the extremes that saturate.
/// Each vector's result is due in the cycle it is driven (the requantizer is combinational).
/// </summary>
public sealed class RequantBench() : TemplateBench("requant")
{
    protected override object View(AttentionConfig config, string banner) => RequantView.ForQuery(config, banner);

    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [new("out_data_o", "u_dut.out_data_o", [])];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var view = RequantView.ForQuery(config, "");
        var random = new StimulusRandom(seed);
        var stimulus = new StimulusWriter(view.ChunkBits, (view.Count * view.InWidth + view.ChunkBits - 1) / view.ChunkBits);
        var expected = new List<Expectation>();
        long cycle = 0;
        var vectors = 0;

        void Drive(long[] values)
        {
            var idle = random.Idle();
            var outputs = values.Select(v => FixedPoint.Requantize(v, view.Shift, view.OutWidth)).ToArray();
            expected.Add(new Expectation(cycle, "out_data_o", outputs, view.OutWidth, $"vector #{vectors++}",
                i => $"element {i} (input {values[i]})"));
            stimulus.WideOp(0, 0, 0, FixedPoint.Pack(values, view.InWidth), idle);
            cycle += 1 + idle;
        }

        var min = FixedPoint.MinSigned(view.InWidth);
        var max = FixedPoint.MaxSigned(view.InWidth);
        long Clamp(long v) => Math.Clamp(v, min, max);

        // Rounding boundaries: k*2^Shift + 2^(Shift-1) (ties round up) and its neighbours, for k of both signs.
        long Boundary()
        {
            var unit = view.Shift >= 62 ? long.MaxValue : 1L << view.Shift;
            var half = view.Shift == 0 ? 0 : unit / 2;
            var k = (long)random.Next(64) - 32;
            return Clamp(k * unit + half + random.Next(3) - 1);
        }

        Drive(Enumerable.Repeat(min, view.Count).ToArray());
        Drive(Enumerable.Repeat(max, view.Count).ToArray());
        Drive(new long[view.Count]);
        for (var i = 0; i < 16; i++)
        {
            Drive(Enumerable.Range(0, view.Count).Select(_ => Boundary()).ToArray());
            Drive(random.SignedVector(view.Count, view.InWidth));
        }

        return new BenchCase(stimulus.ToString(), expected, cycle + 100);
    }
}
