using System.Globalization;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Waves;

namespace AttentionLego.Cosim.WaveDumps;

/// <summary>
/// The waves a case leaves in its folder: the RTL dump (<c>rtl.vcd</c> or <c>rtl.fst</c>), the golden model's expected
/// port activity (<c>golden.vcd</c>), both in one file (<c>overlay.vcd</c>, the golden signals under the top scope
/// <c>golden</c>) and a GTKWave save file (<c>waves.gtkw</c>) that opens the overlay with each RTL signal above its
/// expectation; and, for a VCD, where `wave diff` finds the first divergence.
/// </summary>
public sealed record WaveArtifacts(string Rtl, string Golden, string? Overlay, string SaveFile, long FromCycle, long ToCycle,
    string DiffCommand, string? FirstDivergence, IReadOnlyList<string> Notes)
{
    public const string GoldenScope = "golden";

    /// <summary>Overlays are written only below this RTL dump size; a larger dump is compared and viewed on its own.</summary>
    public const long MaxOverlayBytes = 256L << 20;

    public string Describe(string indent)
    {
        var lines = new List<string>
        {
            $"waves (cycles {FromCycle}..{ToCycle}): {Rtl}",
            $"golden waves: {Golden}",
            $"view: gtkwave {ConfigSource.Quote(SaveFile)}" + (Overlay is null ? "" : $" (RTL and golden in {Path.GetFileName(Overlay)})"),
            $"diff: {DiffCommand}",
        };
        if (FirstDivergence is not null)
        {
            lines.Add("first divergence: " + FirstDivergence);
        }

        lines.AddRange(Notes);
        return string.Join("\n", lines.Select(l => indent + l));
    }

    /// <summary>
    /// Writes the golden waves, overlay and save file next to <paramref name="rtl"/> (the dump the simulator just wrote,
    /// covering bench cycles <paramref name="fromCycle"/> (null: from the start) to <paramref name="toCycle"/>), and for a
    /// VCD compares golden against RTL on the probed signals.
    /// </summary>
    public static WaveArtifacts Complete(string dir, string rtl, WaveSettings settings, IModuleBench bench, AttentionConfig config,
        BenchCase benchCase, long toCycle, Mismatch? mismatch, long? fromCycle)
    {
        var notes = new List<string>();
        if (!File.Exists(rtl))
        {
            throw new IOException($"the traced simulation wrote no wave dump at {rtl}; see the logs in {dir}.");
        }

        var probes = bench.Probes(config);
        var golden = Path.Combine(dir, "golden.vcd");
        GoldenWaveContent content;
        using (var writer = new StreamWriter(golden))
        {
            content = GoldenWaves.Write(writer, bench.TopModule, probes, benchCase.Expected, toCycle);
        }

        if (content.Skipped.Count > 0)
        {
            notes.Add("not in the golden waves: " + string.Join(", ", content.Skipped));
        }

        var tb = $"TOP.{bench.TopModule}";
        var compared = content.Written.SelectMany(p => p.Strobes.Prepend(p.Data)).Distinct().Select(p => $"{tb}.{p}").ToList();
        var from = fromCycle ?? 0;
        var window = fromCycle is null ? "" : $" --from-cycle {from.ToString(CultureInfo.InvariantCulture)}";
        var diffCommand = $"scripts/attnlego wave diff {ConfigSource.Quote(golden)} {ConfigSource.Quote(rtl)} --x-wildcard{window}";
        string? divergence = null;
        string? overlay = null;
        var saveFile = Path.Combine(dir, "waves.gtkw");
        var groups = content.Written.Select(p => new GtkwGroup(p.Port,
            [.. p.Strobes.Prepend(p.Data).Select(s => ($"{tb}.{s}", (string?)$"{GoldenScope}.{bench.TopModule}.{s}", Width(benchCase, p, s)))])).ToList();
        if (settings.Format == WaveFormat.Vcd)
        {
            var expected = VcdReader.Load(golden);
            var actual = VcdReader.Load(rtl);
            var diff = VcdDiff.Compare(expected, actual, new VcdDiffOptions
            {
                Clock = $"{tb}.clk_i",
                Signals = compared,
                FromCycle = from,
                XWildcard = true,
            });
            divergence = diff.ComparedNothing
                ? $"not compared: the golden waves and the RTL dump share no probed signal or clock edge ({diff.SignalsCompared} signals, {diff.Cycles.Count} edges)"
                : diff.Divergences.Count == 0
                ? "none on the probed ports" + (mismatch is null ? "" : " (the mismatch is elsewhere: see the trace)")
                : Describe(diff.Divergences[0]);
            if (new FileInfo(rtl).Length <= MaxOverlayBytes)
            {
                overlay = Path.Combine(dir, "overlay.vcd");
                using var writer = new StreamWriter(overlay);
                VcdMerge.Write(writer, [(actual, null), (expected, ("TOP", GoldenScope))]);
            }
            else
            {
                notes.Add($"no overlay: the RTL dump is over {MaxOverlayBytes >> 20} MiB; open {Path.GetFileName(golden)} next to it");
            }
        }
        else
        {
            notes.Add("FST: open golden.vcd next to rtl.fst in the viewer; `wave diff` reads FST through GTKWave's fst2vcd");
        }

        var marker = mismatch is null ? (long?)null : BenchClock.EdgeTime(mismatch.Cycle);
        File.WriteAllText(saveFile, GtkwSave.Render(overlay ?? rtl, saveFile, $"{tb}.clk_i",
            overlay is null ? [.. groups.Select(g => g with { Signals = [.. g.Signals.Select(s => (s.Actual, (string?)null, s.Width))] })] : groups,
            Math.Max(0, BenchClock.EdgeTime(from) - 2), marker));
        return new WaveArtifacts(rtl, golden, overlay, saveFile, from, toCycle, diffCommand, divergence, notes);
    }

    /// <summary>A divergence as one line, golden value first.</summary>
    public static string Describe(VcdDivergence d) =>
        $"{d.Signal} at cycle {d.Cycle} (time {d.Time}): golden {WaveValue(d.Expected)}, RTL {WaveValue(d.Actual)}{(d.Note is null ? "" : $" ({d.Note})")}";

    /// <summary>Hex when every bit is known, else the bits.</summary>
    private static string WaveValue(string bits) =>
        bits.All(b => b is '0' or '1') && bits.Length > 0 ? "0x" + FixedPointHex(bits) : bits;

    private static string FixedPointHex(string bits)
    {
        var value = System.Numerics.BigInteger.Zero;
        foreach (var b in bits)
        {
            value = (value << 1) | (b == '1' ? 1 : 0);
        }

        return Gen.Golden.FixedPoint.ToHex(value, bits.Length);
    }

    private static int Width(BenchCase c, WaveProbe probe, string signal)
    {
        if (signal != probe.Data)
        {
            return 1;
        }

        var e = c.Expected.First(x => x.Port == probe.Port);
        return e.Elements.Length * e.ElementWidth;
    }
}
