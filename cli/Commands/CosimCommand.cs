using System.CommandLine;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim;
using AttentionLego.Gen.Golden.Timing;

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
        var preload = new Option<bool>("--preload")
        {
            Description = "top and array only: fill the weight macros from files through the simulation-only backdoor ($readmemh, +al_preloaded) instead of a LOAD over the bus (docs/NUMERICS.md, \"Backdoor preload\").",
        };
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

        var command = configOptions.Command("cosim", "Co-simulate a module under Verilator (or Icarus) against the bit-exact golden model and CycleModel.",
            module, seed, seeds, tokens, memLatency, stalls, preload, simulator, cacheDir, workDir, keep, timeout, injectFault);
        command.LastSeedFits(seed, seeds);
        waveOptions.AddTo(command);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var request = new CosimRequest(configOptions.Source(parse), parse.GetValue(module)!, parse.GetValue(seed), parse.GetValue(seeds),
                new TopOptions(parse.GetValue(tokens), parse.GetValue(memLatency), parse.GetValue(stalls), Preload: parse.GetValue(preload)))
            {
                Fault = parse.GetValue(injectFault) is { } fault ? ExpectedFault.Parse(fault) : null,
            };
            return ExitCodes.Of(await CosimSession.RunAsync(new CosimSessionOptions(request, waveOptions.Settings(parse), parse.GetValue(workDir)!)
            {
                TopOptionsGiven = parse.GetResult(tokens) is { Implicit: false } || parse.GetResult(memLatency) is { Implicit: false } || parse.GetValue(stalls) || parse.GetValue(preload),
                Icarus = parse.GetValue(simulator) == "icarus",
                CacheDir = parse.GetValue(cacheDir),
                KeepPassing = parse.GetValue(keep),
                SimulationTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            }, io.Out, io.Err, ct));
        }));
        return command;
    }
}
