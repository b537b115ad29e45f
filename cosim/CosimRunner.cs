using Stopwatch = System.Diagnostics.Stopwatch;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.Waves;
using AttentionLego.Cosim.WaveDumps;
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

    /// <summary>A deliberate fault in the golden expectations (<c>--inject-fault</c>), to see a failure end to end.</summary>
    public ExpectedFault? Fault { get; init; }

    /// <summary>The one-line command that re-runs exactly one seed of this request.</summary>
    public string ReplayCommand(int seed) =>
        $"scripts/attnlego cosim --module {Module} {Source.ToArguments()}{TopArguments} --seed {seed}" +
        (Fault is null ? "" : $" --inject-fault {Fault.Port}{(Fault.Index is { } n ? $"@{n}" : "")}");

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

    /// <summary>Alters the golden expectations before scoring: checker self-tests, and <c>--corrupt-expected</c>.</summary>
    public Func<BenchCase, BenchCase>? Tamper { get; init; }

    /// <summary>When to dump waves, and how (default: a window around the first mismatch of a failing case, as VCD).</summary>
    public WaveSettings Waves { get; init; } = new();
}

public sealed record CaseResult(int Seed, ScoreResult Score, long Cycles, TimeSpan SimulationTime, string WorkDir, string Replay)
{
    public bool Passed => Score.Passed;

    /// <summary>The waves this case left (RTL, golden, overlay, GTKWave save file), when it dumped any.</summary>
    public WaveArtifacts? Waves { get; init; }

