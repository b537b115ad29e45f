using System.Collections.Concurrent;
using System.ComponentModel;
using Stopwatch = System.Diagnostics.Stopwatch;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.Waves;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;
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
        (Top.Tokens is { } t ? $" --tokens {t}" : "") + $" --mem-latency {Top.MemoryLatency}" + (Top.Stalls ? " --stalls" : "") + (Top.Preload ? " --preload" : "");
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

    /// <summary>
    /// The simulator the benches run on (default Verilator). Under Icarus no waves are dumped (they come from a traced
    /// Verilator build) and registers start at x instead of random values.
    /// </summary>
    public Simulator Simulator { get; init; } = Simulator.Verilator;

    /// <summary>
    /// Lines for the user that are not a verdict: a cache entry found damaged and rebuilt, a wait for another process
    /// building the same entry, a leftover staging folder removed (<see cref="BuildCache.Notes"/>). May be called from
    /// several threads.
    /// </summary>
    public Action<string>? Notes { get; init; }
}

/// <summary>The simulators a bench runs on (<c>cosim --simulator</c>).</summary>
public enum Simulator
{
    Verilator,
    Icarus,
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
public sealed class CosimRunner
{
    private readonly VerilatorDriver? _verilator;
    private readonly IcarusDriver? _icarus;
    private readonly CosimSettings _settings;

    /// <summary>
    /// The latest build of each cache entry (by key) this runner obtained: a seed runs on it, and a crash is checked
    /// against it, so that once an entry was rebuilt the next crash is not taken for another rebuild.
    /// </summary>
    private readonly ConcurrentDictionary<string, BuildResult> _latest = new(StringComparer.Ordinal);

    /// <summary>A runner on Verilator; <paramref name="settings"/> must choose <see cref="Simulator.Verilator"/> (the default).</summary>
    public CosimRunner(VerilatorDriver verilator, CosimSettings settings)
    {
        if (settings.Simulator != Simulator.Verilator)
        {
            throw new ArgumentException($"the settings choose {settings.Simulator}, but a Verilator driver was given.", nameof(settings));
        }

        _verilator = verilator;
        _settings = settings;
    }

    /// <summary>A runner on Icarus Verilog; <paramref name="settings"/> must choose <see cref="Simulator.Icarus"/>.</summary>
    public CosimRunner(IcarusDriver icarus, CosimSettings settings)
    {
        if (settings.Simulator != Simulator.Icarus)
        {
            throw new ArgumentException($"the settings choose {settings.Simulator}, but an Icarus driver was given.", nameof(settings));
        }

        _icarus = icarus;
        _settings = settings;
    }

    /// <summary>Locates the simulator <paramref name="settings"/> chooses and returns a runner on it (a <see cref="ToolException"/> when it is missing).</summary>
    public static async Task<CosimRunner> LocateAsync(CosimSettings settings, CancellationToken ct = default) => settings.Simulator switch
    {
        Simulator.Icarus => new CosimRunner(await IcarusDriver.LocateAsync(ct), settings),
        _ => new CosimRunner(await VerilatorDriver.LocateAsync(ct), settings),
    };

    /// <summary>The simulator's version line, e.g. "Verilator 5.006 2023-01-22 ..." or "Icarus Verilog version 11.0 (stable) ()".</summary>
    public string SimulatorVersion => _icarus?.VersionLine ?? _verilator!.VersionLine;

    public async Task<CosimResult> RunAsync(CosimRequest request, Action<CaseResult>? onCase = null, CancellationToken ct = default) =>
        await RunAsync(await PrepareAsync(request, ct), onCase, ct);

    /// <summary>Runs every seed of a request already built by <see cref="PrepareAsync"/> (a caller that builds and simulates at different times).</summary>
    public async Task<CosimResult> RunAsync(PreparedCosim prepared, Action<CaseResult>? onCase = null, CancellationToken ct = default)
    {
        var request = prepared.Request;
        var cases = new List<CaseResult>();
        // The folders of failing seeds stay held until the whole run ends: their artifacts lines stay true meanwhile.
        var kept = new List<IDisposable>();
        try
        {
            foreach (var seed in request.Seeds)
            {
                var result = await RunSeedAsync(prepared, seed, kept, ct);
                cases.Add(result);
                onCase?.Invoke(result);
            }
        }
        finally
        {
            kept.ForEach(k => k.Dispose());
        }

        return new CosimResult(request.Module, prepared.Config, prepared.Build, cases);
    }

