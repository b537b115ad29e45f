using System.Globalization;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Gen.Cost;

/// <summary>What a run is expected to take: its peak memory and its wall time, each with the figures it comes from.</summary>
public sealed record RunEstimate(string Run, double PeakBytes, string MemoryBasis, double Seconds, string TimeBasis)
{
    /// <summary>Two estimates of runs that happen one after the other: the larger peak, the sum of the times.</summary>
    public RunEstimate Then(RunEstimate next) => new(Run,
        Math.Max(PeakBytes, next.PeakBytes), PeakBytes >= next.PeakBytes ? MemoryBasis : next.MemoryBasis,
        Seconds + next.Seconds, TimeBasis + " + " + next.TimeBasis);
}

/// <summary>A run estimated far beyond this machine (exit 9): the message gives the estimate, the limit and the fix.</summary>
public sealed class BeyondMachineException(string message) : Exception(message);

/// <summary>
/// The cost of a run, estimated from the configuration before any work starts, and the policy that refuses a run far
/// beyond the machine (<see cref="Check"/>). One simple model, calibrated on this project's machine (2 cores, 23.5 GiB,
/// Verilator 5.006, g++ 12, .NET 10) and documented with its measurements in docs/CLI.md, "Run cost":
/// <list type="bullet">
/// <item>a Verilator build's memory grows with the PIM macro instances its bench elaborates and their multipliers (a
/// macro computes <c>Pim.InputLanes x Pim.AdcCount</c> products per step, each unrolled): about 1.1 MB per macro and
/// 31 KB per multiplier (paper-exact's head: 128 macros, 32,768 multipliers, 1.26 GB), so paper-mha's 5,120 macros
/// need about 46 GB; its time grows with the distinct macros (instances of one matrix module share their C++);
/// a fault map adds its entries (each one case item in the RTL);</item>
/// <item>a simulated cycle costs about 0.25 us per macro instance (Verilator evaluates every macro every cycle:
/// paper-exact's head, 128 macros, 31,000 cycles/s); a whole-head run is its weight load (one bus beat per cycle, or one
/// write of the weight port per cycle when a write carries less than a beat) plus the decoded tokens, each about 1.3 x the
/// ideal bound; a module bench's, its weight writes (a word of cells each) plus its compute steps;</item>
/// <item>the golden model costs <see cref="GoldenSecondsPerCell"/> per PIM cell to set up (drawing and loading the
/// weights) and <see cref="GoldenSecondsPerCellToken"/> per cell per token (the paper head: 2.1 million cells, about 50 ms
/// a token), and holds <see cref="GoldenBytesPerCell"/> bytes per cell.</item>
/// </list>
/// The figures are meant to be within a factor of two: enough to tell a run of minutes from one of weeks, and a build
/// of 2 GB from one of 40 GB. A refusal can be overridden with <see cref="IgnoreVariable"/>.
/// </summary>
public static class RunCost
{
    /// <summary>Set to 1 to run a refused run anyway (the refusal becomes a warning).</summary>
    public const string IgnoreVariable = "ATTNLEGO_IGNORE_COST";

    /// <summary>A run estimated longer than this is warned about (1 hour).</summary>
    public const double WarnSeconds = 3600;

    /// <summary>A run estimated longer than this is refused (7 days).</summary>
    public const double MaxSeconds = 7 * 24 * 3600;

    // Calibration: see the class comment and docs/CLI.md, "Run cost". Memory is Verilator's resident peak (it stays
    // resident while make runs the C++ compiler); times are wall seconds on 2 cores.

    /// <summary>Verilator's memory for a bench with no PIM macro (the controller, softmax, DMA, the bench itself).</summary>
    internal const double VerilatorBaseBytes = 113e6;

    /// <summary>Verilator's memory per macro instance it elaborates.</summary>
    internal const double BuildBytesPerMacro = 1.14e6;

