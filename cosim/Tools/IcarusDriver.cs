using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Icarus Verilog through CliWrap, the second simulator: version check and cached builds of the same file-driven benches
/// Verilator runs. Icarus has no C++ main, so a small clock module (<see cref="ClockModule"/>, <c>al_tb_clock</c>) is the
/// top: it toggles the bench's <c>clk_i</c> with the Verilator main's timing and the bench ends the run with
/// <c>$finish</c>. <see cref="BuildFlags"/> and <see cref="RunArguments"/> are the only places that assemble Icarus's
/// command lines.
/// </summary>
public sealed partial class IcarusDriver
{
    public const string OverrideVariable = "ATTNLEGO_IVERILOG";
    public static readonly Version MinimumVersion = new(11, 0);

    /// <summary>The top module of every Icarus build: the clock wrapper around the bench.</summary>
    public const string ClockTop = "al_tb_clock";

    private readonly string _iverilog;

    private IcarusDriver(string iverilog, string vvp, string versionLine, Version version)
    {
        _iverilog = iverilog;
        Vvp = vvp;
        VersionLine = versionLine;
        Version = version;
    }

    /// <summary>The first line of <c>iverilog -V</c>, e.g. "Icarus Verilog version 11.0 (stable) ()".</summary>
    public string VersionLine { get; }

    public Version Version { get; }

    /// <summary>The <c>vvp</c> runtime that runs a compiled bench (next to <c>iverilog</c>, else on PATH).</summary>
    public string Vvp { get; }

    /// <summary>Finds <c>iverilog</c> and <c>vvp</c> and checks the version; throws a <see cref="ToolException"/> naming the fix.</summary>
    public static async Task<IcarusDriver> LocateAsync(CancellationToken ct = default)
    {
        const string fix = "run scripts/setup.sh (installs Debian's iverilog package), or set " + OverrideVariable + " to the iverilog executable.";
        var path = ToolLocator.Require("iverilog", OverrideVariable, fix);
        var besides = Path.Combine(Path.GetDirectoryName(path)!, "vvp");
        var vvp = File.Exists(besides) ? besides : ToolLocator.Find("vvp")
            ?? throw new ToolException(ToolFailure.Missing, $"vvp (Icarus's runtime) was found neither next to {path} nor on PATH. Fix: {fix}");
        BufferedCommandResult result;
        try
        {
            result = await ToolProcess.ExecuteBufferedAsync(Cli.Wrap(path).WithArguments(["-V"]), ToolStep.Probe, $"{path} -V",
                $"check the Icarus Verilog installation (scripts/setup.sh), or point {OverrideVariable} at an iverilog that answers", ct);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ToolException(ToolFailure.Missing, $"{path} could not be started ({ex.Message}). Fix: reinstall Icarus Verilog with scripts/setup.sh.");
        }

        var line = (result.StandardOutput + result.StandardError).Split('\n')[0].Trim();
        var match = VersionPattern().Match(line);
        if (!match.Success)
        {
            throw new ToolException(ToolFailure.Failed,
                $"{path} -V printed \"{line}\" (exit {result.ExitCode}), not an Icarus Verilog version. Fix: point {OverrideVariable} or PATH at a real iverilog.");
        }

        var version = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        if (version < MinimumVersion)
        {
            throw new ToolException(ToolFailure.TooOld,
                $"{line} is older than the required {MinimumVersion.Major}.{MinimumVersion.Minor}. Fix: install Icarus Verilog 11 (Debian bookworm's iverilog package, via scripts/setup.sh).");
        }

        return new IcarusDriver(path, vvp, line, version);
    }

    /// <summary>Arguments of a bench compile (part of the cache key): plain Verilog-2005, every warning but the missing timescale.</summary>
    public static IReadOnlyList<string> BuildFlags(string output) =>
        ["-g2005", "-Wall", "-Wno-timescale", "-s", ClockTop, "-o", output];

    /// <summary>
    /// Arguments of <c>vvp</c> for one run: <c>-n</c> makes a <c>$stop</c> end the run instead of waiting for input; the
    /// bench's plusargs follow the compiled program. Registers start at x (Icarus has no random initial state).
    /// </summary>
    public static IReadOnlyList<string> RunArguments(string compiled, IEnumerable<string> plusargs) => ["-n", compiled, .. plusargs];

    /// <summary>The clock wrapper for <paramref name="benchTop"/>: what the Verilator main does in C++, in Verilog.</summary>
    public static RenderedFile ClockModule(AttentionConfig config, string benchTop) =>
        RtlGenerator.File("tb/al_tb_clock.v.sbn", ClockTop + ".v", config, b => new { Banner = b, BenchTop = benchTop, ClockTop });

    /// <summary>
    /// The cache entry of a bench under Icarus: <c>icarus-&lt;bench top&gt;-&lt;key&gt;</c>, kept apart from Verilator's
    /// <c>&lt;bench top&gt;-&lt;key&gt;</c>; the compiled program is the entry's <c>obj_dir/Vicarus-&lt;bench top&gt;</c>.
    /// </summary>
    public static string EntryName(string benchTop) => "icarus-" + benchTop;

    /// <summary>
    /// Compiles <paramref name="sources"/> (RTL and bench) with the clock wrapper for <paramref name="benchTop"/>, or reuses
    /// the cached program: the key is a content hash of the sources, the flags, the Icarus version and the generator version.
    /// </summary>
    public Task<BuildResult> BuildAsync(BuildCache cache, AttentionConfig config, string benchTop, IReadOnlyList<RenderedFile> sources,
        CancellationToken ct = default)
    {
        var entry = EntryName(benchTop);
        var all = sources.Where(f => f.Name.EndsWith(".v", StringComparison.Ordinal)).Append(ClockModule(config, benchTop)).ToList();
        var output = "obj_dir/V" + entry;
        var key = cache.Key(VersionLine, string.Join(' ', BuildFlags(output)), entry, all);
        return cache.GetOrBuildAsync(key, entry, async staging =>
        {
            foreach (var file in all)
            {
                await File.WriteAllTextAsync(Path.Combine(staging, file.Name), file.Content, ct);
            }

            Directory.CreateDirectory(Path.Combine(staging, "obj_dir"));
            var (exitCode, log) = await BuildCache.RunLoggedAsync(_iverilog, [.. BuildFlags(output), .. all.Select(f => f.Name)], staging, ct);
            if (exitCode != 0 || !File.Exists(Path.Combine(staging, output)))
            {
                // A full disk is the machine's, not the RTL's.
                if (cache.EnvironmentFailure(log, staging, benchTop) is OutputException full)
                {
                    throw full;
                }

                var first = log.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(12).ToList();
                throw new ToolException(ToolFailure.Failed,
                    $"iverilog could not compile {benchTop} (exit {exitCode}):\n  {string.Join("\n  ", first.Count > 0 ? first : log.Split('\n').Take(12))}\n" +
                    "Fix: the generated RTL or bench is not Verilog-2005 that Icarus 11 accepts; run the same case under Verilator (--simulator verilator) and report this with the configuration (`attnlego config show`).");
            }
        }, ct);
    }

    [GeneratedRegex(@"^Icarus Verilog version (\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