    /// <summary>Loads the configuration, renders the module and its bench, and builds them (or reuses the cached build).</summary>
    public async Task<PreparedCosim> PrepareAsync(CosimRequest request, CancellationToken ct = default)
    {
        var bench = ModuleBenches.Find(request.Module, request.Top) ?? throw new ArgumentException(
            $"unknown module '{request.Module}'; known modules: {ModuleBenches.Names}.");
        var config = ConfigLoader.Load(request.Source);
        return new PreparedCosim(request, bench, config, await BuildAsync(bench, config, MainTrace, ct));
    }

    /// <summary>The tracing of the build every seed runs on. Waves always: every run is traced, so only the traced build is needed.</summary>
    private WaveFormat? MainTrace => _settings.Waves.Mode == WaveMode.Always && _icarus is null ? _settings.Waves.Format : null;

    private async Task<BuildResult> BuildAsync(IModuleBench bench, AttentionConfig config, WaveFormat? trace, CancellationToken ct)
    {
        var cache = new BuildCache(_settings.CacheRoot, _settings.Notes);
        BuildResult build;
        if (_icarus is not null)
        {
            build = await _icarus.BuildAsync(cache, config, bench.TopModule, bench.Sources(config), ct);
        }
        else
        {
            var sources = bench.Sources(config).Append(VerilatorMain(config, bench.TopModule, trace)).ToList();
            build = await _verilator!.BuildAsync(cache, bench.TopModule, sources, ct, trace, RunCost.Length(config, bench.Module));
        }

        _latest[build.Key] = build;
        return build;
    }

    /// <summary>The latest build of <paramref name="build"/>'s cache entry this runner obtained (<paramref name="build"/> itself when none since).</summary>
    private BuildResult Latest(BuildResult build) => _latest.GetValueOrDefault(build.Key, build);

    /// <summary>The request's replay command, on the simulator this runner uses.</summary>
    private string Replay(CosimRequest request, int seed) =>
        request.ReplayCommand(seed) + (_icarus is null ? "" : " --simulator icarus");

    /// <summary>
    /// Runs one seed on a prepared bench: stimulus, simulation, scoring, in a case folder this run owns
    /// (<see cref="CaseFolder"/>); the folder is removed when the case passed unless kept.
    /// </summary>
    public Task<CaseResult> RunSeedAsync(PreparedCosim prepared, int seed, CancellationToken ct = default) => RunSeedAsync(prepared, seed, null, ct);

    /// <param name="kept">Takes the hold on a folder that stays (a failing case's), to let go of later; null lets go at once.</param>
    private async Task<CaseResult> RunSeedAsync(PreparedCosim prepared, int seed, List<IDisposable>? kept, CancellationToken ct)
    {
        var (request, bench, config, _) = prepared;
        var benchCase = bench.Generate(config, seed, ct);
        if (request.Fault is { } fault)
        {
            benchCase = fault.Apply(benchCase);
        }

        if (_settings.Tamper is { } tamper)
        {
            benchCase = tamper(benchCase);
        }

        // Owned by this run: another live run on the same work folder gets seed-N.2, ... (never this folder, nor we its).
        CaseFolder? folder = CaseFolder.Claim(Path.Combine(Path.GetFullPath(_settings.WorkRoot), request.WorkFolder ?? $"{bench.Module}-{ConfigHash.Of(config)}"), $"seed-{seed}");
        try
        {
            var result = await RunCaseAsync(prepared, benchCase, seed, folder.Path, ct);
            if (result.Passed && !_settings.KeepPassing && result.Waves is null && result.WaveError is null)
            {
                folder.Remove();
                return result;
            }

            folder.Keep();
            if (kept is not null)
            {
                kept.Add(folder);
                folder = null;
            }

            return result;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            folder!.Keep(); // a tool failure names the folder: its stimulus and logs are what the replay needs
            throw;
        }
        finally
        {
            folder?.Dispose(); // lets go; first removes the folder of a case interrupted before its verdict
        }
    }