    /// <summary>Verilator's memory per multiplier elaborated (an unrolled lane x ADC product).</summary>
    internal const double BuildBytesPerMultiplier = 30.5e3;

    /// <summary>Verilator's memory per fault-map entry (one case item of a macro's fault table).</summary>
    internal const double BuildBytesPerFault = 2e3;

    /// <summary>The C++ compilers make runs beside Verilator (one per core on 2 cores, about 250 MB each).</summary>
    internal const double CompilerBytes = 500e6;

    /// <summary>Seconds of a build with no macro (Verilator, then the C++ compiler).</summary>
    internal const double BuildBaseSeconds = 5;

    /// <summary>Seconds a whole head adds to a build (controller, softmax, DMA, bench).</summary>
    internal const double HeadBuildSeconds = 10;

    /// <summary>
    /// Seconds per distinct macro of a build. Instances of one matrix module share their C++ (a head's three projections
    /// cost one, the heads of an array one), so a build's time grows with the distinct macros, its memory with all.
    /// </summary>
    internal const double BuildSecondsPerMacro = 0.25;

    /// <summary>Seconds per multiplier of a distinct macro.</summary>
    internal const double BuildSecondsPerMultiplier = 0.0145;

    /// <summary>Seconds per fault-map entry of a build.</summary>
    internal const double BuildSecondsPerFault = 0.002;

    /// <summary>Verilator's memory per macro instance when it only lints (no C++ is made).</summary>
    internal const double LintBytesPerMacro = 0.6e6;

    /// <summary>Verilator's memory per multiplier when it only lints (paper's al_top, 32,768 multipliers: 934 MB).</summary>
    internal const double LintBytesPerMultiplier = 22.7e3;

    /// <summary>Seconds of a lint of every module, whatever the size.</summary>
    internal const double LintBaseSeconds = 30;

    /// <summary>Seconds of a lint per multiplier of its largest hierarchy (paper: 135 s).</summary>
    internal const double LintSecondsPerMultiplier = 0.0025;

    /// <summary>Seconds of one simulated cycle of a design without macros (Verilator).</summary>
    internal const double CycleSecondsBase = 1e-6;

    /// <summary>Seconds per simulated cycle per macro instance (Verilator evaluates each macro's logic every cycle).</summary>
    internal const double CycleSecondsPerMacro = 0.25e-6;

    /// <summary>How much slower Icarus simulates than Verilator (docs/BENCHMARKS.md: 63x on tiny's head).</summary>
    internal const double IcarusSlowdown = 63;

    /// <summary>Seconds of the golden model per PIM cell per token (accuracy; a bench's golden model with its timing model takes twice that).</summary>
    internal const double GoldenSecondsPerCellToken = 30e-9;

    /// <summary>Seconds per PIM cell of a golden-model run before its first token: drawing, quantising and loading the weights.</summary>
    internal const double GoldenSecondsPerCell = 150e-9;

    /// <summary>Bytes the golden model holds per PIM cell (weights as 64-bit words, the float reference's copy, the caches).</summary>
    internal const double GoldenBytesPerCell = 24;

    /// <summary>Memory of the attnlego process itself (.NET, the rendered RTL, the models of a small design).</summary>
    internal const double ProcessBytes = 250e6;

    /// <summary>Seconds a process start and a seed's files cost, whatever the size.</summary>
    internal const double SeedOverheadSeconds = 0.05;

    /// <summary>PIM macros the bench of <paramref name="module"/> elaborates (cosim module names).</summary>
    public static long Macros(AttentionConfig c, string module) => ModuleCatalog.Find("al_" + module)?.MacroCount(c) ?? 0;

    /// <summary>Multipliers of those macros: each computes InputLanes x AdcCount products per step.</summary>
    public static long Multipliers(AttentionConfig c, string module) => Macros(c, module) * c.Pim.InputLanes * c.Pim.AdcCount;

