namespace AttentionLego.Cosim.Waves;

/// <summary>What <see cref="VcdDiff"/> compares. Cycle and time windows are inclusive; times are in A's timescale.</summary>
public sealed record VcdDiffOptions
{
    /// <summary>The clock of A to count cycles by: a full name or glob; null = the first signal whose leaf is <c>clk_i</c> or <c>clk</c>.</summary>
    public string? Clock { get; init; }

    /// <summary>Globs (<c>*</c>, <c>?</c>) over full names; empty = every signal present in both files.</summary>
    public IReadOnlyList<string> Signals { get; init; } = [];

    public long? FromCycle { get; init; }

    public long? ToCycle { get; init; }

    public long? FromTime { get; init; }

    public long? ToTime { get; init; }

    /// <summary>An x or z bit in A (expected) matches any bit in B; off: x must equal x.</summary>
    public bool XWildcard { get; init; }
}

/// <summary>The first cycle at which <paramref name="Signal"/> differs; <paramref name="Note"/> says why when not by value (e.g. widths).</summary>
public sealed record VcdDivergence(string Signal, long Cycle, long Time, string Expected, string Actual, string? Note = null);

/// <summary>The outcome of a comparison: the cycles compared and, per signal, its first divergence.</summary>
public sealed record VcdDiffResult(
    string Clock,
    IReadOnlyList<WaveCycle> Cycles,
    int SignalsCompared,
    IReadOnlyList<VcdDivergence> Divergences,
    IReadOnlyList<string> OnlyInA,
    IReadOnlyList<string> OnlyInB)
{
    /// <summary>
    /// Of <see cref="SignalsCompared"/>, those that checked something: not A's clock (which the cycles are counted by),
    /// and, with <see cref="VcdDiffOptions.XWildcard"/>, only a signal with at least one known (0 or 1) expected bit in
    /// the window (an expected x accepts anything); without it x must equal x, and every other compared signal counts.
    /// </summary>
    public int SignalsChecked { get; init; } = SignalsCompared;

    /// <summary>
    /// No signal in both files (after <see cref="VcdDiffOptions.Signals"/>), no clock edge in the window, only the clock,
    /// or (with the x wildcard) expected values that are all x: nothing was compared.
    /// </summary>
    public bool ComparedNothing => SignalsCompared == 0 || Cycles.Count == 0 || SignalsChecked == 0;

    /// <summary>Something was compared and nothing diverged: a comparison of nothing is never identical.</summary>
    public bool Identical => Divergences.Count == 0 && !ComparedNothing;
}