    /// <summary>Stimulus, simulation and scoring of one case in <paramref name="dir"/>.</summary>
    private async Task<CaseResult> RunCaseAsync(PreparedCosim prepared, BenchCase benchCase, int seed, string dir, CancellationToken ct)
    {
        var (request, bench, config, _) = prepared;
        var build = Latest(prepared.Build);
        var stimulusPath = Path.Combine(dir, "stimulus.txt");
        var tracePath = Path.Combine(dir, "trace.txt");
        try
        {
            await File.WriteAllTextAsync(stimulusPath, benchCase.Stimulus, ct);
            foreach (var file in benchCase.Files)
            {
                var path = Path.Combine(dir, file.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, file.Content, ct);
            }
        }
        catch (IOException ex) when (BuildCache.IsNoSpace(ex))
        {
            throw BuildCache.NoSpace(dir, $"writing the stimulus of seed {seed}");
        }

        // Waves come from a traced Verilator build: under Icarus there are none (the CLI refuses --waves always there).
        var always = _settings.Waves.Mode == WaveMode.Always && _icarus is null;
        var rtlWaves = Path.Combine(dir, "rtl" + _settings.Waves.Extension);
        var stopwatch = Stopwatch.StartNew();
        // More than the bench expects is kept, so a surplus shows as an unexpected response; a runaway trace is not held whole.
        var keep = benchCase.Expected.Count * 2 + 1024;
        Task<SimulatorRun> Run(BuildResult on) => SimulateAndReadAsync(prepared, on.Executable, seed, dir, stimulusPath, tracePath,
            benchCase.CycleBudget, [.. benchCase.Plusargs, .. always ? [$"+waves={rtlWaves}"] : Array.Empty<string>()], "simulation.log", keep, ct);
        var run = await Run(build);
        string? rebuiltBecause = null;
        if (run.Failed && new BuildCache(_settings.CacheRoot, _settings.Notes).Suspect(build) is { } suspect)
        {
            // The simulator may have crashed (or not started, or written nothing) because its cache entry is damaged (or
            // was replaced meanwhile): ask for the build again, which verifies it and rebuilds a damaged one, and run once more.
            rebuiltBecause = suspect;
            build = await BuildAsync(bench, config, MainTrace, ct);
            _settings.Notes?.Invoke($"seed {seed}: the simulator {run.Describe}, and its cache entry {suspect}; ran it again on the {(build.Cached ? "current" : "rebuilt")} build");
            run = await Run(build);
        }

        var elapsed = stopwatch.Elapsed;
        var (_, read, malformed, _) = run;
        if (run.Failed)
        {
            if (FreeBytes(dir) is < 64 * 1024)
            {
                throw BuildCache.NoSpace(dir, $"the simulation of {bench.Module} seed {seed}: its simulator {run.Describe} on a full disk");
            }

            throw run.Crashed
                ? Crashed(prepared, build.Executable, seed, dir, run, "simulation.log", rebuiltBecause, IntactEntry)
                : NoTrace(prepared, build.Executable, seed, dir, tracePath, run, "simulation.log");
        }

        if (malformed is not null)
        {
            throw new ToolException(ToolFailure.Failed,
                $"the simulation of {bench.Module} seed {seed} wrote a trace that is not one: {malformed}. Fix: look at {tracePath}; replay with: {Replay(request, seed)}");
        }

        var trace = read!;
        if (trace.End == TraceEnd.Truncated && FreeBytes(dir) is < 64 * 1024)
        {
            // A simulator whose trace write failed on a full disk ends as if the RTL stopped early: the disk's fault, not the RTL's.
            throw BuildCache.NoSpace(dir, $"the simulation of {bench.Module} seed {seed} ended without its trace's end marker and the disk is full");
        }

        var score = benchCase.PerPort ? Scoreboard.ComparePerPort(benchCase.Expected, trace) : Scoreboard.Compare(benchCase.Expected, trace);
        WaveArtifacts? waves = null;
        string? waveError = null;
        // Waves serve the verdict, never replace it: a dump that cannot be made (a traced build or re-run that fails,
        // a simulator that died mid-dump) is reported next to the mismatch, which stands.
        try
        {
            if (always)
            {
                waves = WaveArtifacts.Complete(dir, rtlWaves, _settings.Waves, bench, config, benchCase, trace.EndCycle, score.FirstMismatch, fromCycle: null);
            }
            else if (!score.Passed && _settings.Waves.Mode == WaveMode.OnFailure && _icarus is null)
            {
                waves = await DumpAroundMismatchAsync(prepared, seed, dir, stimulusPath, benchCase, trace, score.FirstMismatch!, ct);
            }
            else if (!score.Passed && _settings.Waves.Mode == WaveMode.OnFailure)
            {
                waveError = $"no waves under Icarus: they come from a traced Verilator build; replay without --simulator icarus to get them ({request.ReplayCommand(seed)}).";
            }
        }
        catch (Exception ex) when (ex is ToolException or IOException or VcdFormatException or WaveException)
        {
            waveError = $"no waves: {ex.Message}";
        }

        return new CaseResult(seed, score, trace.EndCycle, elapsed, dir, Replay(request, seed)) { Waves = waves, WaveError = waveError };
    }

