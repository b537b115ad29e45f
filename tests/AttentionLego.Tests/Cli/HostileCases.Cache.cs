using System.Diagnostics;
using System.Text.RegularExpressions;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: the cache is checked, not trusted: damaged entries, crashed simulators, staging leftovers, the build environment.</summary>
public static partial class HostileCases
{
    private const string StandInVersion = "Verilator 5.006 2023-01-22 rev (hostile-input stand-in)";

    /// <summary>A simulator that writes one response and then kills itself with SIGSEGV: no end marker.</summary>
    private const string Segfaults = """
        for a in "$@"; do case "$a" in +trace=*) trace="${a#+trace=}";; esac; done
        printf '5 y_data_o 0001\n' > "$trace"
        echo "stand-in simulator: about to crash" >&2
        kill -SEGV $$
        """;

    /// <summary>A simulator that says why on stderr and exits 3 without a trace.</summary>
    private const string ExitsThree = """
        echo "stand-in simulator: cannot go on" >&2
        exit 3
        """;

    public static void Cache(HostileCatalogueBuilder b)
    {
        string[] Cosim(Sandbox s) => ["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", s.Work];
        (string, string)[] With(Sandbox s, string simulator) => [(VerilatorDriver.OverrideVariable, StandIn(s, simulator))];
        bool CacheAndWork(string p) => p.StartsWith("cache/", StringComparison.Ordinal) || p.StartsWith("work/", StringComparison.Ordinal) || p.StartsWith("tools/", StringComparison.Ordinal);
        const string Replay = "replay with: scripts/attnlego cosim --module softmax --preset tiny --seed 1";

        b.Add("cosim", "cache-simulator-segfaults", "`cosim` on a simulator (stand-in Verilator) that writes one response and kills itself with SIGSEGV",
            ExitCodes.SimulatorCrashed, "died on SIGSEGV (exit status 139) before writing its trace's end marker; this is a tool failure, not a verdict on the RTL.",
            Replay, Cosim, env: s => With(s, Segfaults), mayLeave: CacheAndWork,
            check: (s, run) =>
            {
                Assert.That(run.Err, Does.Contain("stderr: stand-in simulator: about to crash"), "the simulator's last words");
                Assert.That(run.Out + run.Err, Does.Not.Contain("FAIL").And.Not.Contain("missing response"), "never an RTL mismatch");
                Assert.That(run.Err, Does.Contain("look at " + Path.Combine(s.Work, "softmax-")), "the case folder, kept");
                Assert.That(Builds(s), Has.Count.EqualTo(1), "an intact entry is not rebuilt because its simulator crashed");
                return Task.CompletedTask;
            });
        b.Add("cosim", "cache-simulator-exits-nonzero", "`cosim` on a simulator (stand-in) that exits 3 without an end marker",
            ExitCodes.SimulatorCrashed, "exited with status 3 before writing its trace's end marker", Replay, Cosim,
            env: s => With(s, ExitsThree), mayLeave: CacheAndWork,
            check: (_, run) =>
            {
                Assert.That(run.Err, Does.Contain("stderr: stand-in simulator: cannot go on"));
                return Task.CompletedTask;
            });

        // A damaged entry: built by a first run (a real process), damaged on disk, then used. The rebuilt stand-in still
        // crashes, which shows the rebuild happens once and the crash is still a crash.
        b.Add("cosim", "cache-simulator-truncated", "`cosim` with the cached simulator cut to half its size (stand-in Verilator whose simulators exit 3)",
            ExitCodes.SimulatorCrashed, "exited with status 3 before writing its trace's end marker", Replay, Cosim,
            setup: s => Damage(s, ExitsThree, path => File.WriteAllBytes(path, File.ReadAllBytes(path)[..(int)(new FileInfo(path).Length / 2)])),
            env: s => With(s, ExitsThree), mayLeave: CacheAndWork, tools: true,
            check: (s, run) => CheckRebuilt(s, run, "obj_dir/Val_tb_softmax is "));
        b.Add("cosim", "cache-simulator-byte-flipped", "`cosim` with one byte of the cached simulator flipped, size and time kept (stand-in whose simulators exit 3)",
            ExitCodes.SimulatorCrashed, "exited with status 3 before writing its trace's end marker", Replay, Cosim,
            setup: s => Damage(s, ExitsThree, path =>
            {
                var written = File.GetLastWriteTimeUtc(path);
                var bytes = File.ReadAllBytes(path);
                bytes[bytes.Length / 2] ^= 0x20;
                File.WriteAllBytes(path, bytes);
                File.SetLastWriteTimeUtc(path, written);
            }),
            env: s => With(s, ExitsThree), mayLeave: CacheAndWork, tools: true,
            check: (s, run) => CheckRebuilt(s, run, "obj_dir/Val_tb_softmax does not match the SHA-256 recorded when it was built"));
        b.Add("cosim", "cache-simulator-missing", "`cosim` with the cached simulator deleted but its stamp kept (stand-in whose simulators exit 3)",
            ExitCodes.SimulatorCrashed, "exited with status 3 before writing its trace's end marker", Replay, Cosim,
            setup: s => Damage(s, ExitsThree, File.Delete),
            env: s => With(s, ExitsThree), mayLeave: CacheAndWork, tools: true,
            check: (s, run) => CheckRebuilt(s, run, "obj_dir/Val_tb_softmax is missing"));
        b.Add("cosim", "cache-runtime-truncated", "`cosim` after `verilated.o` in `verilated-runtime-*` was cut short (stand-in whose simulators exit 3)",
            ExitCodes.SimulatorCrashed, "exited with status 3 before writing its trace's end marker", Replay, Cosim,
            setup: s =>
            {
                FirstRun(s, ExitsThree);
                // The bench's entry goes, so the next run builds and reaches for the runtime objects.
                Directory.Delete(Directory.GetDirectories(s.Cache, "al_tb_softmax-*").Single(), recursive: true);
                var objects = Path.Combine(Directory.GetDirectories(s.Cache, "verilated-runtime-*").Single(), "verilated.o");
                File.WriteAllBytes(objects, File.ReadAllBytes(objects)[..4]);
            },
            env: s => With(s, ExitsThree), mayLeave: CacheAndWork, tools: true,
            check: (s, run) =>
            {
                var runtime = Directory.GetDirectories(s.Cache, "verilated-runtime-*").Single();
                Assert.That(run.Out, Does.Contain($"cache entry {runtime} was damaged (verilated.o is 4 bytes, "), "the damage is named");
                Assert.That(run.Out, Does.Contain("removed, this build compiles Verilator's runtime afresh"));
                Assert.That(Builds(s)[^1], Does.Not.Contain("--old-file"), "the damaged objects were not reused");
                Assert.That(BuildCache.Verify(runtime, full: true).Damage, Is.Null, "the build saved the fresh objects, with their checksums");
                return Task.CompletedTask;
            });
        b.Add("cosim", "cache-staging-leftover", "`cosim` with a `.staging-*` folder a killed build left in the cache (stand-in whose simulators exit 3)",
            ExitCodes.SimulatorCrashed, "exited with status 3 before writing its trace's end marker", Replay, Cosim,
            setup: s => s.Write("cache/.staging-al_tb_softmax-0123456789abcdef01234567-0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f/obj_dir/main.o", "half a build"),
            env: s => With(s, ExitsThree), mayLeave: CacheAndWork,
            check: (s, run) =>
            {
                var leftover = Path.Combine(s.Cache, ".staging-al_tb_softmax-0123456789abcdef01234567-0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f");
                Assert.That(run.Out, Does.Contain($"removed {leftover}, left behind by a build that was stopped"));
                Assert.That(Directory.GetFileSystemEntries(s.Cache).Select(Path.GetFileName), Has.None.StartsWith("."), "no staging folder, no lock file");
                return Task.CompletedTask;
            });

        // The build environment: the real Verilator, with a PATH that lacks the C++ compiler or make.
        b.Add("cosim", "cache-gxx-missing", "`cosim` (real Verilator) with a `PATH` that has everything but g++ and c++", ExitCodes.ToolMissing,
            "g++ was not found on PATH", "apt-get install g++ make (scripts/setup.sh installs them)", Cosim,
            setup: s => PathWithout(s, "g++", "c++"), env: s => [("PATH", s.Path("tools", "bin"))],
            mayLeave: p => p.StartsWith("tools/", StringComparison.Ordinal),
            check: (s, run) => CheckNothingBuilt(s, run), process: new ProcessOptions());
        b.Add("cosim", "cache-make-missing", "`cosim` (real Verilator) with a `PATH` that has everything but make", ExitCodes.ToolMissing,
            "make was not found on PATH", "apt-get install g++ make (scripts/setup.sh installs them)", Cosim,
            setup: s => PathWithout(s, "make", "gmake"), env: s => [("PATH", s.Path("tools", "bin"))],
            mayLeave: p => p.StartsWith("tools/", StringComparison.Ordinal),
            check: (s, run) => CheckNothingBuilt(s, run), process: new ProcessOptions());

        // A full disk: the cache on a 1 MiB tmpfs, and a build (stand-in) that writes a 2 MB simulator.
        b.Add("cosim", "cache-disk-full", "`cosim --cache-dir` on a 1 MiB tmpfs, the build writing a 2 MB simulator", ExitCodes.OutputError,
            "no space left on device in ", "free space there, or choose another --cache-dir or --work-dir",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Path("disk", "cache"), "--work-dir", s.Work],
            setup: s => SmallDisk.Mount(s.Path("disk"), "1m"),
            env: s => [(VerilatorDriver.OverrideVariable, StandIn(s, ExitsThree, "head -c 2000000 /dev/zero >> \"obj_dir/V$top\" || exit 1"))],
            mayLeave: p => p.StartsWith("disk/", StringComparison.Ordinal) || p.StartsWith("tools/", StringComparison.Ordinal),
            check: (s, run) =>
            {
                try
                {
                    Assert.That(run.Err, Does.Contain($"no space left on device in {s.Path("disk", "cache")} (building al_tb_softmax"), "names the folder");
                    Assert.That(run.Err, Does.Not.Contain("does not compile"), "not blamed on the RTL");
                    Assert.That(Directory.GetFileSystemEntries(s.Path("disk", "cache")), Is.Empty, "the failed build left nothing");
                }
                finally
                {
                    SmallDisk.Unmount(s.Path("disk"));
                }

                return Task.CompletedTask;
            });

