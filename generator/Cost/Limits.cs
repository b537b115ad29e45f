namespace AttentionLego.Gen.Cost;

/// <summary>
/// The fixed bounds every input and count is checked against before any work starts (docs/CLI.md, "Limits"). Each is
/// far above what a real use reaches, and low enough that reaching it costs seconds and megabytes, not hours and
/// gigabytes. What depends on the machine (memory, time) is <see cref="RunCost"/>'s job, not a fixed bound.
/// </summary>
public static class Limits
{
    /// <summary>
    /// Bytes of a configuration file (<c>--config</c>, and the files a matrix names). A configuration without faults is
    /// under 1 KiB; a fault-map entry is about 140 bytes as <c>faults draw</c> writes it, so the largest map
    /// (<see cref="MaxFaults"/> entries, about 140 MiB) fits with room for another layout.
    /// </summary>
    public const long MaxConfigBytes = 256L << 20;

    /// <summary>Bytes of a regression matrix file (<c>regress --matrix</c>). regress/ci.json is under 1 KiB; 4 MiB is some 40,000 entries.</summary>
    public const long MaxMatrixBytes = 4L << 20;

    /// <summary>
    /// Bytes of one JUnit file given to <c>regress merge</c>. A case takes about 300 bytes (a failing one about 1 KiB with
    /// its message), so a regression of <see cref="MaxCases"/> cases, every one failing, stays under it.
    /// </summary>
    public const long MaxJUnitBytes = 128L << 20;

    /// <summary>Bytes of all the JUnit files of one <c>regress merge</c> together.</summary>
    public const long MaxJUnitTotalBytes = 512L << 20;

    /// <summary>Characters of one <c>--set Path=value</c>: the longest key path is 24 characters and the longest value a few digits or an enum name.</summary>
    public const int MaxSetLength = 1000;

    /// <summary>Entries of a fault map (stuck-at bits and dead ADC columns together): paper-exact at a rate of 3 % holds 503,000; paper-mha reaches it at 1.5e-3.</summary>
    public const int MaxFaults = 1_000_000;

    /// <summary>Seeds of one <c>cosim</c> run, of one matrix entry, of <c>regress --seeds</c> and of <c>faults sweep --seeds</c>.</summary>
    public const int MaxSeeds = 100_000;

    /// <summary>Cases of one regression (configurations x modules x seeds): <c>--random-configs 10000</c> with every module is 90,000.</summary>
    public const int MaxCases = 100_000;

    /// <summary>Rates of one <c>faults sweep --rates</c> list (the default lists 6).</summary>
    public const int MaxRates = 1000;

    /// <summary>
    /// Seconds of <c>--timeout</c> and <c>--yosys-timeout</c>: 7 days. The timer behind them counts at most 49.7 days
    /// (2^32 - 2 ms); a simulation or a synthesis that needs a week is not one run any more.
    /// </summary>
    public const int MaxTimeoutSeconds = 7 * 24 * 3600;

    /// <summary>
    /// <c>regress -j</c> per core: cases run as processes (a C++ build, then a simulation) and more at once than a few
    /// per core only queue for the CPU, and multiply the memory that builds hold at once.
    /// </summary>
    public const int MaxJobsPerCore = 4;

    /// <summary>The largest <c>-j</c> on a machine with <paramref name="cores"/> cores (at least <see cref="MaxJobsPerCore"/>).</summary>
    public static int MaxJobs(int cores) => MaxJobsPerCore * Math.Max(1, cores);
}