    /// <summary>
    /// PIM cells below which a bench simulates so few cycles (its weight writes and a few tokens: a few thousand) that its
    /// build is all that counts, and it is compiled for the smallest C++ (<see cref="SimulationLength.Short"/>). Every tiny
    /// and tiny-mha bench is below (tiny's head 4,096 cells, tiny-mha4's array 20,480); every paper-size one above (a paper
    /// matrix 524,288, paper-exact's K cache 262,144, whose 321,000-cycle run took 146 s built that way against 12 s).
    /// </summary>
    public const long ShortSimulationCells = 1L << 17;

    /// <summary>How long a seed of <paramref name="module"/>'s bench simulates, judged by its PIM cells: what its build is tuned for.</summary>
    public static SimulationLength Length(AttentionConfig c, string module) =>
        Cells(c, module) >= ShortSimulationCells ? SimulationLength.Long : SimulationLength.Short;

    /// <summary>PIM cells of the bench's matrices (weights, or cache entries).</summary>
    public static long Cells(AttentionConfig c, string module)
    {
        long projection = (long)c.Model.DModel * c.Model.DHead;
        long caches = 2L * c.Model.DHead * c.Model.MaxSeqLen;
        return module switch
        {
            "pim_macro" => (long)c.Pim.Rows * c.Pim.Cols,
            "pim_matrix" => projection,
            "qkv" => 3 * projection,
            "score" or "context" => caches / 2,
            "top" => (3 * projection) + caches,
            "array" => (c.Model.Heads * ((3 * projection) + caches)) + (c.Model.OutputProjection ? (long)c.Model.RowElements * c.Model.DModel : 0),
            _ => 0,
        };
    }

    /// <summary>
    /// Distinct macros of the bench: one per tile of each distinct matrix shape (a head's three projections share their
    /// module, the heads of an array theirs), what the C++ code and so the build time grow with.
    /// </summary>
    public static long DistinctMacros(AttentionConfig c, string module)
    {
        long head = c.ProjectionShape.MacroCount + c.ScoreShape.MacroCount + c.ContextShape.MacroCount;
        return module switch
        {
            "qkv" => c.ProjectionShape.MacroCount,
            "top" => head,
            "array" => head + (c.Model.OutputProjection ? c.OutputProjectionShape.MacroCount : 0),
            _ => Macros(c, module),
        };
    }

    /// <summary>A Verilator build of <paramref name="module"/>'s bench: the peak memory (Verilator and the C++ compilers) and the wall seconds.</summary>
    public static (double Bytes, double Seconds, string Basis) Build(AttentionConfig c, string module)
    {
        var macros = Macros(c, module);
        var multipliers = Multipliers(c, module);
        var perMacro = c.Pim.InputLanes * c.Pim.AdcCount;
        var distinct = DistinctMacros(c, module);
        var faults = macros > 0 ? c.Faults.Count : 0;
        var bytes = VerilatorBaseBytes + CompilerBytes + (macros * BuildBytesPerMacro) + (multipliers * BuildBytesPerMultiplier) + (faults * BuildBytesPerFault);
        var seconds = BuildBaseSeconds + (module is "top" or "array" ? HeadBuildSeconds : 0) + (distinct * BuildSecondsPerMacro)
                      + (distinct * perMacro * BuildSecondsPerMultiplier) + (faults * BuildSecondsPerFault);
        var withFaults = faults > 0 ? Invariant($", {faults:N0} faults") : "";
        var basis = Invariant($"{macros:N0} PIM macro{(macros == 1 ? "" : "s")} of {c.Pim.Rows}x{c.Pim.Cols} with {c.Pim.InputLanes} lanes x {c.Pim.AdcCount} ADCs ({multipliers:N0} multipliers{withFaults}) to build");
        return (bytes, seconds, basis);
    }

