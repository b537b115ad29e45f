using System.Collections.Concurrent;
using AttentionLego.Cli;
using AttentionLego.Cosim;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.IO;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// The build cache checks what it reuses (issue 16): a checksum per entry, damaged entries rebuilt once with a line,
/// leftovers of killed builds removed, one build per key across processes, and build failures that are the machine's
/// named as such. These tests build with small stand-ins, not Verilator; BuildCacheCosimTests builds for real.
/// </summary>
[NonParallelizable] // one test sets ATTNLEGO_VERILATOR, which the whole process sees
public sealed class BuildCacheTests
{
    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// A Verilator 5.006 stand-in in <paramref name="folder"/> whose "build" writes <paramref name="simulator"/> (a shell
    /// script, as printf's format: \n for a line break) as the bench's simulator; <paramref name="beforeBuild"/> runs first.
    /// </summary>
    private static string StandInVerilator(string folder, string simulator, string beforeBuild = "")
    {
        var verilator = Path.Combine(folder, "verilator");
        File.WriteAllText(verilator, $$"""
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "Verilator 5.006 2023-01-22 rev (stand-in)"; exit 0; fi
            {{beforeBuild}}
            top=""; prev=""
            for a in "$@"; do [ "$prev" = "--top-module" ] && top="$a"; prev="$a"; done
            mkdir -p obj_dir
            printf '{{simulator}}' > "obj_dir/V$top"
            chmod +x "obj_dir/V$top"

            """);
        MakeExecutable(verilator);
        return verilator;
    }

    private static Func<string, Task> WriteSimulator(string text, Action? counted = null) => staging =>
    {
        counted?.Invoke();
        Directory.CreateDirectory(Path.Combine(staging, "obj_dir"));
        File.WriteAllText(Path.Combine(staging, "obj_dir", "Vtop"), text);
        return Task.CompletedTask;
    };

    [Test]
    public async Task An_entry_records_the_checksum_of_its_simulator_and_is_reused_while_it_verifies()
    {
        using var temp = new TempFolder();
        var cache = new BuildCache(temp.Combine("cache"));
        var builds = 0;
        var first = await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator", () => builds++), CancellationToken.None);
        var second = await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator", () => builds++), CancellationToken.None);

        var stamp = File.ReadAllText(Path.Combine(cache.EntryPath("k1", "top"), BuildCache.StampName));
        Assert.That(stamp, Does.Contain($"file {BuildCache.Sha256File(first.Executable)} 9 obj_dir/Vtop\n"));
        Assert.That((first.Cached, second.Cached, builds), Is.EqualTo((false, true, 1)));
        Assert.That(second.BuildId, Is.EqualTo(first.BuildId).And.Not.Null);
        Assert.That(Directory.GetFileSystemEntries(cache.Root).Select(Path.GetFileName), Is.EquivalentTo(new[] { "top-k1" }), "no staging folder, no lock file");
    }

    [TestCase("truncated", "obj_dir/Vtop is 4 bytes, 9 when it was built")]
    [TestCase("byte-flipped", "obj_dir/Vtop does not match the SHA-256 recorded when it was built")]
    [TestCase("missing", "obj_dir/Vtop is missing")]
    [TestCase("stamp-missing", "build.ok is missing")]
    [TestCase("stamp-of-an-older-attnlego", "build.ok records no checksum")]
    public async Task A_damaged_entry_is_removed_and_rebuilt_once_with_a_line_that_says_why(string damage, string why)
    {
        using var temp = new TempFolder();
        var notes = new ConcurrentQueue<string>();
        var built = await new BuildCache(temp.Combine("cache")).GetOrBuildAsync("k1", "top", WriteSimulator("simulator"), CancellationToken.None);
        var entry = Path.GetDirectoryName(Path.GetDirectoryName(built.Executable))!;
        switch (damage)
        {
            case "truncated":
                File.WriteAllText(built.Executable, "simu");
                break;
            case "byte-flipped":
                File.WriteAllText(built.Executable, "simuLator");
                break;
            case "missing":
                File.Delete(built.Executable);
                break;
            case "stamp-missing":
                File.Delete(Path.Combine(entry, BuildCache.StampName));
                break;
            default:
                File.WriteAllText(Path.Combine(entry, BuildCache.StampName), "k1\n");
                break;
        }

        var builds = 0;
        var cache = new BuildCache(temp.Combine("cache"), notes.Enqueue);
        var again = await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator", () => builds++), CancellationToken.None);

        Assert.That(again.Cached, Is.False);
        Assert.That(builds, Is.EqualTo(1));
        Assert.That(notes, Has.Count.EqualTo(1));
        Assert.That(notes.Single(), Does.StartWith($"cache entry {entry} was damaged ({why}").And.EndWith("); rebuilt"));
        Assert.That(File.ReadAllText(again.Executable), Is.EqualTo("simulator"));
        Assert.That(BuildCache.Verify(entry, full: true).Damage, Is.Null);
    }

