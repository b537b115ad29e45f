using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Golden.Experiments;

namespace AttentionLego.Cosim;

/// <summary>What <c>attnlego cosim</c> was asked, its options parsed.</summary>
public sealed record CosimSessionOptions(CosimRequest Request, WaveSettings Waves, string WorkDir)
{
    /// <summary>--tokens, --mem-latency or --stalls was given (they apply to the whole-head benches only).</summary>
    public bool TopOptionsGiven { get; init; }

    public bool Icarus { get; init; }

    /// <summary>The build cache folder; null: <see cref="BuildCache.DefaultRoot"/>.</summary>
    public string? CacheDir { get; init; }

    public bool KeepPassing { get; init; }

    public TimeSpan SimulationTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// One <c>attnlego cosim</c> run: checks the request against its configuration, co-simulates every seed, and for a
/// passing whole head prints its performance and accuracy. Refusals go to <c>errors</c> as one line with its fix;
/// progress and verdicts to <c>output</c>. Configuration, tool and cost failures are thrown as the library's exceptions.
/// </summary>
public static class CosimSession
{
    public static async Task<RunVerdict> RunAsync(CosimSessionOptions options, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var request = options.Request;
        var whole = ModuleBenches.IsWhole(request.Module);
        if (options.TopOptionsGiven && !whole)
        {
            return await Refuse(errors, $"--tokens, --mem-latency, --stalls and --preload apply to --module top and array only, not to {request.Module}. Fix: drop them or use --module top or array.");
        }

        // The configuration is checked before any simulator is looked for: a bad config is exit 3 on any machine.
        var config = ConfigLoader.Load(request.Source);
        var max = config.Model.MaxSeqLen;
        if (whole && request.Top!.Tokens is { } wanted && wanted > max)
        {
            return await Refuse(errors, $"--tokens {wanted} is more than the caches hold (Model.MaxSeqLen = {max} for {request.Source.DisplayName}). Fix: use --tokens 1..{max}.");
        }

        if (options.Icarus && options.Waves.Mode == WaveMode.Always)
        {
            return await Refuse(errors, "--waves always needs Verilator: waves come from a traced Verilator build, which Icarus does not use. Fix: drop --simulator icarus, or use --waves never or on-failure.");
        }

        // Before anything is rendered or built: a run far beyond this machine is refused with its estimate (exit 9).
        var tokenCount = whole ? request.Top!.TokensFor(config) : 0;
        RunCost.Check(RunCost.Cosim(config, request.Module, tokenCount, request.SeedCount, options.Icarus), Machine.Current, errors.WriteLine);
        var stallsOn = whole && request.Top!.Stalls;
        // Before a simulator builds anything: a folder that cannot be made would otherwise fail after the build.
        var cacheRoot = options.CacheDir ?? BuildCache.DefaultRoot();
        OutputFolder.CheckFolderPath(options.WorkDir, "--work-dir");
        OutputFolder.CheckFolderPath(cacheRoot, "--cache-dir");
        var runner = await CosimRunner.LocateAsync(new CosimSettings
        {
            CacheRoot = cacheRoot,
            WorkRoot = options.WorkDir,
            KeepPassing = options.KeepPassing,
            SimulationTimeout = options.SimulationTimeout,
            Waves = options.Waves,
            Simulator = options.Icarus ? Simulator.Icarus : Simulator.Verilator,
            Notes = line => output.WriteLine(line),
        }, ct);
        await output.WriteLineAsync($"cosim {request.Module} on {request.Source.DisplayName}, seeds {request.FirstSeed}..{request.FirstSeed + request.SeedCount - 1} ({runner.SimulatorVersion})");
        CosimResult result;
        try
        {
            result = await runner.RunAsync(request, c => output.WriteLine(Describe(c, stallsOn)), ct);
        }
        catch (FaultTargetException ex)
        {
            return await Refuse(errors, ex.Message);
        }

        var build = result.Build.Cached
            ? $"build cached (key {result.Build.Key})"
            : $"built in {result.Build.Duration.TotalSeconds:0.0} s (key {result.Build.Key})";
        if (result.Passed && whole)
        {
            await output.WriteLineAsync(TopSummary(result.Config, request.Top!.TokensFor(result.Config), request.Top.MemoryLatency, request.FirstSeed,
                request.Module == "array", ct));
        }

        await output.WriteLineAsync($"{result.PassedCount} passed, {result.FailedCount} failed; {build}");
        return result.Passed ? RunVerdict.Passed : RunVerdict.Failed;
    }

    private static async Task<RunVerdict> Refuse(TextWriter errors, string problemAndFix)
    {
        await errors.WriteLineAsync("error: " + problemAndFix);
        return RunVerdict.Usage;
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
            $"  performance (memory latency {latency}, no stalls): {perf.CyclesPerToken:0.0} cycles per token sustained over {tokens} tokens ({perf.AverageCyclesPerToken:0.0} on average with the first; first token alone {perf.FirstTokenCycles}, last token {perf.LastTokenCycles}), " +
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
