using System.Text.RegularExpressions;
using AttentionLego.Gen.Cost;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Verilator through CliWrap: version check, lint, and cached builds of file-driven benches. <see cref="BuildFlags"/>
/// and <see cref="LintFlags"/> are the only places that assemble Verilator's command line.
/// </summary>
public sealed partial class VerilatorDriver
{
    public const string OverrideVariable = "ATTNLEGO_VERILATOR";
    public static readonly Version MinimumVersion = new(5, 0);

    private readonly string _executable;

    private VerilatorDriver(string executable, string versionLine, Version version)
    {
        _executable = executable;
        VersionLine = versionLine;
        Version = version;
    }

    /// <summary>The first line of <c>verilator --version</c>, e.g. "Verilator 5.006 2023-01-22 rev ...".</summary>
    public string VersionLine { get; }

    public Version Version { get; }

    /// <summary>The verilator executable this driver runs (part of a lint cache key).</summary>
    public string Executable => _executable;

    /// <summary>Parallel jobs for the C++ compile (this machine's core count).</summary>
    public int Jobs { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The same Verilator with <paramref name="jobs"/> compile jobs (e.g. a share of the cores when builds run in parallel).</summary>
    public VerilatorDriver WithJobs(int jobs) => new(_executable, VersionLine, Version) { Jobs = Math.Max(1, jobs) };

    /// <summary>Finds Verilator and checks its version; throws a <see cref="ToolException"/> naming the fix.</summary>
    public static async Task<VerilatorDriver> LocateAsync(CancellationToken ct = default)
    {
        var path = ToolLocator.Require("verilator", OverrideVariable,
            $"run scripts/setup.sh (installs Debian's verilator package), or set {OverrideVariable} to the verilator executable.");
        BufferedCommandResult result;
        try
        {
            result = await ToolProcess.ExecuteBufferedAsync(Cli.Wrap(path).WithArguments(["--version"]), ToolStep.Probe, $"{path} --version",
                $"check the Verilator installation (scripts/setup.sh), or point {OverrideVariable} at a Verilator that answers", ct);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ToolException(ToolFailure.Missing, $"{path} could not be started ({ex.Message}). Fix: reinstall Verilator with scripts/setup.sh.");
        }

        var line = result.StandardOutput.Split('\n')[0].Trim();
        var match = VersionPattern().Match(line);
        if (result.ExitCode != 0 || !match.Success)
        {
            throw new ToolException(ToolFailure.Failed,
                $"{path} --version printed \"{line}\" (exit {result.ExitCode}), not a Verilator version. Fix: point {OverrideVariable} or PATH at a real Verilator.");
        }

        var version = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        if (version < MinimumVersion)
        {
            throw new ToolException(ToolFailure.TooOld,
                $"{line} is older than the required {MinimumVersion.Major}.{MinimumVersion.Minor:000}. Fix: install Verilator 5 (Debian bookworm's verilator package, via scripts/setup.sh).");
        }

        return new VerilatorDriver(path, line, version);
    }

    /// <summary>
    /// Arguments of a bench build. Part of the build cache key, so changing them rebuilds. A traced build
    /// (<paramref name="trace"/>) is a separate cache entry: tracing slows every run, so only wave dumps use it; so is a
    /// build for each <paramref name="length"/> of simulation (<see cref="CodeShape"/>).
    /// </summary>
    public IReadOnlyList<string> BuildFlags(string topModule, string objDir, WaveFormat? trace = null, SimulationLength length = SimulationLength.Long) =>
    [
        "--cc", "--exe", "--build", "-Wall", "--top-module", topModule, "-Mdir", objDir, "-j", Jobs.ToString(),
        "-O3", "--x-assign", "unique", "--x-initial", "unique", .. CodeShape(length), "-MAKEFLAGS", MakeVariables(length),
        .. TraceFlags(trace),
    ];

    private static string[] TraceFlags(WaveFormat? trace) => trace switch
    {
        WaveFormat.Vcd => ["--trace"],
        WaveFormat.Fst => ["--trace-fst"],
        _ => [],
    };

    /// <summary>
    /// g++ optimization of the generated C++ (make variables of Verilator's verilated.mk, whose default is -Os for the
    /// per-cycle code and the runtime): -O1, which compiles fastest of the levels that simulate at full speed. A tiny-mha4
    /// array bench's design objects, side by side: -O0 29 s, -O1 38 to 40 s, -Os 47 to 55 s, -O2 64 s to compile; 0.53,
    /// 0.063, 0.070 and 0.094 s to simulate its 5,997 cycles. paper-exact's head (<see cref="SimulationLength.Long"/>, two
    /// seeds of 404,275 cycles), one after another on this machine: -O1 built in 38 s and simulated a seed in 16.7 s, -Os
    /// 66 s and 22.5 s, -O2 70 s and 13.2 s; -O2 pays off only past nine such seeds per build. The run-once
    /// initialization code (OPT_SLOW) stays unoptimized, as by default.
    /// </summary>
    private const string CompileOptimization = "OPT_FAST=-O1 OPT_GLOBAL=-O1";

    /// <summary>The make variables: the optimization, and for a small bench one translation unit (<see cref="CodeShape"/>).</summary>
    private static string MakeVariables(SimulationLength length) =>
        CompileOptimization + (length == SimulationLength.Short ? " VM_PARALLEL_BUILDS=0" : "");

    /// <summary>
    /// How much C++ Verilator writes. By default it inlines every module into its parent and unrolls every procedural loop
    /// of up to 64 steps, so each macro instance carries its own unrolled copy of the compute loop: a tiny head's bench came
    /// to 10.4 MB of C++, a tiny-mha4 array's to 32 MB. A bench that simulates only thousands of cycles
    /// (<see cref="SimulationLength.Short"/>) keeps its modules out of line (<c>-fno-inline</c>) and its procedural loops as
    /// loops (<c>--unroll-stmts 1</c>: no loop body is small enough to unroll), and make compiles its classes as one
    /// translation unit (<c>VM_PARALLEL_BUILDS=0</c>, <see cref="MakeVariables"/>: out of line, Verilator writes dozens to
    /// hundreds of small files, each of which would parse Verilator's headers again). Side by side on one core, the runtime
    /// objects reused: that tiny head's bench is 2.3 MB and compiles in 10 s against 37 s, the array's 10.4 MB in 33 s
    /// against 36 s on two cores, and a small bench such as tiny's context stage as fast as before (3.5 s). Not
    /// <c>--unroll-count 1</c>: Verilator 5.006 also caps generate loops at 16 times that count, and al_requant's run to
    /// 1,024. A longer simulation keeps the defaults: a loop kept as a loop turns each variable part-select of a wide flat
    /// vector into a copy of the whole vector, and paper-exact's score bench (321,000 cycles) took 146 s built that way
    /// against 12 s.
    /// </summary>
    private static string[] CodeShape(SimulationLength length) =>
        length == SimulationLength.Short ? ["-fno-inline", "--unroll-stmts", "1"] : [];

    /// <summary>The flags that decide what a build is: <see cref="BuildFlags"/> without -j, which only changes how fast it runs.</summary>
    private string KeyFlags(string topModule, WaveFormat? trace, SimulationLength length)
    {
        var flags = BuildFlags(topModule, "obj_dir", trace, length);
        return string.Join(' ', flags.Where((f, i) => f != "-j" && (i == 0 || flags[i - 1] != "-j")));
    }

    /// <summary>
    /// Run-time arguments: every variable the design does not reset starts random (seeded), so a read of a
    /// never-written register or weight shows up as a mismatch instead of a lucky zero.
    /// </summary>
    public static IReadOnlyList<string> RunFlags(int seed) => ["+verilator+rand+reset+2", $"+verilator+seed+{seed}"];

    /// <summary>Arguments of a lint run: every warning enabled, nothing built.</summary>
    public static IReadOnlyList<string> LintFlags(string topModule) => ["--lint-only", "-Wall", "--top-module", topModule];

    /// <summary>Lints <paramref name="files"/> (in <paramref name="dir"/>) with <paramref name="topModule"/> as top.</summary>
    public async Task<LintResult> LintAsync(string dir, IEnumerable<string> files, string topModule, CancellationToken ct = default)
    {
        var result = await ToolProcess.ExecuteBufferedAsync(Cli.Wrap(_executable).WithArguments([.. LintFlags(topModule), .. files]).WithWorkingDirectory(dir),
            ToolStep.Lint, $"the lint of {topModule} (verilator --lint-only)",
            $"lint a smaller configuration, or check the Verilator installation (scripts/setup.sh)", ct);
        var diagnostics = (result.StandardError + result.StandardOutput).Split('\n')
            .Where(l => l.StartsWith("%Warning", StringComparison.Ordinal) || l.StartsWith("%Error", StringComparison.Ordinal))
            .ToList();
        if (result.ExitCode != 0 && diagnostics.Count == 0)
        {
            // Not a finding about the RTL: Verilator itself failed (crashed, was killed, or is not what it claims).
            var said = (result.StandardError + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(5);
            throw new ToolException(ToolFailure.Failed,
                $"{_executable} --lint-only exited with {result.ExitCode} on {topModule} without a diagnostic{(said.Any() ? ":\n  " + string.Join("\n  ", said) : ".")}\n" +
                $"Fix: check the Verilator installation (scripts/setup.sh), or point {OverrideVariable} at a working Verilator.");
        }

        return new LintResult(topModule, result.ExitCode == 0 && diagnostics.Count == 0, diagnostics);
    }

    /// <summary>
    /// Builds a bench executable, or reuses the cached one when nothing that goes into it changed: the sources,
    /// the flags, the Verilator version and the generator version form the cache key. <paramref name="cache"/> verifies
    /// the entry it reuses and rebuilds a damaged one.
    /// </summary>
    public Task<BuildResult> BuildAsync(BuildCache cache, string topModule, IReadOnlyList<RenderedFile> sources,
        CancellationToken ct = default, WaveFormat? trace = null, SimulationLength length = SimulationLength.Long)
    {
        var key = cache.Key(VersionLine, KeyFlags(topModule, trace, length), topModule, sources);
        var runtime = RuntimeFolder(cache, trace);
        return cache.GetOrBuildAsync(key, topModule, async staging =>
        {
            RequireBuildTools();
            foreach (var file in sources)
            {
                await File.WriteAllTextAsync(Path.Combine(staging, file.Name), file.Content, ct);
            }

            var objDir = Path.Combine(staging, "obj_dir");
            Directory.CreateDirectory(objDir);
            // make must not rebuild them because Verilator's .mk (written after the copy) is newer: --old-file.
            var objects = RuntimeObjects(trace);
            string[] reuse = CopyRuntime(cache, runtime, objDir, objects)
                ? ["-MAKEFLAGS", string.Join(' ', objects.Where(f => f.EndsWith(".o", StringComparison.Ordinal)).Select(f => "--old-file=" + f))]
                : [];

            var inputs = sources.Select(f => f.Name).Where(n => n.EndsWith(".v", StringComparison.Ordinal) || n.EndsWith(".cpp", StringComparison.Ordinal));
            var (exitCode, log) = await BuildCache.RunLoggedAsync(_executable, [.. BuildFlags(topModule, "obj_dir", trace, length), .. reuse, .. inputs], staging, ct);
            if (exitCode != 0)
            {
                // The machine before the RTL: a full disk or a missing compiler is not a compile error of the design.
                if (cache.EnvironmentFailure(log, staging, topModule) is { } environment)
                {
                    throw environment;
                }

                var first = log.Split('\n').Where(l => l.StartsWith('%') || l.Contains("error", StringComparison.Ordinal)).Take(12);
                throw new ToolException(ToolFailure.Failed,
                    $"verilator could not build {topModule} (exit {exitCode}):\n  {string.Join("\n  ", first)}\n" +
                    "Fix: the generated RTL or bench does not compile; run `attnlego lint` on the same config for the full report.");
            }

            SaveRuntime(cache, objDir, runtime, objects);
        }, ct);
    }

    /// <summary>
    /// Verilator's <c>--build</c> runs make (<c>$MAKE</c>, else <c>make</c>), whose makefile compiles and links with g++:
    /// both must be on PATH, which is checked before any build so that their absence is exit 5 with the fix, not a
    /// compile error blamed on the RTL.
    /// </summary>
    private static void RequireBuildTools()
    {
        var make = Environment.GetEnvironmentVariable("MAKE") is { Length: > 0 } m ? m : "make";
        foreach (var program in new[] { make, "g++" })
        {
            var found = Path.IsPathRooted(program) ? File.Exists(program) : ToolLocator.Find(program) is not null;
            if (!found)
            {
                throw BuildCache.BuildToolMissing(program, "was not found on PATH");
            }
        }
    }

    /// <summary>
    /// Verilator's runtime library (verilated.cpp, verilated_threads.cpp, and a traced build's verilated_vcd_c.cpp or
    /// verilated_fst_c.cpp) is the same object code in every bench built with one Verilator and one set of flags, and
    /// compiling it is most of a small bench's build time. The first build
    /// keeps its objects in the cache (<c>verilated-runtime-&lt;key&gt;</c>, with a <c>build.ok</c> stamp that records their
    /// checksums); later builds verify them, copy them into their <c>obj_dir</c> and tell make
    /// (<c>-MAKEFLAGS --old-file=...</c>) not to remake them: they depend only on Verilator's own headers and on the flags,
    /// which are part of the runtime key. A damaged folder is removed and the build compiles the objects afresh.
    /// </summary>
    private static string[] RuntimeObjects(WaveFormat? trace) =>
    [
        "verilated.o", "verilated.d", "verilated_threads.o", "verilated_threads.d",
        .. trace switch
        {
            WaveFormat.Vcd => new[] { "verilated_vcd_c.o", "verilated_vcd_c.d" },
            WaveFormat.Fst => ["verilated_fst_c.o", "verilated_fst_c.d"],
            _ => [],
        },
    ];

    /// <summary>The runtime's objects depend on Verilator, the compiler's optimization and the trace format alone.</summary>
    private string RuntimeFolder(BuildCache cache, WaveFormat? trace)
    {
        var key = GeneratorInfo.Sha256($"{VersionLine}\n{CompileOptimization} {string.Join(' ', TraceFlags(trace))}\n")[..24];
        return Path.Combine(cache.Root, $"verilated-runtime-{key}");
    }

    private static bool CopyRuntime(BuildCache cache, string runtime, string objDir, string[] objects)
    {
        var state = BuildCache.Verify(runtime, full: false);
        if (!state.Exists)
        {
            return false;
        }

        if (state.Damage is { } damage)
        {
            if (BuildCache.RemoveFolder(runtime))
            {
                cache.Notes?.Invoke($"cache entry {runtime} was damaged ({damage}); removed, this build compiles Verilator's runtime afresh");
            }

            return false;
        }

        try
        {
            foreach (var file in objects)
            {
                File.Copy(Path.Combine(runtime, file), Path.Combine(objDir, file), overwrite: true);
            }

            return true;
        }
        catch (IOException ex) when (!BuildCache.IsNoSpace(ex))
        {
            // Removed by another run meanwhile (it found it damaged): compile the objects here instead.
            foreach (var file in objects)
            {
                File.Delete(Path.Combine(objDir, file));
            }

            return false;
        }
    }

    private static void SaveRuntime(BuildCache cache, string objDir, string runtime, string[] objects)
    {
        if (Directory.Exists(runtime) || !objects.All(f => File.Exists(Path.Combine(objDir, f))))
        {
            return;
        }

        using var staging = cache.NewStaging(cache.Root, Path.GetFileName(runtime));
        using var scratch = AttentionLego.Gen.IO.Scratch.Register(staging.Path);
        try
        {
            foreach (var file in objects)
            {
                File.Copy(Path.Combine(objDir, file), Path.Combine(staging.Path, file));
            }

            File.WriteAllText(Path.Combine(staging.Path, BuildCache.StampName),
                BuildCache.StampText(Path.GetFileName(runtime), Guid.NewGuid().ToString("N"), staging.Path, objects));
            Directory.Move(staging.Path, runtime);
        }
        catch (IOException ex) when (!BuildCache.IsNoSpace(ex))
        {
            // Another build saved the same objects first; either copy is as good.
        }
        finally
        {
            BuildCache.RemoveFolder(staging.Path);
        }
    }

    [GeneratedRegex(@"^Verilator (\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}

/// <summary>One module's lint; <paramref name="Note"/> says how it was linted when not in full (a black box).</summary>
public sealed record LintResult(string TopModule, bool Clean, IReadOnlyList<string> Diagnostics, string? Note = null);