    [Test]
    public async Task A_flip_that_keeps_size_and_time_is_seen_by_the_full_check_a_crash_asks_for()
    {
        using var temp = new TempFolder();
        var cache = new BuildCache(temp.Combine("cache"));
        var built = await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator"), CancellationToken.None);
        var entry = Path.GetDirectoryName(Path.GetDirectoryName(built.Executable))!;
        Assert.That(BuildCache.Verify(entry, full: false).Damage, Is.Null, "hashed once in this process");
        Assert.That(cache.Suspect(built), Is.Null, "an intact entry: a crash on it is the simulator's own");

        var written = File.GetLastWriteTimeUtc(built.Executable);
        File.WriteAllText(built.Executable, "simuLator");
        File.SetLastWriteTimeUtc(built.Executable, written);

        Assert.That(BuildCache.Verify(entry, full: false).Damage, Is.Null, "the quick check trusts size and time once hashed (documented)");
        Assert.That(cache.Suspect(built), Is.EqualTo("obj_dir/Vtop does not match the SHA-256 recorded when it was built"));
        Assert.That(BuildCache.Verify(entry, full: false).Damage, Is.Not.Null, "once suspect, the next check hashes again");
    }

    [Test]
    public async Task A_crash_on_an_entry_built_again_since_is_worth_a_rerun()
    {
        using var temp = new TempFolder();
        var cache = new BuildCache(temp.Combine("cache"));
        var old = await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator"), CancellationToken.None);
        BuildCache.RemoveFolder(cache.EntryPath("k1", "top"));
        await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator"), CancellationToken.None);
        Assert.That(cache.Suspect(old), Is.EqualTo("it was built again by another run"));
    }

    [Test]
    public async Task A_staging_folder_whose_build_is_gone_is_removed_with_a_line_and_a_live_one_is_kept()
    {
        using var temp = new TempFolder();
        var notes = new ConcurrentQueue<string>();
        var cache = new BuildCache(temp.Combine("cache"), notes.Enqueue);
        var stale = Directory.CreateDirectory(Path.Combine(cache.Root, ".staging-top-k0-1111")).FullName;
        File.WriteAllText(Path.Combine(stale, "half.o"), "x");
        using var live = cache.NewStaging(cache.Root, "other-k9");
        var old = Directory.CreateDirectory(Path.Combine(cache.Root, "verilated-runtime-abc.staging-2222")).FullName;

        await cache.GetOrBuildAsync("k1", "top", WriteSimulator("simulator"), CancellationToken.None);

        Assert.That(Directory.Exists(stale), Is.False);
        Assert.That(Directory.Exists(old), Is.False, "what an attnlego before issue 16 left");
        Assert.That(Directory.Exists(live.Path), Is.True, "a build that holds its folder keeps it");
        Assert.That(notes, Does.Contain($"removed {stale}, left behind by a build that was stopped"));
    }

    [Test]
    public async Task A_build_in_progress_is_registered_as_scratch_and_a_failed_one_leaves_nothing()
    {
        using var temp = new TempFolder();
        var cache = new BuildCache(temp.Combine("cache"));
        var seen = new List<string>();
        var failure = await Assert.ThrowsAsync<ToolException>(() => cache.GetOrBuildAsync("k1", "top", staging =>
        {
            seen.AddRange(Scratch.Registered.Where(p => p.StartsWith(cache.Root, StringComparison.Ordinal)));
            throw new ToolException(ToolFailure.Failed, "stand-in build failure");
        }, CancellationToken.None));

        Assert.That(failure!.Message, Is.EqualTo("stand-in build failure"));
        Assert.That(seen, Has.One.Contains("/.staging-top-k1-"), "the staging folder is scratch while it is built");
        Assert.That(Scratch.Registered.Where(p => p.StartsWith(cache.Root, StringComparison.Ordinal)), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(cache.Root), Is.Empty, "no staging folder and no lock file left");
    }

