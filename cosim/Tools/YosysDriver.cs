using System.Text.RegularExpressions;
using AttentionLego.Gen.IO;
using AttentionLego.Gen.Reporting;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Yosys through CliWrap: reads the generated RTL, elaborates the hierarchy under the top module without flattening it
/// (the PIM macro is instantiated thousands of times at the paper's size, but Yosys processes each module once), and
/// reports <c>check</c> and <c>stat</c> (<see cref="SynthesisStats"/>). <see cref="Script"/> is the only place that
/// assembles the Yosys commands.
/// </summary>
public sealed partial class YosysDriver
{
    public const string OverrideVariable = "ATTNLEGO_YOSYS";

    private readonly string _executable;

    private YosysDriver(string executable, string versionLine)
    {
        _executable = executable;
        VersionLine = versionLine;
    }

    /// <summary>The first line of <c>yosys -V</c>, e.g. "Yosys 0.23 (git sha1 7ce5011c24b)".</summary>
    public string VersionLine { get; }

    /// <summary>Finds Yosys (<c>$ATTNLEGO_YOSYS</c>, else PATH); throws a <see cref="ToolException"/> naming the fix.</summary>
    public static async Task<YosysDriver> LocateAsync(CancellationToken ct = default)
    {
        var path = ToolLocator.Require("yosys", OverrideVariable,
            $"run scripts/setup.sh (installs Debian's yosys package), or set {OverrideVariable} to the yosys executable.");
        BufferedCommandResult result;
        try
        {
            result = await ToolProcess.ExecuteBufferedAsync(Cli.Wrap(path).WithArguments(["-V"]), ToolStep.Probe, $"{path} -V",
                $"check the Yosys installation (scripts/setup.sh), point {OverrideVariable} at a Yosys that answers, or pass --no-yosys", ct);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ToolException(ToolFailure.Missing, $"{path} could not be started ({ex.Message}). Fix: reinstall Yosys with scripts/setup.sh.");
        }

        var line = result.StandardOutput.Split('\n')[0].Trim();
        if (result.ExitCode != 0 || !VersionPattern().IsMatch(line))
        {
            throw new ToolException(ToolFailure.Failed,
                $"{path} -V printed \"{line}\" (exit {result.ExitCode}), not a Yosys version. Fix: point {OverrideVariable} or PATH at a real Yosys.");
        }

        return new YosysDriver(path, line);
    }

    /// <summary>The Yosys script: read every file, elaborate under <paramref name="top"/>, processes to cells, light cleanup, check, stat.</summary>
    public static IReadOnlyList<string> Script(IEnumerable<string> files, string top) =>
    [
        "read_verilog " + string.Join(' ', files),
        $"hierarchy -check -top {top}",
        "proc",
        "opt -fast",
        $"tee -q -o {CheckFile} check",
        $"tee -q -o {StatFile} stat",
    ];

    private const string CheckFile = "check.txt";
    private const string StatFile = "stat.txt";

    /// <summary>
    /// Runs <see cref="Script"/> on <paramref name="modules"/>, or takes its reports from <paramref name="cache"/> when the same
    /// Yosys ran the same script on the same files before. Throws a <see cref="ToolException"/>:
    /// <see cref="ToolFailure.TimedOut"/> after <paramref name="timeout"/> (Yosys is stopped), <see cref="ToolFailure.Failed"/>
    /// when Yosys rejects the RTL (the message holds its ERROR line).
    /// </summary>
    public async Task<SynthesisStats> StatAsync(IReadOnlyList<RenderedFile> modules, string top, TimeSpan timeout, CancellationToken ct = default,
        YosysStatCache? cache = null)
    {
        var sources = modules.Where(m => m.Name.EndsWith(".v", StringComparison.Ordinal)).ToList();
        var script = Script(sources.Select(m => m.Name), top);
        var reports = cache is null
            ? await RunAsync(modules, script, top, timeout, ct)
            : await cache.GetOrRunAsync(YosysStatCache.Key(_executable, VersionLine, script, sources), top,
                () => RunAsync(modules, script, top, timeout, ct), ct);
        return SynthesisStats.Parse(top, VersionLine, string.Join("; ", script.Skip(1).Prepend("read_verilog <the module files>")), reports.Stat, reports.Check);
    }

