namespace AttentionLego.Cosim.WaveDumps;

/// <summary>The dump format Verilator writes: VCD (IEEE 1364 §18, readable by `attnlego wave`) or FST (GTKWave's, far smaller).</summary>
public enum WaveFormat
{
    Vcd,
    Fst,
}

/// <summary>When co-simulation dumps waves.</summary>
public enum WaveMode
{
    /// <summary>Never: no traced build is made.</summary>
    Never,

    /// <summary>Only for a failing case: it is run again on the traced build, dumping a window around its first mismatch.</summary>
    OnFailure,

    /// <summary>Every case runs on the traced build and dumps the whole run.</summary>
    Always,
}

/// <summary>Wave dumping of a co-simulation: when, in which format, and how many cycles around a first mismatch.</summary>
public sealed record WaveSettings(WaveMode Mode = WaveMode.OnFailure, WaveFormat Format = WaveFormat.Vcd)
{
    /// <summary>Cycles dumped before the first mismatch when a failing case is re-run.</summary>
    public int CyclesBefore { get; init; } = 2000;

    /// <summary>Cycles dumped after the first mismatch.</summary>
    public int CyclesAfter { get; init; } = 200;

    public static WaveSettings Never { get; } = new(WaveMode.Never);

    public string Extension => Format == WaveFormat.Vcd ? ".vcd" : ".fst";

    /// <summary>The parsed value of <c>--waves</c> (never, on-failure, always).</summary>
    public static WaveMode ParseMode(string text) => text switch
    {
        "never" => WaveMode.Never,
        "on-failure" => WaveMode.OnFailure,
        "always" => WaveMode.Always,
        _ => throw new ArgumentException($"--waves takes never, on-failure or always, not '{text}'."),
    };

    public static string ModeName(WaveMode mode) => mode switch
    {
        WaveMode.Never => "never",
        WaveMode.OnFailure => "on-failure",
        _ => "always",
    };
}

/// <summary>
/// How bench cycles map to simulation time: every bench holds reset for <see cref="ResetCycles"/> clock cycles, then
/// counts cycle 0, 1, ... (the cycles of trace files and mismatch reports). The Verilator main advances time by 1 per
/// half-period, so the rising edge of clock cycle k (reset cycles included) is at time 2k+1.
/// </summary>
public static class BenchClock
{
    public const int ResetCycles = 4;

    /// <summary>Simulation time of the rising edge at which the bench samples bench cycle <paramref name="cycle"/>.</summary>
    public static long EdgeTime(long cycle) => 2 * (cycle + ResetCycles) + 1;
}