    /// <summary>
    /// Runs a failing case again on the traced build (built now, or found in the cache), dumping only a window of
    /// <see cref="WaveSettings.CyclesBefore"/> cycles before the first mismatch to <see cref="WaveSettings.CyclesAfter"/>
    /// after it, then writes the golden waves, the overlay and the GTKWave save file next to the dump.
    /// </summary>
    private async Task<WaveArtifacts> DumpAroundMismatchAsync(PreparedCosim prepared, int seed, string dir, string stimulusPath,
        BenchCase benchCase, Trace trace, Mismatch mismatch, CancellationToken ct)
    {
        var waves = _settings.Waves;
        var traced = await BuildAsync(prepared.Bench, prepared.Config, waves.Format, ct);
        var from = Math.Max(0, mismatch.Cycle - waves.CyclesBefore);
        var to = mismatch.Cycle + waves.CyclesAfter;
        var rtlWaves = Path.Combine(dir, "rtl" + waves.Extension);
        // Start at the falling edge before the window's first rising edge: the dump's first values are what that edge samples.
        var run = await SimulateAndReadAsync(prepared, traced.Executable, seed, dir, stimulusPath, Path.Combine(dir, "waves-trace.txt"),
            benchCase.CycleBudget, [.. benchCase.Plusargs, $"+waves={rtlWaves}", $"+wave_from={BenchClock.EdgeTime(from) - 1}", $"+wave_to={BenchClock.EdgeTime(to) + 1}"],
            "waves.log", benchCase.Expected.Count * 2 + 1024, ct);
        if (run.Crashed)
        {
            // Checked as the main run's crash is, so the message says what is true of the traced build's entry (no rerun:
            // the waves are not the verdict; the next run that asks for this build rebuilds a damaged entry).
            var suspect = new BuildCache(_settings.CacheRoot, _settings.Notes).Suspect(traced);
            throw Crashed(prepared, traced.Executable, seed, dir, run, "waves.log", null,
                suspect is null ? IntactEntry : $"Its cache entry {suspect}: the next run that dumps waves builds it again.");
        }

        return WaveArtifacts.Complete(dir, rtlWaves, waves, prepared.Bench, prepared.Config, benchCase, Math.Min(to, trace.EndCycle), mismatch, from);
    }

    /// <summary>
    /// One run of a simulator: its exit status (a signal shows as 128 + its number, as .NET reports it), its trace (empty
    /// when there is no trace file; null when it is malformed), why it is malformed, and why it could not be started.
    /// </summary>
    private sealed record SimulatorRun(int Exit, Trace? Trace, string? Malformed, string? NotStarted)
    {
        /// <summary>
        /// A crash is a tool failure, not a verdict on the RTL: the simulator could not be started, or it exited non-zero
        /// (or died on a signal) and its trace has no end marker. A trace that ended with its marker is the RTL's, whatever
        /// the exit status.
        /// </summary>
        public bool Crashed => NotStarted is not null || (Exit != 0 && (Malformed is not null || Trace is { End: TraceEnd.Truncated }));

        /// <summary>
        /// No trace at all: the file is missing, or holds no complete line. The bench could not open its stimulus or trace
        /// (it says so and finishes, with status 0): a tool failure whatever the exit status, never an RTL that stopped early.
        /// </summary>
        public bool NoTrace => Malformed is null && Trace is { End: TraceEnd.Truncated, Transactions.Count: 0, Dropped: 0 };