    /// <summary>Cycles of one seed of <paramref name="module"/>'s bench: weight writes, compute, and for a whole head the decoded tokens.</summary>
    public static double SimulationCycles(AttentionConfig c, string module, int tokens)
    {
        switch (module)
        {
            case "top" or "array":
                var array = module == "array";
                var heads = array ? c.Model.Heads : 1;
                double weights = 3.0 * c.Model.DModel * c.Model.DHead * heads + (array && c.Model.OutputProjection ? (double)c.Model.RowElements * c.Model.DModel : 0);
                // One bus beat per cycle, or one write per cycle into a head's macros when a write carries less than a beat.
                var load = Math.Max(weights * c.Format.WeightWidth / c.Bus.DataWidth, 3.0 * c.Model.DModel * c.Model.DHead / c.ProjectionShape.WriteCells);
                var ideal = array ? CycleModel.IdealArrayTokenCycles(c, tokens) : CycleModel.IdealTokenCycles(c, tokens);
                // Two decodes of the tokens' commands, a refused one, then the first token again.
                return load + ((tokens + 1) * ((1.3 * ideal) + 40));
            case "softmax" or "requant":
                return 5000;
            default:
                var shape = module is "score" ? c.ScoreShape : module is "context" ? c.ContextShape : c.ProjectionShape;
                // A cache appends a token's DHead cells in one write (a column of the K cache, a row of the V cache).
                var cellsPerWrite = module switch { "pim_macro" => shape.MacroWriteCells, "score" or "context" => c.Model.DHead, _ => shape.WriteCells };
                return ((double)Cells(c, module) / cellsPerWrite) + (20.0 * shape.ComputeSteps) + 1000;
        }
    }

    /// <summary>Seconds of one simulated cycle of <paramref name="module"/>'s bench.</summary>
    public static double CycleSeconds(AttentionConfig c, string module, bool icarus = false) =>
        (CycleSecondsBase + (Macros(c, module) * CycleSecondsPerMacro)) * (icarus ? IcarusSlowdown : 1);

    /// <summary>
    /// <c>cosim</c> of <paramref name="module"/> over <paramref name="seeds"/> seeds: the build (unless it is cached, which
    /// is not known before rendering: the estimate assumes a build), then per seed the golden model and the simulation.
    /// </summary>
    public static RunEstimate Cosim(AttentionConfig c, string module, int tokens, int seeds, bool icarus = false)
    {
        var build = Build(c, module);
        var cycles = SimulationCycles(c, module, tokens);
        var whole = module is "top" or "array";
        var golden = Cells(c, module) * (GoldenSecondsPerCell + ((whole ? tokens : 4) * 2 * GoldenSecondsPerCellToken));
        var perSeed = (cycles * CycleSeconds(c, module, icarus)) + golden + SeedOverheadSeconds;
        var simBytes = Cells(c, module) * GoldenBytesPerCell;
        var run = Invariant($"cosim --module {module}");
        var forTokens = whole ? Invariant($" for {tokens:N0} token{(tokens == 1 ? "" : "s")}") : "";
        var buildBytes = icarus ? build.Bytes / 4 : build.Bytes;
        return new RunEstimate(run,
            ProcessBytes + Math.Max(buildBytes, simBytes), buildBytes >= simBytes ? build.Basis : Invariant($"{Cells(c, module):N0} PIM cells in the golden model"),
            build.Seconds + (seeds * perSeed),
            Invariant($"a build of about {Duration(build.Seconds)}, then {seeds:N0} seed{(seeds == 1 ? "" : "s")} x {Duration(perSeed)} ({cycles:N0} cycles{forTokens} and the golden model)"));
    }

    /// <summary><c>lint</c>: every module as its own top; the largest elaborates <paramref name="elaboratedMacros"/> macros.</summary>
    public static RunEstimate Lint(AttentionConfig c, long elaboratedMacros)
    {
        var multipliers = elaboratedMacros * c.Pim.InputLanes * c.Pim.AdcCount;
        var bytes = ProcessBytes + VerilatorBaseBytes + (elaboratedMacros * LintBytesPerMacro) + (multipliers * LintBytesPerMultiplier) + (c.Faults.Count * BuildBytesPerFault);
        var seconds = LintBaseSeconds + (multipliers * LintSecondsPerMultiplier);
        return new RunEstimate("lint", bytes,
            Invariant($"{elaboratedMacros:N0} PIM macros ({multipliers:N0} multipliers) elaborated at once"), seconds,
            "15 modules linted one after another");
    }