    [Test]
    public void A_cache_path_make_cannot_handle_builds_in_a_temporary_folder_and_moves_the_result_into_place()
    {
        using var temp = new TempFolder();
        var cache = new BuildCache(temp.Combine("a b", "cache"));
        string? where = null;
        var built = cache.GetOrBuildAsync("k1", "top", staging =>
        {
            where = staging;
            return WriteSimulator("simulator")(staging);
        }, CancellationToken.None).GetAwaiter().GetResult();

        Assert.That(BuildCache.MakeSafe(where!), Is.True, where);
        Assert.That(where, Does.Not.StartWith(cache.Root));
        Assert.That(Directory.Exists(where), Is.False, "the temporary build folder is gone");
        Assert.That(File.ReadAllText(built.Executable), Is.EqualTo("simulator"));
        Assert.That(built.Executable, Does.StartWith(cache.Root));
        Assert.That(BuildCache.MakeSafe("/tmp/a b"), Is.False);
        Assert.That(BuildCache.MakeSafe("/tmp/ab/al_tb_top-0123"), Is.True);
    }

    [Test]
    public void Build_logs_that_blame_the_machine_are_named_so_and_a_compile_error_is_not()
    {
        var cache = new BuildCache("/tmp/cache-x");
        const string staging = "/tmp/cache-x/.staging-al_tb_softmax-k-1";
        // The logs as Verilator 5.006 and g++ 12 print them on this machine (PATH without g++, PATH without make, a full disk).
        var gxx = cache.EnvironmentFailure(
            "make: Entering directory '/tmp/exp/obj_dir'\ng++  -I.  -MMD -c -o main.o ../main.cpp\nmake: g++: No such file or directory\nmake: *** [Vt.mk:61: main.o] Error 127\n",
            staging, "al_tb_softmax");
        var make = cache.EnvironmentFailure("sh: 1: make: not found\n%Error: make -C obj_dir -f Vt.mk -j 2 exited with 127\n", staging, "al_tb_softmax");
        var full = cache.EnvironmentFailure(
            "/usr/bin/ld: final link failed: No space left on device\ncollect2: error: ld returned 1 exit status\n", staging, "al_tb_softmax");
        var disk = cache.EnvironmentFailure($"%Error: Cannot write {staging}/obj_dir/Vx.cpp: No space left on device\n", staging, "al_tb_softmax");
        var temporary = cache.EnvironmentFailure(
            $"{Path.GetTempPath()}ccAbCd.s: Fatal error: can't write 4 bytes to section .text of {Path.GetTempPath()}ccAbCd.o: 'No space left on device'\n", staging, "x");

        Assert.That(gxx, Is.TypeOf<ToolException>().And.Property("Failure").EqualTo(ToolFailure.Missing));
        Assert.That(gxx!.Message, Does.StartWith("g++ could not be run by the build of al_tb_softmax (\"make: g++: No such file or directory\")").And.Contain("apt-get install g++ make"));
        Assert.That(make!.Message, Does.StartWith("make could not be run by the build of al_tb_softmax (\"sh: 1: make: not found\")"));
        Assert.That(full, Is.TypeOf<OutputException>());
        Assert.That(full!.Message, Does.StartWith("no space left on device in /tmp/cache-x (building al_tb_softmax: /usr/bin/ld: final link failed"),
            "a path outside the build (ld itself) does not stand for the folder");
        Assert.That(disk!.Message, Does.StartWith("no space left on device in /tmp/cache-x (").And.EndWith("choose another --cache-dir or --work-dir."));
        Assert.That(temporary!.Message, Does.Contain("set TMPDIR"));
        Assert.That(cache.EnvironmentFailure("%Error: al_softmax.v:1:1: syntax error\n", staging, "x"), Is.Null, "a compile error stays the RTL's");
    }

    [TestCase(139, "died on SIGSEGV (exit status 139)")]
    [TestCase(134, "died on SIGABRT (exit status 134)")]
    [TestCase(137, "died on SIGKILL (exit status 137)")]
    [TestCase(3, "exited with status 3")]
    [TestCase(1, "exited with status 1")]
    public void A_simulators_exit_status_is_told_with_its_signal(int exit, string told) =>
        Assert.That(CosimRunner.DescribeExit(exit), Is.EqualTo(told));

