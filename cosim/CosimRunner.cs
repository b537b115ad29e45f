using Stopwatch = System.Diagnostics.Stopwatch;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using CliWrap;

namespace AttentionLego.Cosim;

/// <summary>One co-simulation request: a configuration, a module, and the seeds first .. first+count-1.</summary>
public sealed record CosimRequest(ConfigSource Source, string Module, int FirstSeed = 1, int SeedCount = 1, TopOptions? Top = null)
{
    public IEnumerable<int> Seeds => Enumerable.Range(0, SeedCount).Select(i => FirstSeed + i);

    /// <summary>
    /// The folder below <see cref="CosimSettings.WorkRoot"/> that holds this request's <c>seed-N</c> folders. Default
    /// <c>&lt;module&gt;-&lt;config hash&gt;</c>; a caller that runs several requests on one configuration and module
    /// (e.g. the regression, with different whole-head options) gives each its own, so they never clobber each other.
    /// </summary>
    public string? WorkFolder { get; init; }

    /// <summary>The one-line command that re-runs exactly one seed of this request.</summary>
    public string ReplayCommand(int seed) =>
        $"scripts/attnlego cosim --module {Module} {Source.ToArguments()}{TopArguments} --seed {seed}";

    private string TopArguments => !ModuleBenches.IsWhole(Module) || Top is null ? "" :
        (Top.Tokens is { } t ? $" --tokens {t}" : "") + $" --mem-latency {Top.MemoryLatency}" + (Top.Stalls ? " --stalls" : "");
}

public sealed record CosimSettings
{
    public required string CacheRoot { get; init; }

    /// <summary>Per-case folders (stimulus, trace, log) go below here; passing cases are removed unless kept.</summary>
    public required string WorkRoot { get; init; }

    public bool KeepPassing { get; init; }

    /// <summary>Wall-clock limit of one simulation run; a hung simulator is killed after it.</summary>
    public TimeSpan SimulationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Test hook: alters the golden expectations before scoring (checker self-tests).</summary>
    public Func<BenchCase, BenchCase>? Tamper { get; init; }
}

public sealed record CaseResult(int Seed, ScoreResult Score, long Cycles, TimeSpan SimulationTime, string WorkDir, string Replay)
{
    public bool Passed => Score.Passed;
}

/// <summary>A request whose bench is rendered and built: ready to run any number of seeds.</summary>
public sealed record PreparedCosim(CosimRequest Request, IModuleBench Bench, AttentionConfig Config, BuildResult Build);

public sealed record CosimResult(string Module, AttentionConfig Config, BuildResult Build, IReadOnlyList<CaseResult> Cases)
{
    public int PassedCount => Cases.Count(c => c.Passed);

    public int FailedCount => Cases.Count - PassedCount;

    public bool Passed => FailedCount == 0;
}

/// <summary>
/// Runs co-simulation: renders the module and its bench, builds them once (or reuses the cached build), then for
/// each seed writes the stimulus, runs the simulator, and scores its trace against the golden model.
/// </summary>
public sealed class CosimRunner(VerilatorDriver verilator, CosimSettings settings)
{
    public async Task<CosimResult> RunAsync(CosimRequest request, Action<CaseResult>? onCase = null, CancellationToken ct = default)
    {
        var prepared = await PrepareAsync(request, ct);
        var cases = new List<CaseResult>();
        foreach (var seed in request.Seeds)
        {
            var result = await RunSeedAsync(prepared, seed, ct);
            cases.Add(result);
            onCase?.Invoke(result);
        }

        return new CosimResult(request.Module, prepared.Config, prepared.Build, cases);
    }

    /// <summary>Loads the configuration, renders the module and its bench, and builds them (or reuses the cached build).</summary>
    public async Task<PreparedCosim> PrepareAsync(CosimRequest request, CancellationToken ct = default)
    {
        var bench = ModuleBenches.Find(request.Module, request.Top) ?? throw new ArgumentException(
            $"unknown module '{request.Module}'; known modules: {ModuleBenches.Names}.");
        var config = ConfigLoader.Load(request.Source);
        var sources = bench.Sources(config).Append(VerilatorMain(config, bench.TopModule)).ToList();
        var build = await verilator.BuildAsync(new BuildCache(settings.CacheRoot), bench.TopModule, sources, ct);
        return new PreparedCosim(request, bench, config, build);
    }

    /// <summary>Runs one seed on a prepared bench: stimulus, simulation, scoring; the folder is removed when it passed unless kept.</summary>
    public async Task<CaseResult> RunSeedAsync(PreparedCosim prepared, int seed, CancellationToken ct = default)
    {
        var (request, bench, config, build) = prepared;
        var benchCase = bench.Generate(config, seed);
        if (settings.Tamper is { } tamper)
        {
            benchCase = tamper(benchCase);
        }

        var dir = Path.Combine(Path.GetFullPath(settings.WorkRoot), request.WorkFolder ?? $"{bench.Module}-{GeneratorInfo.ConfigHash(config)}", $"seed-{seed}");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        var stimulusPath = Path.Combine(dir, "stimulus.txt");
        var tracePath = Path.Combine(dir, "trace.txt");
        await File.WriteAllTextAsync(stimulusPath, benchCase.Stimulus, ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.SimulationTimeout);
        var stopwatch = Stopwatch.StartNew();
        var log = Path.Combine(dir, "simulation.log");
        try
        {
            await Cli.Wrap(build.Executable)
                .WithArguments([$"+stim={stimulusPath}", $"+trace={tracePath}", $"+max_cycles={benchCase.CycleBudget}",
                    .. VerilatorDriver.RunFlags(seed)])
                .WithWorkingDirectory(dir)
                .WithStandardOutputPipe(PipeTarget.ToFile(log))
                .WithStandardErrorPipe(PipeTarget.ToFile(log + ".stderr"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ToolException(ToolFailure.TimedOut,
                $"the simulation of {bench.Module} seed {seed} did not finish within {settings.SimulationTimeout.TotalSeconds:0} s and was stopped. " +
                $"Fix: look at {dir}; replay with: {request.ReplayCommand(seed)}");
        }

        var trace = File.Exists(tracePath) ? Trace.Parse(await File.ReadAllTextAsync(tracePath, ct)) : new Trace([], TraceEnd.Truncated, 0);
        var score = benchCase.PerPort ? Scoreboard.ComparePerPort(benchCase.Expected, trace) : Scoreboard.Compare(benchCase.Expected, trace);
        if (score.Passed && !settings.KeepPassing)
        {
            Directory.Delete(dir, recursive: true);
        }

        return new CaseResult(seed, score, trace.EndCycle, stopwatch.Elapsed, dir, request.ReplayCommand(seed));
    }

    /// <summary>The C++ main that clocks a bench under Verilator.</summary>
    public static RenderedFile VerilatorMain(AttentionConfig config, string topModule) =>
        RtlGenerator.File("tb/verilator_main.cpp.sbn", "main.cpp", config, b => new { Banner = b, TopModule = topModule });
}