    /// <summary>Writes <paramref name="modules"/> to a temporary folder and runs <paramref name="script"/> on them.</summary>
    private async Task<YosysReports> RunAsync(IReadOnlyList<RenderedFile> modules, IReadOnlyList<string> script, string top, TimeSpan timeout,
        CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("attnlego-yosys-").FullName;
        using var scratch = Scratch.Register(dir);
        try
        {
            foreach (var module in modules)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, module.Name), module.Content, ct);
            }

            await File.WriteAllTextAsync(Path.Combine(dir, "stat.ys"), string.Join('\n', script) + "\n", ct);
            BufferedCommandResult result;
            try
            {
                result = await ToolProcess.ExecuteBufferedAsync(Cli.Wrap(_executable).WithArguments(["-q", "-s", "stat.ys"]).WithWorkingDirectory(dir),
                    ToolStep.Build, $"yosys on {top}", "raise --yosys-timeout, or pass --no-yosys", ct, timeout);
            }
            catch (ToolException ex) when (ex.Failure == ToolFailure.TimedOut)
            {
                throw new ToolException(ToolFailure.TimedOut,
                    $"yosys did not finish within {timeout.TotalSeconds:0} s on {top} and was stopped.");
            }

            var output = result.StandardOutput + result.StandardError;
            if (result.ExitCode != 0 || !File.Exists(Path.Combine(dir, StatFile)))
            {
                var lines = output.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
                var errors = lines.Where(l => l.Contains("ERROR", StringComparison.Ordinal)).Take(8).ToList();
                if (Died(result.ExitCode) || errors.Count == 0 || errors.Any(l => MachineError().IsMatch(l)))
                {
                    // Yosys died on a signal, or stopped without saying what in the RTL it refused, or refused the machine
                    // (a full disk, no memory): the installation or the machine failed, not the generated RTL.
                    throw new ToolException(ToolFailure.Failed,
                        $"yosys failed on {top} without rejecting the RTL: it {DescribeExit(result.ExitCode)}" +
                        (result.ExitCode == 0 ? " but wrote no statistics" : "") + (lines.Count > 0 ? ", its last output:\n  " +
                        string.Join("\n  ", (errors.Count > 0 ? errors : lines.TakeLast(8)).Select(l => Excerpt.Of(l, 200))) : ", printing nothing.") +
                        $"\nFix: check the Yosys installation ({_executable}; scripts/setup.sh installs it, {OverrideVariable} chooses another), " +
                        $"free memory, and free space in the temporary folder {Path.GetTempPath()} (or set TMPDIR); or pass --no-yosys to skip the cell statistics.");
                }

                throw new ToolException(ToolFailure.Failed,
                    $"yosys rejected the generated RTL of {top} (exit {result.ExitCode}):\n  " + string.Join("\n  ", errors) +
                    "\nFix: the generated Verilog must be plain Verilog-2005 that Yosys 0.23 reads; report this with the configuration " +
                    "(`attnlego config show`), or pass --no-yosys to skip the cell statistics.");
            }

            return new YosysReports(await File.ReadAllTextAsync(Path.Combine(dir, StatFile), ct), await File.ReadAllTextAsync(Path.Combine(dir, CheckFile), ct));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Died on a signal: .NET reports 128 + its number, or a negative status.</summary>
    private static bool Died(int exit) => exit is > 128 or < 0;

    /// <summary>"died on signal 9 (exit status 137)", "exited with status 1".</summary>
    private static string DescribeExit(int exit) => Died(exit)
        ? $"died on {(exit > 128 ? $"signal {exit - 128}" : "a signal")} (exit status {exit})"
        : $"exited with status {exit}";

    /// <summary>An ERROR line about the machine, not the RTL: a full disk, no memory, a file it could not write.</summary>
    [GeneratedRegex(@"No space left on device|Disk quota exceeded|Cannot allocate memory|[Oo]ut of memory|std::bad_alloc|Too many open files|Can't (create|open) output file|Permission denied")]
    private static partial Regex MachineError();

    [GeneratedRegex(@"^Yosys \d+\.\d+")]
    private static partial Regex VersionPattern();
}
