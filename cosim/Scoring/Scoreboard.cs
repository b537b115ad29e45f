using System.Numerics;

namespace AttentionLego.Cosim.Scoring;

/// <summary>
/// A response the golden model predicts: the cycle and port, its elements (element 0 at the LSB end, each
/// <see cref="ElementWidth"/> bits, signed), what produced it, and how to name element i in model terms.
/// </summary>
/// <remarks><paramref name="Signed"/> says how the port's elements read: two's complement (the default) or unsigned.</remarks>
public sealed record Expectation(long Cycle, string Port, long[] Elements, int ElementWidth, string What, Func<int, string> Coordinate,
    bool Signed = true)
{
    /// <summary>Whether the cycle is checked (false where it depends on a random stall pattern).</summary>
    public bool Timed { get; init; } = true;

    /// <summary>Whether the value is checked (false for a counter that depends on a random stall pattern).</summary>
    public bool ValueChecked { get; init; } = true;

    public string Hex => FixedPoint.ToHex(FixedPoint.Pack(Elements, ElementWidth), Elements.Length * ElementWidth);
}

/// <summary>The first disagreement between the golden model and the RTL.</summary>
public sealed record Mismatch(string Kind, long Cycle, string Signal, string Coordinate, string Expected, string Actual)
{
    public string Describe() =>
        $"{Kind} at cycle {Cycle} on {Signal}: {Coordinate}: expected {Expected}, got {Actual}";
}

public sealed record ScoreResult(int Compared, Mismatch? FirstMismatch)
{
    public bool Passed => FirstMismatch is null;
}

/// <summary>Compares every response bit-exactly and in time; reports the first mismatch in model coordinates. A comparison of no response at all fails ("nothing compared").</summary>
public static class Scoreboard
{
    /// <summary>
    /// Compares each port's responses in order, on their own (a bench whose ports answer in an order that depends
    /// on stalls); the reported mismatch is the earliest of the ports' first mismatches.
    /// </summary>
    public static ScoreResult ComparePerPort(IReadOnlyList<Expectation> expected, Trace actual)
    {
        var ports = expected.Select(e => e.Port).Concat(actual.Transactions.Select(t => t.Port)).Distinct().ToList();
        var compared = 0;
        Mismatch? first = null;
        foreach (var port in ports)
        {
            var mine = new Trace([.. actual.Transactions.Where(t => t.Port == port)], actual.End, actual.EndCycle);
            var result = Compare([.. expected.Where(e => e.Port == port)], mine);
            compared += result.Compared;
            if (result.FirstMismatch is { } m && (first is null || m.Cycle < first.Cycle))
            {
                first = m;
            }
        }

        return new ScoreResult(compared, first ?? (compared == 0 ? NothingCompared(actual) : null));
    }

    public static ScoreResult Compare(IReadOnlyList<Expectation> expected, Trace actual)
    {
        var count = Math.Min(expected.Count, actual.Transactions.Count);
        for (var i = 0; i < count; i++)
        {
            var e = expected[i];
            var a = actual.Transactions[i];
            var mismatch = CompareOne(e, a);
            if (mismatch is not null)
            {
                return new ScoreResult(i, mismatch);
            }
        }

        if (actual.End == TraceEnd.TimedOut)
        {
            var due = expected.Count > count ? expected[count] : null;
            return new ScoreResult(count, new Mismatch("timeout", actual.EndCycle, due?.Port ?? "-",
                "the bench's cycle budget ran out",
                due is null ? "the end of the run" : $"{due.What} at cycle {due.Cycle}", "no response: the DUT hung"));
        }

        if (expected.Count > count)
        {
            var e = expected[count];
            return new ScoreResult(count, new Mismatch("missing response", e.Cycle, e.Port, e.What,
                e.Hex, actual.End == TraceEnd.Truncated ? "nothing (the simulation stopped early)" : "nothing (the bench finished)"));
        }

        if (actual.Transactions.Count > count)
        {
            var a = actual.Transactions[count];
            return new ScoreResult(count, new Mismatch("unexpected response", a.Cycle, a.Port, "no response was expected", "nothing", a.Hex));
        }

        if (actual.End == TraceEnd.Truncated)
        {
            return new ScoreResult(count, new Mismatch("truncated trace", actual.EndCycle, "-", "the simulation stopped before its end line",
                "a complete trace", "a trace without its end line"));
        }

        return count == 0 ? new ScoreResult(0, NothingCompared(actual)) : new ScoreResult(count, null);
    }

    /// <summary>
    /// No response predicted and none traced: the run checked nothing, which is never a pass. No bench expects silence
    /// (every one reads, computes or decodes something), so an empty expectation list is a bench or tamper bug.
    /// </summary>
    private static Mismatch NothingCompared(Trace actual) => new("nothing compared", actual.EndCycle, "-",
        "the golden model predicted no response and the trace holds none", "at least one response to compare",
        "none (a run that compares nothing checks nothing)");

    private static Mismatch? CompareOne(Expectation e, Transaction a)
    {
        if (a.Port != e.Port)
        {
            return new Mismatch("wrong port", a.Cycle, a.Port, e.What, $"{e.Port} at cycle {e.Cycle}", $"{a.Port} at cycle {a.Cycle}");
        }

        if (!e.ValueChecked)
        {
            return null;
        }

        if (!FixedPoint.TryParseHex(a.Hex, out var vector))
        {
            return new Mismatch("unknown bits", a.Cycle, a.Port, e.What, e.Hex, a.Hex + " (x or z bits)");
        }

        var width = e.ElementWidth;
        var mask = (BigInteger.One << width) - 1;
        for (var i = 0; i < e.Elements.Length; i++)
        {
            var bits = (ulong)((vector >> (i * width)) & mask);
            var actualElement = e.Signed ? FixedPoint.FromBitsSigned(bits, width) : (long)bits;
            if (actualElement != e.Elements[i])
            {
                return new Mismatch("value mismatch", a.Cycle, $"{a.Port}[{(i + 1) * width - 1}:{i * width}]",
                    $"{e.What}, {e.Coordinate(i)}", e.Elements[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    actualElement.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (vector >> (e.Elements.Length * width) != 0)
        {
            return new Mismatch("value mismatch", a.Cycle, a.Port, e.What, e.Hex, a.Hex + " (bits above the last element)");
        }

        if (e.Timed && a.Cycle != e.Cycle)
        {
            return new Mismatch("timing mismatch", a.Cycle, a.Port, e.What, $"valid at cycle {e.Cycle} (CycleModel)", $"valid at cycle {a.Cycle}");
        }

        return null;
    }
}