/// <summary>
/// Compares wave A (expected) with wave B (actual) cycle by cycle. Cycle n is the n-th rising edge of A's clock; at
/// each edge both files are sampled just before the edge time (what flops see). Edges outside B's dumped range
/// (after its first timestamp, up to its last) are skipped. Signals match by full name without a leading <c>TOP</c>
/// scope, so a Verilator dump and an Icarus dump of one bench compare. Times of B are converted through the timescales.
/// </summary>
public static class VcdDiff
{
    public static VcdDiffResult Compare(VcdFile a, VcdFile b, VcdDiffOptions options, CancellationToken ct = default)
    {
        var clock = WaveCycles.ResolveClock(a, options.Clock);
        var namesA = ByNormalName(a);
        var namesB = ByNormalName(b);

        var (selectedA, selectedB) = (namesA.Keys.AsEnumerable(), namesB.Keys.AsEnumerable());
        if (options.Signals.Count > 0)
        {
            foreach (var glob in options.Signals)
            {
                if (!namesA.Values.Concat(namesB.Values).Any(v => WaveCycles.Matches(glob, v.FullName)))
                {
                    throw new WaveException($"--signals \"{glob}\" matches no signal of {a.Source} or {b.Source}. Fix: globs match full dotted names " +
                                            $"such as {namesA.Keys.FirstOrDefault() ?? "tb.u_dut.o_valid"} ('*' any run, '?' one character; a leading TOP. is optional).");
                }
            }

            selectedA = namesA.Where(kv => options.Signals.Any(g => WaveCycles.Matches(g, kv.Value.FullName))).Select(kv => kv.Key);
            selectedB = namesB.Where(kv => options.Signals.Any(g => WaveCycles.Matches(g, kv.Value.FullName))).Select(kv => kv.Key);
        }

        var setA = selectedA.ToHashSet(StringComparer.Ordinal);
        var setB = selectedB.ToHashSet(StringComparer.Ordinal);
        var common = setA.Where(setB.Contains).Order(StringComparer.Ordinal).ToList();
        var onlyInA = setA.Where(n => !namesB.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        var onlyInB = setB.Where(n => !namesA.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();

        var cycles = WaveCycles.Cycles(clock.Signal, options.FromCycle, options.ToCycle, options.FromTime, options.ToTime);
        var aScale = (Int128)a.Timescale.Femtoseconds;
        var bScale = (Int128)b.Timescale.Femtoseconds;
        if (b.FirstTime is { } first && b.LastTime is { } last)
        {
            cycles = cycles.Where(c => c.Time * aScale > first * bScale && c.Time * aScale <= last * bScale).ToList();
        }
        else
        {
            cycles = [];
        }

        // B is sampled at its last time strictly before the edge: below ceil(edge / B's step).
        var limits = cycles.Select(c => (long)(((c.Time * aScale) + bScale - 1) / bScale)).ToArray();
        var divergences = new List<VcdDivergence>();
        var checkedSignals = 0;
        foreach (var name in common)
        {
            ct.ThrowIfCancellationRequested();
            var (varA, varB) = (namesA[name], namesB[name]);
            var (divergence, known) = FirstDivergence(name, varA, varB, cycles, limits, options.XWildcard);
            if (divergence is not null)
            {
                divergences.Add(divergence);
            }

            // The clock is what the cycles are counted by (always 0 just before its rising edges): comparing it checks nothing.
            var isClock = ReferenceEquals(varA.Signal, clock.Signal);
            checkedSignals += !isClock && (divergence is not null || known || !options.XWildcard) ? 1 : 0;
        }

        divergences.Sort((x, y) => x.Cycle != y.Cycle ? x.Cycle.CompareTo(y.Cycle) : string.CompareOrdinal(x.Signal, y.Signal));
        return new VcdDiffResult(WaveCycles.Normalize(clock.FullName), cycles, common.Count, divergences, onlyInA, onlyInB)
        {
            SignalsChecked = checkedSignals,
        };
    }

    /// <summary>Bit <paramref name="expected"/> of A accepts bit <paramref name="actual"/> of B.</summary>
    internal static bool Accepts(string expected, string actual, bool xWildcard)
    {
        if (!xWildcard)
        {
            return expected == actual;
        }

        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i] && expected[i] is not ('x' or 'z'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The signal's first divergence (or null), and whether any expected value in the window had a known bit.</summary>
    private static (VcdDivergence? Divergence, bool Known) FirstDivergence(string name, VcdVariable varA, VcdVariable varB, List<WaveCycle> cycles,
        long[] limits, bool xWildcard)
    {
        var (sa, sb) = (varA.Signal, varB.Signal);
        if (cycles.Count == 0)
        {
            return (null, false);
        }

        if (sa.Width != sb.Width || sa.IsReal != sb.IsReal)
        {
            var c = cycles[0];
            return (new VcdDivergence(name, c.Number, c.Time, sa.ValueBefore(c.Time), sb.ValueBefore(limits[0]),
                $"width differs: A {Describe(varA)}, B {Describe(varB)}"), true);
        }

        var known = false;
        int lastA = -2, lastB = -2;
        for (var i = 0; i < cycles.Count; i++)
        {
            var (ia, ib) = (sa.IndexBefore(cycles[i].Time), sb.IndexBefore(limits[i]));
            if (ia == lastA && ib == lastB)
            {
                continue; // same values as the previous edge, which matched
            }

            (lastA, lastB) = (ia, ib);
            var (expected, actual) = (sa.ValueOf(ia), sb.ValueOf(ib));
            known |= sa.IsReal || expected.AsSpan().IndexOfAnyExcept('x', 'z') >= 0;
            if (!Accepts(expected, actual, xWildcard && !sa.IsReal))
            {
                return (new VcdDivergence(name, cycles[i].Number, cycles[i].Time, expected, actual), true);
            }
        }

        return (null, known);
    }

    private static string Describe(VcdVariable v) => v.Signal.IsReal ? "real" : $"{v.Width} bits";

    private static Dictionary<string, VcdVariable> ByNormalName(VcdFile file)
    {
        var names = new Dictionary<string, VcdVariable>(StringComparer.Ordinal);
        foreach (var variable in file.Variables)
        {
            names.TryAdd(WaveCycles.Normalize(variable.FullName), variable);
        }

        return names;
    }
}
