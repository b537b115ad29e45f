using System.CommandLine;
using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.WaveDumps;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego cosim</c>: build a module with its bench under Verilator and check it against the golden model.</summary>
public static class CosimCommand
{
    public static Command Create(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var module = new Option<string>("--module") { Description = $"Module to co-simulate: {ModuleBenches.Names}.", Required = true };
        module.AcceptOnlyFromAmong([.. ModuleBenches.All.Select(b => b.Module)]);
        var seed = new Option<int>("--seed") { Description = "First seed.", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds: --seed, --seed+1, ...", DefaultValueFactory = _ => 1 };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Build cache folder (default $ATTNLEGO_CACHE, else $XDG_CACHE_HOME/attnlego, else ~/.cache/attnlego)." };
        var workDir = new Option<string>("--work-dir") { Description = "Folder for per-case artifacts (stimulus, trace, logs of failing seeds).", DefaultValueFactory = _ => Path.Combine("build", "cosim") };
        var keep = new Option<bool>("--keep") { Description = "Keep the folders of passing cases too." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one simulation may run before it is stopped.", DefaultValueFactory = _ => 600 };
        var tokens = new Option<int?>("--tokens") { Description = "top and array only: tokens to decode (1 .. Model.MaxSeqLen; default min(4, MaxSeqLen))." };
        var memLatency = new Option<int>("--mem-latency") { Description = "top and array only: cycles from a memory request to its response (1 .. 64).", DefaultValueFactory = _ => 3 };
        var waveOptions = new WaveDumpOptions();
        var injectFault = new Option<string?>("--inject-fault")
        {
            Description = "Flip one bit of the golden model's N-th expected response on trace port PORT (PORT or PORT@N; default the middle one): a deliberate failure, to see the waves and the diff it leaves.",
        };
        injectFault.Validators.Add(r =>
        {
            try
            {
                _ = ExpectedFault.Parse(r.GetValue(injectFault) ?? "");
            }
            catch (ArgumentException ex)
            {
                r.AddError(ex.Message);
            }
        });
        var simulator = new Option<string>("--simulator")
        {
            Description = "Simulator: verilator (default) or icarus (Icarus Verilog 11: the same benches, traces and scoring; no waves).",
            DefaultValueFactory = _ => "verilator",
        };
        simulator.AcceptOnlyFromAmong("verilator", "icarus");
        var stalls = new Option<bool>("--stalls") { Description = "top and array only: the memory refuses requests and delays responses at random (seeded); timing is then not compared, values and order are." };
        tokens.Validators.Add(r =>
        {
            if (r.GetValue(tokens) is < 1)
            {
                r.AddError("--tokens must be at least 1.");
            }
        });
        memLatency.Validators.Add(r =>
        {
            if (r.GetValue(memLatency) is < 1 or > 64)
            {
                r.AddError("--mem-latency must be 1 .. 64.");
            }
        });
        seeds.Seeds("each is a simulation");
        seed.Validators.Add(r =>
        {
            // Seeds also seed the simulator's random initial state, which takes 1 .. 2^31-1.
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--seed must be at least 1.");
            }
        });
        timeout.AtLeast(1, "--timeout must be at least 1 second.").Timeout();

        var command = new Command("cosim", "Co-simulate a module under Verilator (or Icarus) against the bit-exact golden model and CycleModel.");
        command.LastSeedFits(seed, seeds);
        configOptions.AddTo(command);
        foreach (var option in new Option[] { module, seed, seeds, tokens, memLatency, stalls, simulator, cacheDir, workDir, keep, timeout, injectFault })
        {
            command.Options.Add(option);
        }

        waveOptions.AddTo(command);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var request = new CosimRequest(configOptions.Source(parse), parse.GetValue(module)!, parse.GetValue(seed), parse.GetValue(seeds),
                new TopOptions(parse.GetValue(tokens), parse.GetValue(memLatency), parse.GetValue(stalls)))
            {
                Fault = parse.GetValue(injectFault) is { } fault ? ExpectedFault.Parse(fault) : null,
            };
            var topOnly = parse.GetResult(tokens) is { Implicit: false } || parse.GetResult(memLatency) is { Implicit: false } || parse.GetValue(stalls);
            if (topOnly && !ModuleBenches.IsWhole(request.Module))
            {
                await io.Err.WriteLineAsync($"error: --tokens, --mem-latency and --stalls apply to --module top and array only, not to {request.Module}. Fix: drop them or use --module top or array.");
                return ExitCodes.Usage;
            }

            // The configuration is checked before any simulator is looked for: a bad config is exit 3 on any machine.
            var config = ConfigLoader.Load(request.Source);
            var max = config.Model.MaxSeqLen;
            if (ModuleBenches.IsWhole(request.Module) && request.Top!.Tokens is { } wanted && wanted > max)
            {
                await io.Err.WriteLineAsync($"error: --tokens {wanted} is more than the caches hold (Model.MaxSeqLen = {max} for {request.Source.DisplayName}). Fix: use --tokens 1..{max}.");
                return ExitCodes.Usage;
            }

            var icarus = parse.GetValue(simulator) == "icarus";
            var waves = waveOptions.Settings(parse);
            if (icarus && waves.Mode == WaveMode.Always)
            {
                await io.Err.WriteLineAsync("error: --waves always needs Verilator: waves come from a traced Verilator build, which Icarus does not use. Fix: drop --simulator icarus, or use --waves never or on-failure.");
                return ExitCodes.Usage;
            }

            // Before anything is rendered or built: a run far beyond this machine is refused with its estimate (exit 9).
            var tokenCount = ModuleBenches.IsWhole(request.Module) ? request.Top!.TokensFor(config) : 0;
            RunCost.Check(RunCost.Cosim(config, request.Module, tokenCount, request.SeedCount, icarus), Machine.Current, io.Err.WriteLine);
            var stallsOn = ModuleBenches.IsWhole(request.Module) && request.Top!.Stalls;
            // Before a simulator builds anything: a folder that cannot be made would otherwise fail after the build.
            var cacheRoot = parse.GetValue(cacheDir) ?? BuildCache.DefaultRoot();
            OutputFolder.CheckFolderPath(parse.GetValue(workDir)!, "--work-dir");
            OutputFolder.CheckFolderPath(cacheRoot, "--cache-dir");
            var runner = await CosimRunner.LocateAsync(new CosimSettings
            {
                CacheRoot = cacheRoot,
                WorkRoot = parse.GetValue(workDir)!,
                KeepPassing = parse.GetValue(keep),
                SimulationTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Waves = waves,
                Simulator = icarus ? Simulator.Icarus : Simulator.Verilator,
                Notes = line => io.Out.WriteLine(line),
            }, ct);
            await io.Out.WriteLineAsync($"cosim {request.Module} on {request.Source.DisplayName}, seeds {request.FirstSeed}..{request.FirstSeed + request.SeedCount - 1} ({runner.SimulatorVersion})");
            CosimResult result;
            try
            {
                result = await runner.RunAsync(request, c => io.Out.WriteLine(Describe(c, stallsOn)), ct);
            }
            catch (FaultTargetException ex)
            {
                await io.Err.WriteLineAsync("error: " + ex.Message);
                return ExitCodes.Usage;
            }

            var build = result.Build.Cached
                ? $"build cached (key {result.Build.Key})"
                : $"built in {result.Build.Duration.TotalSeconds:0.0} s (key {result.Build.Key})";
            if (result.Passed && ModuleBenches.IsWhole(request.Module))
            {
                await io.Out.WriteLineAsync(TopSummary(result.Config, request.Top!.TokensFor(result.Config), request.Top.MemoryLatency, request.FirstSeed,
                    request.Module == "array", ct));
            }

            await io.Out.WriteLineAsync($"{result.PassedCount} passed, {result.FailedCount} failed; {build}");
            return result.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }));
        return command;
    }

    /// <summary>
    /// Performance and accuracy of the head just verified: the counters' values (ControlTiming, which the run checked against
    /// the RTL's registers) and the outputs against the float reference (the same inputs as the bench's first seed).
    /// </summary>
    private static string TopSummary(AttentionConfig config, int tokens, int latency, int seed, bool array, CancellationToken ct)
    {
        var perf = HeadPerformance.Measure(config, tokens, latency, array, ct: ct);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var performance = string.Create(inv,
            $"  performance (memory latency {latency}, no stalls): {perf.CyclesPerToken:0.0} cycles per token over {tokens} tokens (last token {perf.LastTokenCycles}), " +
            $"ideal bound {perf.IdealCyclesPerToken:0.0} (ratio {perf.RatioToIdeal:0.00}); weight load {perf.LoadCycles} cycles");
        if (array)
        {
            return performance + string.Create(inv, $" for {config.Model.Heads} head{(config.Model.Heads > 1 ? "s" : "")}{(config.Model.OutputProjection ? " and W_O" : "")}");
        }

        var accuracy = Accuracy.Run(config, seed, tokens, ct);
        return performance + string.Create(inv,
            $"; a projection takes {CycleModel.QkvLatency(config)} cycles against the published {CycleModel.PublishedCyclesPerProduct} per matrix-vector product\n" +
            $"  accuracy: cosine {accuracy.Cosine:0.00000} against the float reference (worst token {accuracy.MinTokenCosine:0.00000}), " +
            $"max error {accuracy.MaxErrorLsb:0.0} LSB, mean {accuracy.MeanErrorLsb:0.00} LSB");
    }

    private static string Describe(CaseResult c, bool stalls) => c.Passed
        ? $"  seed {c.Seed}: pass, {c.Score.Compared} responses bit-exact and {(stalls ? "in order (memory stalls: timing not compared)" : "on time")}, {c.Cycles} cycles ({c.SimulationTime.TotalSeconds:0.00} s)" + WaveLines(c)
        : $"  seed {c.Seed}: FAIL {c.Score.FirstMismatch!.Describe()}\n    artifacts: {c.WorkDir}\n    replay: {c.Replay}" + WaveLines(c);

    /// <summary>Where a case's waves are, how to open them, and what `wave diff` finds in them.</summary>
    private static string WaveLines(CaseResult c) =>
        c.Waves is { } w ? "\n" + w.Describe("    ") : c.WaveError is { } e ? "\n    " + e : "";
}