    /// <summary>
    /// A simulator whose cache entry is damaged while a run uses it (here: same size and time, so the quick check passes):
    /// it crashes, the full check finds the damage, the entry is rebuilt and the seed runs again, and the verdict is the
    /// rerun's (here an RTL verdict: the healthy stand-in finishes without a response).
    /// </summary>
    [Test]
    public Task A_crash_on_an_entry_damaged_while_in_use_rebuilds_it_and_runs_the_seed_again() =>
        WithStandIn(Healthy, async (runner, prepared, notes) =>
        {
            var healthy = await runner.RunSeedAsync(prepared, 1);
            Assert.That(healthy.Score.FirstMismatch!.Kind, Is.EqualTo("missing response"), "the healthy stand-in: an RTL verdict");

            var exe = prepared.Build.Executable;
            var size = new FileInfo(exe).Length;
            var written = File.GetLastWriteTimeUtc(exe);
            File.WriteAllText(exe, "#!/bin/sh\nexit 3\n".PadRight((int)size - 1, '#') + "\n");
            File.SetLastWriteTimeUtc(exe, written);

            var rerun = await runner.RunSeedAsync(prepared, 1);
            Assert.That(rerun.Score.FirstMismatch!.Kind, Is.EqualTo("missing response"), "the rerun's verdict, on the rebuilt simulator");
            Assert.That(notes, Has.Some.StartWith($"cache entry {Path.GetDirectoryName(Path.GetDirectoryName(exe))} was damaged (obj_dir/Val_tb_requant does not match"));
            Assert.That(notes, Has.Some.StartWith("seed 1: the simulator exited with status 3, and its cache entry obj_dir/Val_tb_requant does not match"));
        });