    /// <summary>
    /// The golden model of a head (or with <paramref name="wholeArray"/> of an array: its heads and W_O) on
    /// <paramref name="tokens"/> tokens, <paramref name="runs"/> times: <c>accuracy</c> (one run, of one head),
    /// <c>faults sweep</c> (rates x seeds runs), <c>report</c>.
    /// </summary>
    public static RunEstimate Golden(AttentionConfig c, int tokens, long runs, string run, bool wholeArray = true)
    {
        var module = c.Model.IsArray && wholeArray ? "array" : "top";
        var cells = Cells(c, module);
        var perRun = (cells * (GoldenSecondsPerCell + (tokens * GoldenSecondsPerCellToken))) + 0.05;
        return new RunEstimate(run, ProcessBytes + (cells * GoldenBytesPerCell), Invariant($"{cells:N0} PIM cells in the golden model"),
            runs * perRun,
            Invariant($"{(runs == 1 ? "" : Invariant($"{runs:N0} runs x "))}{tokens:N0} token{(tokens == 1 ? "" : "s")} x {cells:N0} PIM cells of the golden model"));
    }

    /// <summary>
    /// A regression: each build group built once, cases <paramref name="jobs"/> at a time on the machine's cores; the peak
    /// is the largest builds that can run at once.
    /// </summary>
    public static RunEstimate Regress(IReadOnlyList<(AttentionConfig Config, string Module, int Tokens, bool SharesBuild)> cases, int jobs, int cores)
    {
        var parallel = Math.Max(1, Math.Min(jobs, cores));
        var builds = new List<(double Bytes, double Seconds, string Basis)>();
        double seconds = 0;
        foreach (var (config, module, tokens, sharesBuild) in cases)
        {
            var estimate = Cosim(config, module, tokens, 1);
            var build = Build(config, module);
            if (!sharesBuild)
            {
                builds.Add(build);
            }

            seconds += estimate.Seconds - build.Seconds + (sharesBuild ? 0 : build.Seconds);
        }

        var atOnce = builds.OrderByDescending(b => b.Bytes).Take(Math.Max(1, Math.Min(jobs, builds.Count))).ToList();
        var peak = atOnce.Sum(b => b.Bytes) + ProcessBytes;
        var largest = atOnce.FirstOrDefault();
        return new RunEstimate("regress", peak,
            atOnce.Count <= 1 ? largest.Basis ?? "no build" : Invariant($"{atOnce.Count} builds at once (-j {jobs}), the largest {largest.Basis}"),
            seconds / parallel, Invariant($"{builds.Count:N0} builds and {cases.Count:N0} cases, {parallel} at a time"));
    }