        // A simulator that cannot be started (ENOEXEC: no #!, no ELF header) is a crash naming the OS error, not exit 70.
        b.Add("cosim", "cache-simulator-not-a-program", "`cosim` on a simulator (stand-in) that is no program (no `#!`, no ELF header: `Exec format error`)",
            ExitCodes.SimulatorCrashed, "could not be started (Exec format error, errno 8) before writing its trace's end marker", Replay, Cosim,
            env: s => [(VerilatorDriver.OverrideVariable, StandIn(s, ExitsThree, "printf 'not a program\\n' > \"obj_dir/V$top\""))], mayLeave: CacheAndWork,
            check: (s, run) =>
            {
                Assert.That(run.Err, Does.Contain("The cache entry checked intact against its build checksum."), "checked, and not rebuilt");
                Assert.That(Builds(s), Has.Count.EqualTo(1));
                return Task.CompletedTask;
            });

        // A bench that cannot open its stimulus or trace says so and finishes with status 0: no trace is a tool failure, not an RTL that stopped early.
        b.Add("cosim", "cache-simulator-writes-no-trace", "`cosim` on a simulator (stand-in) that says it cannot open its files and exits 0 without a trace",
            ExitCodes.ToolFailed, "wrote no trace: the simulator ", "simulation.log", Cosim,
            env: s => With(s, WritesNoTrace), mayLeave: CacheAndWork,
            check: (_, run) =>
            {
                Assert.That(run.Err, Does.Contain("exited with status 0 and ").And.Contain("trace.txt is missing"));
                Assert.That(run.Err, Does.Contain("output: al_tb_softmax: cannot open the stimulus or trace file"), "what the bench said");
                Assert.That(run.Out + run.Err, Does.Not.Contain("FAIL").And.Not.Contain("missing response"), "never an RTL mismatch");
                return Task.CompletedTask;
            });

