using AttentionLego.Tests.Support;

// Fixtures run two at a time (one per core of the CI machine); the tests of one fixture run in order. A fixture that sets a
// process-wide environment variable, ends the test process's children or sweeps its scratch is [NonParallelizable], and
// paper-sized builds and lints take turns (Tier.OneLargeAtATime).
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(Parallelism.Workers)]

namespace AttentionLego.Tests.Support;

/// <summary>How the test process shares the machine.</summary>
public static class Parallelism
{
    /// <summary>Fixtures that run at once.</summary>
    public const int Workers = 2;

    /// <summary>Verilator's C++ compile jobs (<c>-j</c>) per build: the cores shared by the fixtures that may build at once.</summary>
    public static int VerilatorJobs => Math.Max(1, Environment.ProcessorCount / Workers);
}
