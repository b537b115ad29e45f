using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Bench;

/// <summary>The result of one run of the built <c>attnlego</c> CLI: exit code, output and wall time (process start included).</summary>
public sealed record CliRunResult(int ExitCode, string Stdout, string Stderr, TimeSpan Wall);

/// <summary>Runs the CLI that <c>scripts/attnlego</c> builds into <c>build/cli/</c>, as a user would.</summary>
public sealed class CliProcess(string root)
{
    public string Dll { get; } = Path.Combine(root, "build", "cli", "attnlego.dll");

    public async Task<CliRunResult> RunAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        if (!File.Exists(Dll))
        {
            throw new BenchException($"the CLI is not built ({Dll} is missing). Fix: run scripts/attnlego once (scripts/bench.sh does).");
        }

        var stopwatch = Stopwatch.StartNew();
        var result = await Cli.Wrap("dotnet").WithArguments([Dll, .. args]).WithWorkingDirectory(root)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
        return new CliRunResult(result.ExitCode, result.StandardOutput, result.StandardError, stopwatch.Elapsed);
    }

    /// <summary>Runs the CLI and insists on exit code 0: anything else means the measurement could not be taken.</summary>
    public async Task<CliRunResult> RunOkAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var run = await RunAsync(args, ct);
        if (run.ExitCode != 0)
        {
            throw new BenchException($"attnlego {string.Join(' ', args)} exited with {run.ExitCode}:\n{run.Stdout}{run.Stderr}");
        }

        return run;
    }
}

/// <summary>A measurement that could not be taken (a tool missing, a co-simulation that failed): the bench exits non-zero.</summary>
public sealed class BenchException(string message) : Exception(message);