    /// <summary>Why the waves asked for could not be made (the case's verdict stands), or null.</summary>
    public string? WaveError { get; init; }
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
        // Waves always: every run is traced, so only the traced build is needed.
        var trace = settings.Waves.Mode == WaveMode.Always ? settings.Waves.Format : (WaveFormat?)null;
        return new PreparedCosim(request, bench, config, await BuildAsync(bench, config, trace, ct));
    }

    private Task<BuildResult> BuildAsync(IModuleBench bench, AttentionConfig config, WaveFormat? trace, CancellationToken ct)
    {
        var sources = bench.Sources(config).Append(VerilatorMain(config, bench.TopModule, trace)).ToList();
        return verilator.BuildAsync(new BuildCache(settings.CacheRoot), bench.TopModule, sources, ct, trace);
    }

    /// <summary>Runs one seed on a prepared bench: stimulus, simulation, scoring; the folder is removed when it passed unless kept.</summary>
    public async Task<CaseResult> RunSeedAsync(PreparedCosim prepared, int seed, CancellationToken ct = default)
    {
        var (request, bench, config, build) = prepared;
        var benchCase = bench.Generate(config, seed);
        if (request.Fault is { } fault)
        {
            benchCase = fault.Apply(benchCase);
        }

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

        var always = settings.Waves.Mode == WaveMode.Always;
        var rtlWaves = Path.Combine(dir, "rtl" + settings.Waves.Extension);
        var stopwatch = Stopwatch.StartNew();
        await SimulateAsync(prepared, build.Executable, seed, dir, stimulusPath, tracePath, benchCase.CycleBudget,
            always ? [$"+waves={rtlWaves}"] : [], "simulation.log", ct);
        var elapsed = stopwatch.Elapsed;

        var trace = File.Exists(tracePath) ? Trace.Parse(await File.ReadAllTextAsync(tracePath, ct)) : new Trace([], TraceEnd.Truncated, 0);
        var score = benchCase.PerPort ? Scoreboard.ComparePerPort(benchCase.Expected, trace) : Scoreboard.Compare(benchCase.Expected, trace);
        WaveArtifacts? waves = null;
        string? waveError = null;
        // Waves serve the verdict, never replace it: a dump that cannot be made (a traced build or re-run that fails,
        // a simulator that died mid-dump) is reported next to the mismatch, which stands.
        try
        {
            if (always)
            {
                waves = WaveArtifacts.Complete(dir, rtlWaves, settings.Waves, bench, config, benchCase, trace.EndCycle, score.FirstMismatch, fromCycle: null);
            }
            else if (!score.Passed && settings.Waves.Mode == WaveMode.OnFailure)
            {
                waves = await DumpAroundMismatchAsync(prepared, seed, dir, stimulusPath, benchCase, trace, score.FirstMismatch!, ct);
            }
        }
        catch (Exception ex) when (ex is ToolException or IOException or VcdFormatException or WaveException)
        {
            waveError = $"no waves: {ex.Message}";
        }

        if (score.Passed && !settings.KeepPassing && waves is null && waveError is null)
        {
            Directory.Delete(dir, recursive: true);
        }

        return new CaseResult(seed, score, trace.EndCycle, elapsed, dir, request.ReplayCommand(seed)) { Waves = waves, WaveError = waveError };
    }

    /// <summary>
    /// Runs a failing case again on the traced build (built now, or found in the cache), dumping only a window of
    /// <see cref="WaveSettings.CyclesBefore"/> cycles before the first mismatch to <see cref="WaveSettings.CyclesAfter"/>
    /// after it, then writes the golden waves, the overlay and the GTKWave save file next to the dump.
    /// </summary>
    private async Task<WaveArtifacts> DumpAroundMismatchAsync(PreparedCosim prepared, int seed, string dir, string stimulusPath,
        BenchCase benchCase, Trace trace, Mismatch mismatch, CancellationToken ct)
    {
        var waves = settings.Waves;
        var traced = await BuildAsync(prepared.Bench, prepared.Config, waves.Format, ct);
        var from = Math.Max(0, mismatch.Cycle - waves.CyclesBefore);
        var to = mismatch.Cycle + waves.CyclesAfter;
        var rtlWaves = Path.Combine(dir, "rtl" + waves.Extension);
        // Start at the falling edge before the window's first rising edge: the dump's first values are what that edge samples.
        await SimulateAsync(prepared, traced.Executable, seed, dir, stimulusPath, Path.Combine(dir, "waves-trace.txt"), benchCase.CycleBudget,
            [$"+waves={rtlWaves}", $"+wave_from={BenchClock.EdgeTime(from) - 1}", $"+wave_to={BenchClock.EdgeTime(to) + 1}"],
            "waves.log", ct);
        return WaveArtifacts.Complete(dir, rtlWaves, waves, prepared.Bench, prepared.Config, benchCase, Math.Min(to, trace.EndCycle), mismatch, from);
    }

    private async Task SimulateAsync(PreparedCosim prepared, string executable, int seed, string dir, string stimulusPath, string tracePath,
        long cycleBudget, IReadOnlyList<string> extra, string logName, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.SimulationTimeout);
        var log = Path.Combine(dir, logName);
        try
        {
            await Cli.Wrap(executable)
                .WithArguments([$"+stim={stimulusPath}", $"+trace={tracePath}", $"+max_cycles={cycleBudget}",
                    .. VerilatorDriver.RunFlags(seed), .. extra])
                .WithWorkingDirectory(dir)
                .WithStandardOutputPipe(PipeTarget.ToFile(log))
                .WithStandardErrorPipe(PipeTarget.ToFile(log + ".stderr"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ToolException(ToolFailure.TimedOut,
                $"the simulation of {prepared.Bench.Module} seed {seed} did not finish within {settings.SimulationTimeout.TotalSeconds:0} s and was stopped. " +
                $"Fix: look at {dir}; replay with: {prepared.Request.ReplayCommand(seed)}");
        }
    }

    /// <summary>The C++ main that clocks a bench under Verilator.</summary>
    public static RenderedFile VerilatorMain(AttentionConfig config, string topModule, WaveFormat? trace = null) =>
        RtlGenerator.File("tb/verilator_main.cpp.sbn", "main.cpp", config, b => new
        {
            Banner = b,
            TopModule = topModule,
            Trace = trace switch { WaveFormat.Vcd => "vcd", WaveFormat.Fst => "fst", _ => null },
            TraceHeader = trace == WaveFormat.Fst ? "verilated_fst_c.h" : "verilated_vcd_c.h",
            TraceClass = trace == WaveFormat.Fst ? "VerilatedFstC" : "VerilatedVcdC",
        });
}
