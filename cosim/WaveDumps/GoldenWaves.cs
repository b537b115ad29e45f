using System.Numerics;
using AttentionLego.Cosim.Waves;

namespace AttentionLego.Cosim.WaveDumps;

/// <summary>What golden waves hold: the probes written and the trace ports left out (with why).</summary>
public sealed record GoldenWaveContent(IReadOnlyList<WaveProbe> Written, IReadOnlyList<string> Skipped);

/// <summary>
/// The golden model's expected port activity as a VCD, with the hierarchy and signal names of Verilator's dump of the
/// same bench (<c>TOP.&lt;bench&gt;.u_dut...</c>) and the same timebase (<see cref="BenchClock"/>), so the two overlay
/// and `attnlego wave diff golden.vcd rtl.vcd --x-wildcard` compares them cycle by cycle.
/// </summary>
/// <remarks>
/// In the cycle of each expected response the probe's data signal has the expected value and its strobes (the
/// handshake's valid and ready) are 1. In every other cycle they are x, "don't care": the golden model predicts
/// responses, not what a port shows between them (a port that holds its value keeps it). The bench clock toggles
/// from bench cycle 0 on, so cycles counted from the file's first rising edge are the bench's cycles, the cycles of
/// mismatch reports.
/// </remarks>
public static class GoldenWaves
{
    public static GoldenWaveContent Write(TextWriter output, string benchTop, IReadOnlyList<WaveProbe> probes,
        IReadOnlyList<Expectation> expected, long lastCycle)
    {
        var written = new List<WaveProbe>();
        var skipped = new List<string>();
        var changes = new List<(long Time, int Order, int Signal, string Bits)>();
        // Strobes are shared (q, k and v fire on one handshake): a 1 one probe expects beats another's don't-care.
        var strobeValues = new Dictionary<(long Time, int Signal), string>();
        void Strobe(long time, int signal, string bits)
        {
            if (bits == "1" || !strobeValues.ContainsKey((time, signal)))
            {
                strobeValues[(time, signal)] = bits;
            }
        }

        using var vcd = new VcdWriter(output);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Signal(string path, int width)
        {
            var full = $"TOP.{benchTop}.{path}";
            if (!ids.TryGetValue(full, out var id))
            {
                id = vcd.AddSignal(full, width);
                ids[full] = id;
            }

            return id;
        }

        var clock = Signal("clk_i", 1);
        var order = 0;
        foreach (var probe in probes)
        {
            var mine = expected.Where(e => e.Port == probe.Port).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            if (mine.Any(e => !e.Timed || !e.ValueChecked))
            {
                skipped.Add($"{probe.Port} (its cycles depend on the random stalls)");
                continue;
            }

            var width = mine[0].Elements.Length * mine[0].ElementWidth;
            var data = Signal(probe.Data, width);
            var strobes = probe.Strobes.Select(s => Signal(s, 1)).ToList();
            var cycles = mine.GroupBy(e => e.Cycle).ToDictionary(g => g.Key, g => g.Last());
            foreach (var (cycle, e) in cycles.OrderBy(kv => kv.Key))
            {
                // Sampled at the rising edge of the cycle: it changes at the edge before.
                var from = BenchClock.EdgeTime(cycle) - 2;
                changes.Add((from, order++, data, Bits(e, width)));
                foreach (var s in strobes)
                {
                    Strobe(from, s, "1");
                }

                if (!cycles.ContainsKey(cycle + 1))
                {
                    if (!probe.Holds)
                    {
                        changes.Add((from + 2, order++, data, "x"));
                    }

                    foreach (var s in strobes)
                    {
                        Strobe(from + 2, s, "x");
                    }
                }
            }

            written.Add(probe);
        }

        // The clock: low through reset and until just before bench cycle 0, then one period per cycle up to the last.
        changes.Add((0, order++, clock, "0"));
        for (var cycle = 0L; cycle <= lastCycle + 1; cycle++)
        {
            var edge = BenchClock.EdgeTime(cycle);
            changes.Add((edge, order++, clock, "1"));
            changes.Add((edge + 1, order++, clock, "0"));
        }

        foreach (var ((time, signal), bits) in strobeValues)
        {
            changes.Add((time, order++, signal, bits));
        }

        foreach (var c in changes.OrderBy(c => c.Time).ThenBy(c => c.Order))
        {
            vcd.Change(c.Time, c.Signal, c.Bits);
        }

        return new GoldenWaveContent(written, skipped);
    }

    /// <summary>The expected value as MSB-first bits of <paramref name="width"/>.</summary>
    private static string Bits(Expectation e, int width)
    {
        var value = FixedPoint.Pack(e.Elements, e.ElementWidth);
        var chars = new char[width];
        for (var i = 0; i < width; i++)
        {
            chars[width - 1 - i] = ((value >> i) & BigInteger.One).IsZero ? '0' : '1';
        }

        return new string(chars);
    }
}