    /// <summary>
    /// Runs <paramref name="test"/> with a stand-in Verilator whose simulators are <paramref name="simulator"/>: a runner on
    /// a fresh cache (its notes in the queue it is given) and the requant bench of tiny, prepared (built).
    /// </summary>
    private static async Task WithStandIn(string simulator, Func<CosimRunner, PreparedCosim, ConcurrentQueue<string>, Task> test)
    {
        using var temp = new TempFolder();
        var verilator = StandInVerilator(temp.Path, simulator);
        var old = Environment.GetEnvironmentVariable(VerilatorDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(VerilatorDriver.OverrideVariable, verilator);
        try
        {
            var notes = new ConcurrentQueue<string>();
            var runner = await CosimRunner.LocateAsync(new CosimSettings { CacheRoot = temp.Combine("cache"), WorkRoot = temp.Combine("work"), Notes = notes.Enqueue });
            var prepared = await runner.PrepareAsync(new CosimRequest(AttentionLego.Gen.Config.ConfigSource.FromPreset("tiny"), "requant"));
            await test(runner, prepared, notes);
        }
        finally
        {
            Environment.SetEnvironmentVariable(VerilatorDriver.OverrideVariable, old);
        }
    }

    private const string Healthy = """#!/bin/sh\nfor a in "$@"; do case "$a" in +trace=*) t="${a#+trace=}";; esac; done\nprintf "0 end\\n" > "$t"\n""";

    /// <summary>
    /// Another run's rebuild moved the entry away between this run's build and its simulation: the simulator cannot be
    /// started (ENOENT), which is a failed run like a crash: the entry is checked, built again, and the seed runs on it.
    /// </summary>
    [Test]
    public Task A_simulator_whose_entry_was_moved_away_is_rebuilt_and_the_seed_runs_again() => WithStandIn(Healthy, async (runner, prepared, notes) =>
    {
        BuildCache.RemoveFolder(Path.GetDirectoryName(Path.GetDirectoryName(prepared.Build.Executable))!);

        var result = await runner.RunSeedAsync(prepared, 1);

        Assert.That(result.Score.FirstMismatch!.Kind, Is.EqualTo("missing response"), "the rerun's verdict, on the rebuilt simulator");
        Assert.That(notes, Has.Some.Match(@"^seed 1: the simulator could not be started \(.*No such file or directory.*\), and its cache entry it was removed; ran it again on the rebuilt build$"));
    });

    /// <summary>A simulator that is no program (a truncated ELF header: ENOEXEC) on an intact entry: a crash naming the OS error, exit 8, not exit 70.</summary>
    [Test]
    public Task A_simulator_that_cannot_be_executed_is_a_crash_naming_the_os_error() => WithStandIn("not a program\n", async (runner, prepared, notes) =>
    {
        var ex = (await Assert.ThrowsAsync<ToolException>(() => runner.RunSeedAsync(prepared, 1)))!;
        TestContext.Out.WriteLine(ex.Message);

        Assert.That(ex.Failure, Is.EqualTo(ToolFailure.Crashed));
        Assert.That(ex.Message, Does.StartWith($"the simulation of requant seed 1 crashed: the simulator {prepared.Build.Executable} could not be started ("));
        Assert.That(ex.Message, Does.Contain("Exec format error").And.Contain("The cache entry checked intact against its build checksum."));
        Assert.That(notes, Has.None.Contain("ran it again"), "an intact entry is not rebuilt");
    });

    /// <summary>
    /// A bench that cannot open its stimulus or trace (EACCES, EMFILE, no inodes) says so and finishes with status 0,
    /// leaving no trace: a tool failure naming simulation.log, never "missing response ... the simulation stopped early".
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public Task A_simulator_that_exits_zero_without_a_trace_is_a_tool_failure_not_a_mismatch(bool emptyFile) => WithStandIn(
        (emptyFile ? """#!/bin/sh\nfor a in "$@"; do case "$a" in +trace=*) t="${a#+trace=}";; esac; done\n: > "$t"\n""" : "#!/bin/sh\n") +
        "echo \"al_tb_requant: cannot open the stimulus or trace file\"\nexit 0\n", async (runner, prepared, notes) =>
        {
            var ex = (await Assert.ThrowsAsync<ToolException>(() => runner.RunSeedAsync(prepared, 1)))!;
            TestContext.Out.WriteLine(ex.Message);

            Assert.That(ex.Failure, Is.EqualTo(ToolFailure.Failed));
            Assert.That(ex.Message, Does.StartWith($"the simulation of requant seed 1 wrote no trace: the simulator {prepared.Build.Executable} exited with status 0 and "));
            Assert.That(ex.Message, Does.Contain(emptyFile ? "trace.txt holds no complete line" : "trace.txt is missing"));
            Assert.That(ex.Message, Does.Contain("output: al_tb_requant: cannot open the stimulus or trace file").And.Contain("simulation.log"));
            Assert.That(ex.Message, Does.Not.Contain("missing response"));
            Assert.That(notes, Has.None.Contain("ran it again"), "an intact entry is not rebuilt");
        });

    /// <summary>
    /// Once a crash rebuilt the entry, the runner runs on and checks against the rebuilt one: a later genuine crash is
    /// told as one, not taken for an entry "built again by another run" and rebuilt or fetched and rerun once more.
    /// </summary>
    [Test]
    public Task After_a_rebuild_a_genuine_crash_is_not_rerun() => WithStandIn("""#!/bin/sh\necho "stand-in: crash" >&2\nexit 3\n""", async (runner, prepared, notes) =>
    {
        var exe = prepared.Build.Executable;
        var size = new FileInfo(exe).Length;
        File.WriteAllText(exe, "#!/bin/sh\nexit 4\n".PadRight((int)size - 1, '#') + "\n");

        var first = (await Assert.ThrowsAsync<ToolException>(() => runner.RunSeedAsync(prepared, 1)))!;
        Assert.That(first.Message, Does.Contain("exited with status 3 before writing its trace's end marker, also after a rerun (its cache entry obj_dir/Val_tb_requant does not match"));
        var second = (await Assert.ThrowsAsync<ToolException>(() => runner.RunSeedAsync(prepared, 2)))!;
        TestContext.Out.WriteLine(second.Message);

        Assert.That(second.Failure, Is.EqualTo(ToolFailure.Crashed));
        Assert.That(second.Message, Does.Contain("exited with status 3 before writing its trace's end marker; this is a tool failure"), "no rerun");
        Assert.That(second.Message, Does.Contain("The cache entry checked intact against its build checksum."));
        Assert.That(notes.Where(n => n.Contains("ran it again", StringComparison.Ordinal)), Has.Exactly(1).StartWith("seed 1: "), "one rerun, for the damaged entry");
    });

    /// <summary>
    /// The traced build that dumps the waves of a failing case crashes on an entry that is damaged meanwhile (here the
    /// simulator damages itself): the waves' error says what the check of that entry found, not that it checked intact.
    /// </summary>
    [Test]
    public Task A_crash_of_the_wave_dump_on_a_damaged_entry_does_not_claim_the_entry_is_intact() => WithStandIn(
        """#!/bin/sh\nfor a in "$@"; do case "$a" in +trace=*) t="${a#+trace=}";; +waves=*) w=1;; esac; done\nif [ -n "$w" ]; then echo "# damaged" >> "$0"; exit 3; fi\nprintf "0 end\\n" > "$t"\n""",
        async (runner, prepared, _) =>
        {
            var result = await runner.RunSeedAsync(prepared, 1);
            TestContext.Out.WriteLine(result.WaveError);

            Assert.That(result.Score.FirstMismatch!.Kind, Is.EqualTo("missing response"), "the verdict stands");
            Assert.That(result.WaveError, Does.StartWith("no waves: the simulation of requant seed 1 crashed: "));
            Assert.That(result.WaveError, Does.Contain("Its cache entry obj_dir/Val_tb_requant is ").And.Contain("the next run that dumps waves builds it again."));
            Assert.That(result.WaveError, Does.Not.Contain("checked intact"));
        });

    [Category(Tier.Tools)]
    [Test]
    public async Task In_a_regression_a_crashed_simulator_is_an_error_of_its_own_kind_never_a_failure()
    {
        using var temp = new TempFolder();
        var verilator = StandInVerilator(temp.Path, """#!/bin/sh\necho "stand-in: segfault" >&2\nkill -SEGV $$\n""");
        var matrix = temp.Combine("m.json");
        File.WriteAllText(matrix, """{ "entries": [ { "preset": "tiny", "modules": ["requant"], "seeds": [1, 2] } ] }""");
        var old = Environment.GetEnvironmentVariable(VerilatorDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(VerilatorDriver.OverrideVariable, verilator);
        try
        {
            var run = await CliRunner.Attnlego("regress", "--matrix", matrix, "--out", temp.Combine("out"), "--cache-dir", temp.Combine("cache"), "-j", "2");
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
            Assert.That(run.Out, Does.Match(@"ERROR \S+/requant/seed-1 .*: the simulation of requant seed 1 crashed: .* died on SIGSEGV \(exit status 139\)"));
            Assert.That(run.Out, Does.Contain("stderr: stand-in: segfault"));
            Assert.That(run.Out, Does.Not.Contain("FAIL ").And.Not.Contain("missing response"));
            var junit = File.ReadAllText(temp.Combine("out", "junit.xml"));
            Assert.That(junit, Does.Contain("type=\"simulator crashed\"").And.Contain("errors=\"2\"").And.Contain("failures=\"0\""));
        }
        finally
        {
            Environment.SetEnvironmentVariable(VerilatorDriver.OverrideVariable, old);
        }
    }

    /// <summary>
    /// Two real processes want one cache key at once: the first builds (a stand-in that takes 3 s), the second waits for
    /// it, says whom it waits for, and reuses the build: one build in all.
    /// </summary>
    [Category(Tier.Tools)]
    [Test]
    public async Task Two_processes_that_need_one_build_at_once_build_it_once_and_the_second_says_it_waits()
    {
        using var temp = new TempFolder();
        var log = temp.Combine("builds.log");
        var go = temp.Combine("go"); // the build waits for it: made once the second process says it waits (or after 60 s)
        var verilator = StandInVerilator(temp.Path, """#!/bin/sh\necho "stand-in: no trace" >&2\nexit 3\n""", $$"""
            echo "$$" >> "{{log}}"
            i=0; while [ ! -f "{{go}}" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
            """);
        var options = new ProcessOptions { WorkingDirectory = temp.Path, Environment = [(VerilatorDriver.OverrideVariable, verilator)] };
        string[] Args(string work) => ["cosim", "--module", "requant", "--cache-dir", temp.Combine("cache"), "--work-dir", temp.Combine(work)];

        var first = CliProcess.RunAsync(Args("w1"), options);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(log) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // The second process's output is watched through the signal hook, which never fires: it only lets the build go on.
        var second = CliProcess.RunAsync(Args("w2"), options with
        {
            Signal = System.Runtime.InteropServices.PosixSignal.SIGHUP,
            When = (_, output) =>
            {
                if (output.Contains("waiting for", StringComparison.Ordinal))
                {
                    File.WriteAllText(go, "");
                }

                return false;
            },
        });
        var runs = await Task.WhenAll(first, second);

        Assert.That(File.ReadAllLines(log), Has.Length.EqualTo(1), "one build");
        Assert.That(File.Exists(go), Is.True, "the build went on because the second process said it waits, not after the 60 s fallback");
        Assert.That(runs.Select(r => r.ExitCode), Is.All.EqualTo(ExitCodes.SimulatorCrashed), "both ran the one simulator (which crashes)");
        Assert.That(runs[1].Out, Does.Match(@"waiting for pid \d+, which is building .*/cache/al_tb_requant-[0-9a-f]{24}\n"));
        Assert.That(Directory.GetFileSystemEntries(temp.Combine("cache")).Select(Path.GetFileName), Has.None.StartsWith("."), "no staging folder, no lock file");
    }
}