        /// <summary>Crashed or left no trace: a tool failure either way, after which the cache entry is checked.</summary>
        public bool Failed => Crashed || NoTrace;

        /// <summary>"died on SIGSEGV (exit status 139)", "exited with status 0" or "could not be started (...)".</summary>
        public string Describe => NotStarted is { } why ? $"could not be started ({why})" : DescribeExit(Exit);
    }

    /// <summary>Runs the simulator and reads its trace as a stream (<see cref="SimulatorRun"/>).</summary>
    private async Task<SimulatorRun> SimulateAndReadAsync(PreparedCosim prepared, string executable, int seed, string dir,
        string stimulusPath, string tracePath, long cycleBudget, IReadOnlyList<string> extra, string logName, int keep, CancellationToken ct)
    {
        File.Delete(tracePath);
        var (exit, notStarted) = await SimulateAsync(prepared, executable, seed, dir, stimulusPath, tracePath, cycleBudget, extra, logName, ct);
        if (!File.Exists(tracePath))
        {
            return new SimulatorRun(exit, new Trace([], TraceEnd.Truncated, 0), null, notStarted);
        }

        try
        {
            return new SimulatorRun(exit, Trace.ReadFile(tracePath, ct, keep), null, notStarted);
        }
        catch (FormatException ex)
        {
            return new SimulatorRun(exit, null, ex.Message, notStarted);
        }
    }

    /// <summary>The exit status as a shell reports a program it cannot run (127), and why it could not be started (null: it ran).</summary>
    private async Task<(int Exit, string? NotStarted)> SimulateAsync(PreparedCosim prepared, string executable, int seed, string dir, string stimulusPath, string tracePath,
        long cycleBudget, IReadOnlyList<string> extra, string logName, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.SimulationTimeout);
        var log = Path.Combine(dir, logName);
        // Relative to the case folder, the simulator's working folder: a bench reads a path into a 1,024-character
        // register, which a deep --work-dir would overflow, and the names alone always fit.
        IReadOnlyList<string> plusargs = [$"+stim={Path.GetRelativePath(dir, stimulusPath)}", $"+trace={Path.GetRelativePath(dir, tracePath)}", $"+max_cycles={cycleBudget}"];
        try
        {
            var run = (_icarus is { } icarus
                    ? Cli.Wrap(icarus.Vvp).WithArguments(IcarusDriver.RunArguments(executable, [.. plusargs, .. extra]))
                    : Cli.Wrap(executable).WithArguments([.. plusargs, .. VerilatorDriver.RunFlags(seed), .. extra]))
                .WithWorkingDirectory(dir)
                .WithStandardOutputPipe(PipeTarget.ToFile(log))
                .WithStandardErrorPipe(PipeTarget.ToFile(log + ".stderr"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(timeout.Token);
            // Ends the simulator and what it started at once (CliWrap's own kill walks every process of the machine: too slow under load).
            await using (timeout.Token.Register(() => ChildProcesses.KillTree(run.ProcessId)))
            {
                return ((await run).ExitCode, null);
            }
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException && !ct.IsCancellationRequested)
        {
            // Not started: the simulator is gone (another run's rebuild moved its cache entry away), or is no program (a
            // truncated ELF header: ENOEXEC). A failed run like a crash, which checks the cache entry and reruns on a rebuild.
            return (127, _icarus is { } i ? $"{i.Vvp}: {StartError(ex)}" : StartError(ex));
        }
        catch (IOException ex) when (BuildCache.IsNoSpace(ex))
        {
            // Its output could not be written: the simulation is no verdict on anything.
            throw BuildCache.NoSpace(dir, $"the simulation of {prepared.Bench.Module} seed {seed} could not write its output");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ToolException(ToolFailure.TimedOut,
                $"the simulation of {prepared.Bench.Module} seed {seed} did not finish within {_settings.SimulationTimeout.TotalSeconds:0} s and was stopped. " +
                $"Fix: look at {dir}; replay with: {Replay(prepared.Request, seed)}");
        }
    }

    /// <summary>The OS error of a process that could not be started: "No such file or directory, errno 2", "Exec format error, errno 8".</summary>
    private static string StartError(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is Win32Exception { NativeErrorCode: not 0 } os)
            {
                return $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(os.NativeErrorCode)}, errno {os.NativeErrorCode}";
            }
        }