    /// <summary>
    /// Refuses a run far beyond the machine (<see cref="BeyondMachineException"/>, exit 9): a peak memory above the
    /// machine's total, or a time above <see cref="MaxSeconds"/>. A run above <see cref="WarnSeconds"/>, or one that needs
    /// more memory than is free now, is run with a warning. With <see cref="IgnoreVariable"/> set a refusal is a warning.
    /// </summary>
    public static void Check(RunEstimate e, Machine machine, Action<string> warn, bool? ignore = null)
    {
        ignore ??= Environment.GetEnvironmentVariable(IgnoreVariable) is { Length: > 0 } v && v != "0";
        var problems = new List<string>();
        if (e.PeakBytes > machine.MemoryBytes)
        {
            problems.Add(Invariant($"needs about {Bytes(e.PeakBytes)} of memory ({e.MemoryBasis}), more than this machine's {Bytes(machine.MemoryBytes)}"));
        }

        if (e.Seconds > MaxSeconds)
        {
            problems.Add(Invariant($"would take about {Duration(e.Seconds)} ({e.TimeBasis}), more than the {Duration(MaxSeconds)} one run may take"));
        }

        if (problems.Count > 0)
        {
            var message = Invariant($"{e.Run} {string.Join(", and ", problems)}.");
            if (ignore.Value)
            {
                warn(Invariant($"warning: {message} Running it anyway ({IgnoreVariable} is set)."));
                return;
            }

            throw new BeyondMachineException(message + Invariant(
                $" Fix: choose a smaller configuration, fewer seeds or tokens (docs/CLI.md, \"Run cost\"), or set {IgnoreVariable}=1 to run it anyway."));
        }

        if (e.Seconds > WarnSeconds)
        {
            warn(Invariant($"warning: {e.Run} will take about {Duration(e.Seconds)} ({e.TimeBasis}). Ctrl+C stops it."));
        }

        if (machine.AvailableBytes is { } free && e.PeakBytes > free)
        {
            warn(Invariant($"warning: {e.Run} needs about {Bytes(e.PeakBytes)} of memory ({e.MemoryBasis}); {Bytes(free)} are free now."));
        }
    }

    /// <summary>A memory size for messages: 1.2 GiB, 512 MiB.</summary>
    public static string Bytes(double bytes) => bytes >= 1L << 30 ? Invariant($"{bytes / (1L << 30):0.#} GiB") : Invariant($"{bytes / (1L << 20):0} MiB");

    /// <summary>A duration for messages: 40 s, 12 min, 3.5 h, 62 days.</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 90 => Invariant($"{seconds:0.#} s"),
        < 90 * 60 => Invariant($"{seconds / 60:0} min"),
        < 72 * 3600 => Invariant($"{seconds / 3600:0.#} h"),
        < 10 * 86400 => Invariant($"{seconds / 86400:0.#} days"),
        < 3 * 365.25 * 86400 => Invariant($"{seconds / 86400:0} days"),
        _ => Invariant($"{seconds / (365.25 * 86400):N0} years"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What this machine has: its memory (the smaller of /proc/meminfo's MemTotal and a cgroup limit) and its cores.</summary>
public sealed record Machine(double MemoryBytes, int Cores, double? AvailableBytes = null)
{
    public static Machine Current => Detect();

    private static Machine Detect()
    {
        double? total = null, available = null;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (Kilobytes(line, "MemTotal:") is { } t)
                {
                    total = t;
                }
                else if (Kilobytes(line, "MemAvailable:") is { } a)
                {
                    available = a;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or no /proc: the runtime's view below.
        }

        // A cgroup limit (v2 memory.max, or v1 memory.limit_in_bytes) caps the process below the physical memory. Not the
        // runtime's GC figure: that is the .NET heap's limit (75 % of a container's, or DOTNET_GCHeapHardLimit), and
        // Verilator's compiler and the simulators it builds are not .NET processes.
        var limit = CgroupLimit("/sys/fs/cgroup/memory.max") ?? CgroupLimit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        var physical = total ?? (double)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var memory = limit is { } l && l < physical ? l : physical;
        return new Machine(memory, Environment.ProcessorCount, available is { } free ? Math.Min(free, memory) : null);
    }

    /// <summary>A cgroup memory limit in bytes, or null when the file is missing, says "max", or is no number.</summary>
    private static double? CgroupLimit(string file)
    {
        try
        {
            return long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? Kilobytes(string line, string key) =>
        line.StartsWith(key, StringComparison.Ordinal)
        && long.TryParse(line[key.Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024.0 : null;
}

/// <summary>How long a bench simulates per seed, which decides whether its build is tuned for build time or for simulation speed.</summary>
public enum SimulationLength
{
    /// <summary>Thousands of cycles: only the build counts.</summary>
    Short,

    /// <summary>Hundreds of thousands of cycles or more: seconds to minutes per seed.</summary>
    Long,
}