        // A full disk under the simulation: the trace is cut short with exit status 0, which would read as an RTL that stopped early.
        b.Add("cosim", "work-disk-full-during-simulation", "`cosim --work-dir` on a 256 KiB tmpfs, the simulator (stand-in) filling it with its trace",
            ExitCodes.OutputError, "no space left on device in ", "free space there, or choose another --cache-dir or --work-dir",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", s.Path("disk", "work")],
            setup: s => SmallDisk.Mount(s.Path("disk"), "256k"),
            env: s => With(s, FillsTheDisk),
            mayLeave: p => p.StartsWith("disk/", StringComparison.Ordinal) || p.StartsWith("cache/", StringComparison.Ordinal) || p.StartsWith("tools/", StringComparison.Ordinal),
            check: (s, run) =>
            {
                try
                {
                    Assert.That(run.Err, Does.Match($@"no space left on device in {Regex.Escape(s.Path("disk", "work"))}/softmax-\w+/seed-1 \(the simulation of softmax seed 1 "),
                        "names the folder and what could not be written");
                    Assert.That(run.Out + run.Err, Does.Not.Contain("FAIL").And.Not.Contain("missing response"), "never an RTL mismatch");
                }
                finally
                {
                    SmallDisk.Unmount(s.Path("disk"));
                }

                return Task.CompletedTask;
            });
    }

    /// <summary>What a bench prints when its $fopen of the stimulus or trace fails, before it $finish-es with status 0.</summary>
    private const string WritesNoTrace = """
        echo "al_tb_softmax: cannot open the stimulus or trace file"
        exit 0
        """;

    /// <summary>A simulator that writes one response and then fills the disk with a line that never ends, and exits 0.</summary>
    private const string FillsTheDisk = """
        for a in "$@"; do case "$a" in +trace=*) trace="${a#+trace=}";; esac; done
        printf '5 y_data_o 0001\n' > "$trace"
        head -c 1000000 /dev/zero | tr '\0' 'a' >> "$trace"
        exit 0
        """;

    /// <summary>
    /// A Verilator stand-in in the sandbox's tools/: it answers --version as 5.006, logs each build's arguments to
    /// tools/builds.log, makes obj_dir/V&lt;top&gt; a shell script running <paramref name="simulator"/>, and leaves small
    /// stand-ins of Verilator's runtime objects (which the cache keeps, as it keeps the real ones).
    /// </summary>
    private static string StandIn(Sandbox s, string simulator, string afterwards = "") => s.Script("verilator", $$"""
        if [ "$1" = "--version" ]; then echo "{{StandInVersion}}"; exit 0; fi
        echo "$*" >> "{{s.Path("tools", "builds.log")}}"
        top=""; prev=""
        for a in "$@"; do [ "$prev" = "--top-module" ] && top="$a"; prev="$a"; done
        mkdir -p obj_dir
        for o in verilated.o verilated.d verilated_threads.o verilated_threads.d; do [ -f "obj_dir/$o" ] || echo "stand-in $o" > "obj_dir/$o"; done
        cat > "obj_dir/V$top" <<'SIMULATOR'
        #!/bin/sh
        {{simulator}}
        SIMULATOR
        chmod +x "obj_dir/V$top"
        {{afterwards}}

        """);

    private static List<string> Builds(Sandbox s) =>
        File.Exists(s.Path("tools", "builds.log")) ? [.. File.ReadAllLines(s.Path("tools", "builds.log")).Where(l => l.Length > 0)] : [];

    /// <summary>A first run, as a real process, that leaves a complete entry (and runtime objects) in the sandbox's cache.</summary>
    private static void FirstRun(Sandbox s, string simulator)
    {
        var run = CliProcess.RunAsync(["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", s.Path("first")],
            new ProcessOptions { WorkingDirectory = s.Cwd, Environment = [(VerilatorDriver.OverrideVariable, StandIn(s, simulator))] }).GetAwaiter().GetResult();
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.SimulatorCrashed), "the first run builds, and its stand-in simulator crashes\n" + run.Out + run.Err);
        Directory.Delete(s.Path("first"), recursive: true);
    }

    /// <summary>A first run, then <paramref name="damage"/> on the entry's simulator.</summary>
    private static void Damage(Sandbox s, string simulator, Action<string> damage)
    {
        FirstRun(s, simulator);
        damage(Path.Combine(Directory.GetDirectories(s.Cache, "al_tb_softmax-*").Single(), "obj_dir", "Val_tb_softmax"));
    }

    /// <summary>The damaged entry was named, removed and built once more, and the new one verifies.</summary>
    private static Task CheckRebuilt(Sandbox s, CliRun run, string why)
    {
        var entry = Directory.GetDirectories(s.Cache, "al_tb_softmax-*").Single();
        Assert.That(run.Out, Does.Contain($"cache entry {entry} was damaged ({why}"), "a line says which entry and why");
        Assert.That(run.Out, Does.Contain("); rebuilt"));
        Assert.That(Builds(s), Has.Count.EqualTo(2), "built by the first run, rebuilt once by this one (not again after the crash)");
        Assert.That(BuildCache.Verify(entry, full: true).Damage, Is.Null, "the rebuilt entry verifies");
        Assert.That(Directory.GetFileSystemEntries(s.Cache).Select(Path.GetFileName), Has.None.StartsWith("."), "no staging folder, no lock file");
        return Task.CompletedTask;
    }

    private static Task CheckNothingBuilt(Sandbox s, CliRun run)
    {
        Assert.That(run.Err, Does.Not.Contain("does not compile"), "not blamed on the RTL");
        Assert.That(Directory.GetFileSystemEntries(s.Cache, "*", SearchOption.AllDirectories), Is.Empty, "nothing left in the cache");
        return Task.CompletedTask;
    }

    /// <summary>tools/bin: a symlink to every program on this PATH except <paramref name="left"/>.</summary>
    private static void PathWithout(Sandbox s, params string[] left)
    {
        var bin = s.Path("tools", "bin");
        Directory.CreateDirectory(bin);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists))
        {
            foreach (var program in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(program);
                var link = Path.Combine(bin, name);
                if (!left.Contains(name) && !left.Any(l => name.StartsWith(l + "-", StringComparison.Ordinal) || name.EndsWith("-" + l, StringComparison.Ordinal))
                    && !File.Exists(link) && !Directory.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }
    }
}

/// <summary>A small tmpfs (root only), unmounted by the test, or when the test process ends by a watcher it starts.</summary>
public static class SmallDisk
{
    public static void Mount(string folder, string size)
    {
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder);
        // If the test dies before it unmounts, this unmounts once the test process is gone.
        using var watcher = Process.Start(new ProcessStartInfo("sh")
        {
            ArgumentList = { "-c", $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; umount -l '{folder}'" },
            UseShellExecute = false,
        });
    }

    public static void Unmount(string folder) => Run("umount", folder);

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error} (the case needs root, as CI and the dev machines have)");
        }
    }
}