        return ex.Message;
    }

    /// <summary>What <see cref="Crashed"/> says of a cache entry that the full check (<see cref="BuildCache.Suspect"/>) found intact.</summary>
    private const string IntactEntry = "The cache entry checked intact against its build checksum.";

    /// <summary>
    /// The crash as a tool failure: the signal or exit status, the simulator's last words, the case folder and the replay
    /// command. <paramref name="entry"/> says what the check of the cache entry found (<see cref="IntactEntry"/>, or that it
    /// will be rebuilt): only a check that ran is told of.
    /// </summary>
    private ToolException Crashed(PreparedCosim prepared, string executable, int seed, string dir, SimulatorRun run, string logName, string? rebuiltBecause,
        string entry)
    {
        var simulator = _icarus is null ? $"the simulator {executable}" : $"vvp on {executable}";
        return new ToolException(ToolFailure.Crashed,
            $"the simulation of {prepared.Bench.Module} seed {seed} crashed: {simulator} {run.Describe} before writing its trace's end marker" +
            (rebuiltBecause is null ? "" : $", also after a rerun (its cache entry {rebuiltBecause})") +
            "; this is a tool failure, not a verdict on the RTL." + LastWords(Path.Combine(dir, logName)) +
            $"\nFix: look at {dir} ({logName}, {logName}.stderr); replay with: {Replay(prepared.Request, seed)}. {entry} " +
            (run.NotStarted is null ? "" : "Check that the cache folder's file system allows programs to run (not mounted noexec) and is not being emptied. ") +
            "If the crash repeats, report it with the configuration (`attnlego config show`).");
    }

    /// <summary>
    /// A simulator that left no trace (missing, or without one complete line): the bench could not open its stimulus or
    /// trace file (permissions, too many open files, no free inodes) and finished at once. A tool failure, whatever its status.
    /// </summary>
    private ToolException NoTrace(PreparedCosim prepared, string executable, int seed, string dir, string tracePath, SimulatorRun run, string logName)
    {
        var simulator = _icarus is null ? $"the simulator {executable}" : $"vvp on {executable}";
        return new ToolException(ToolFailure.Failed,
            $"the simulation of {prepared.Bench.Module} seed {seed} wrote no trace: {simulator} {run.Describe} and {tracePath} " +
            $"{(File.Exists(tracePath) ? "holds no complete line" : "is missing")}; the bench could not open its stimulus or trace file. " +
            "This is a tool failure, not a verdict on the RTL." + LastWords(Path.Combine(dir, logName)) +
            $"\nFix: look at {Path.Combine(dir, logName)} (and {logName}.stderr) for the file it could not open; check that {dir} is writable, " +
            $"has free inodes and that the open-file limit (ulimit -n) is not reached; replay with: {Replay(prepared.Request, seed)}.");
    }

    /// <summary>The simulator's last lines on stderr and stdout, or " It printed nothing."</summary>
    private static string LastWords(string log)
    {
        var said = Tail(log + ".stderr").Select(l => "stderr: " + l).Concat(Tail(log).Select(l => "output: " + l)).ToList();
        return said.Count > 0 ? "\n  " + string.Join("\n  ", said) : " It printed nothing.";
    }

    /// <summary>The bytes free to this user on the file system of <paramref name="folder"/>, or null when it cannot be told.</summary>
    private static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>"died on SIGSEGV (exit status 139)" or "exited with status 3".</summary>
    public static string DescribeExit(int exit) => exit is > 128 and < 160 && SignalName(exit - 128) is { } signal
        ? $"died on {signal} (exit status {exit})"
        : $"exited with status {exit}";

    private static string? SignalName(int number) => number switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => null,
    };

    /// <summary>The last non-empty lines of a log (its last 4 KiB at most), each cut to 200 characters, control characters dropped.</summary>
    private static List<string> Tail(string path, int lines = 8)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Max(0, stream.Length - 4096), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return [.. text.Split('\n').Select(l => new string([.. l.Where(c => !char.IsControl(c))]).Trim()).Where(l => l.Length > 0)
            .TakeLast(lines).Select(l => l.Length > 200 ? l[..200] + "..." : l)];
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
