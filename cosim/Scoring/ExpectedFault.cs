using AttentionLego.Cosim.Benches;

namespace AttentionLego.Cosim.Scoring;

/// <summary>
/// A deliberate fault for seeing a failure end to end (<c>cosim --inject-fault PORT[@N]</c>): the lowest bit of element 0
/// of the N-th expected response on PORT (from 1; default the middle one) is flipped before scoring, so the RTL, which is
/// right, disagrees with the golden model at exactly that response. The checker self-tests use the same fault.
/// </summary>
public sealed record ExpectedFault(string Port, int? Index = null)
{
    /// <summary>Parses <c>PORT</c> or <c>PORT@N</c>.</summary>
    public static ExpectedFault Parse(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return text.Length > 0 ? new ExpectedFault(text) : throw new ArgumentException("--inject-fault needs a trace port, e.g. y_data_o or y_data_o@2.");
        }

        if (at == 0 || !int.TryParse(text.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index < 1)
        {
            throw new ArgumentException($"--inject-fault '{text}' is not PORT or PORT@N with N >= 1 (e.g. y_data_o@2).");
        }

        return new ExpectedFault(text[..at], index);
    }

    /// <summary>The case with the fault applied; an unknown port or index (a <see cref="FaultTargetException"/>) names the ports and counts there are.</summary>
    public BenchCase Apply(BenchCase c) => Apply(c, e => e with { Elements = Flip(e.Elements) });

    /// <summary>The case with <paramref name="change"/> applied to the chosen expectation.</summary>
    public BenchCase Apply(BenchCase c, Func<Expectation, Expectation> change)
    {
        var expected = c.Expected.ToList();
        // Only responses whose value is checked: a fault in one that is not (a counter under random stalls) would change nothing.
        var indices = expected.Select((e, i) => (e, i)).Where(x => x.e.Port == Port && x.e.ValueChecked).Select(x => x.i).ToList();
        if (indices.Count == 0)
        {
            var ports = string.Join(", ", expected.Where(e => e.ValueChecked).Select(e => e.Port).Distinct().Order(StringComparer.Ordinal));
            throw new FaultTargetException($"--inject-fault {Port}: this bench checks no response value on {Port}. Fix: use one of its trace ports: {ports}.");
        }

        if (Index is > 0 and var n && n > indices.Count)
        {
            throw new FaultTargetException($"--inject-fault {Port}@{n}: this case expects only {indices.Count} responses on {Port}. Fix: use {Port}@1 .. {Port}@{indices.Count}.");
        }

        var index = indices[Index is { } i ? i - 1 : indices.Count / 2];
        expected[index] = change(expected[index]);
        return c with { Expected = expected };
    }

    /// <summary>The elements with the lowest bit of element 0 flipped.</summary>
    public static long[] Flip(long[] elements)
    {
        var copy = (long[])elements.Clone();
        copy[0] ^= 1;
        return copy;
    }
}

/// <summary>An <c>--inject-fault</c> that names no checked response of the bench: a usage error, with the ports there are.</summary>
public sealed class FaultTargetException(string message) : ArgumentException(message);
