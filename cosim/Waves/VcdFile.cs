namespace AttentionLego.Cosim.Waves;

/// <summary>One <c>$var</c> declaration: its full dotted name (scopes and reference), its type and range, and its signal.</summary>
public sealed record VcdVariable(string FullName, string Type, int Width, string? Range, VcdSignal Signal);

/// <summary>
/// A VCD file read into memory (IEEE 1364-2005 §18): header, scopes, variables and every value change.
/// Read it with <see cref="VcdReader"/>. Times are in units of <see cref="Timescale"/>.
/// </summary>
public sealed class VcdFile
{
    private readonly Dictionary<string, VcdVariable> _byName;

    internal VcdFile(string source, string? date, string? version, VcdTimescale timescale, IReadOnlyList<VcdVariable> variables,
        IReadOnlyList<VcdSignal> signals, long? firstTime, long? lastTime)
    {
        Source = source;
        Date = date;
        Version = version;
        Timescale = timescale;
        Variables = variables;
        Signals = signals;
        FirstTime = firstTime;
        LastTime = lastTime;
        _byName = new Dictionary<string, VcdVariable>(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            _byName.TryAdd(variable.FullName, variable);
        }
    }

    /// <summary>The file name (or the name given to the reader), for messages.</summary>
    public string Source { get; }

    public string? Date { get; }

    public string? Version { get; }

    /// <summary>The time unit; 1 s when the file has no <c>$timescale</c> (§18.2.3.9 leaves it to the tool; Icarus writes 1s).</summary>
    public VcdTimescale Timescale { get; }

    /// <summary>Every <c>$var</c> in declaration order; aliases appear once per name.</summary>
    public IReadOnlyList<VcdVariable> Variables { get; }

    /// <summary>Distinct signals (one per identifier code) in order of first declaration.</summary>
    public IReadOnlyList<VcdSignal> Signals { get; }

    /// <summary>The first and last <c>#time</c> in the file (null when it has none): the dumped range.</summary>
    public long? FirstTime { get; }

    public long? LastTime { get; }

    /// <summary>The variable with this full dotted name, e.g. <c>TOP.al_tb_top.u_dut.o_valid</c>, or null.</summary>
    public VcdVariable? Find(string fullName) => _byName.GetValueOrDefault(fullName);

    /// <summary>The signal with this full name; throws <see cref="KeyNotFoundException"/> naming the file when there is none.</summary>
    public VcdSignal this[string fullName] => Find(fullName)?.Signal ??
        throw new KeyNotFoundException($"{Source} has no signal named {fullName}.");
}
