using System.Diagnostics;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// The build cache with the real Verilator (issue 16): a cache and a work folder whose paths have spaces (Verilator's
/// makefile refuses to build there, so the build runs in a space-free folder and moves into place), a damaged simulator
/// and damaged runtime objects rebuilt and passing, and a genuine mismatch that stays a FAIL with a replay command that
/// pastes back into a shell.
/// </summary>
[NonParallelizable]
[Category(Tier.Tools)]
public sealed class BuildCacheCosimTests
{
    private TempFolder _temp = null!;

    /// <summary>The entry the first run built (a failing seed adds a traced entry next to it).</summary>
    private string _entry = null!;

    /// <summary>Its runtime objects (a traced build keeps others next to them).</summary>
    private string _runtime = null!;

    private string Cache => _temp.Combine("a b", "cache dir");

    private string Config => _temp.Combine("my config.json");

    private string[] Cosim(string work, params string[] extra) =>
        ["cosim", "--module", "requant", "--config", Config, "--cache-dir", Cache, "--work-dir", _temp.Combine(work), .. extra];

    [OneTimeSetUp]
    public async Task BuildOnceInAFolderWithSpaces()
    {
        await TestEnvironment.RequireVerilatorAsync();
        _temp = new TempFolder();
        File.WriteAllText(Config, ConfigJson.Serialize(Presets.Tiny));
        var run = await Attnlego(Cosim("w 1"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Err);
        Assert.That(run.Out, Does.Contain("1 passed, 0 failed; built in"));
        _entry = Directory.GetDirectories(Cache, "al_tb_requant-*").Single();
        _runtime = Directory.GetDirectories(Cache, "verilated-runtime-*").Single();
    }

    [OneTimeTearDown]
    public void Remove() => _temp?.Dispose();

    /// <summary>
    /// A bench reads its +stim= and +trace= paths into 1,024-character registers: the simulator gets them relative to the
    /// case folder, its working folder, so a work folder of any depth co-simulates (it once cut the path and read nothing).
    /// </summary>
    [Test]
    public async Task A_work_folder_deeper_than_a_bench_path_register_co_simulates()
    {
        var deep = Path.Combine([.. Enumerable.Range(0, 12).Select(i => $"level-{i}-" + new string('d', 90))]);
        var run = await Attnlego(Cosim(deep, "--seeds", "2"));
        Assert.That(_temp.Combine(deep).Length, Is.GreaterThan(1100));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Err);
        Assert.That(run.Out, Does.Contain("2 passed, 0 failed"));
    }

    [Test]
    public async Task A_cache_and_a_work_folder_with_spaces_build_pass_and_are_reused()
    {
        var again = await Attnlego(Cosim("w 2"));
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.Out + again.Err);
        Assert.That(again.Out, Does.Contain("1 passed, 0 failed; build cached"));
        Assert.That(BuildCache.Verify(_entry, full: true).Damage, Is.Null);
        Assert.That(Directory.GetFileSystemEntries(Cache).Select(Path.GetFileName), Has.None.StartsWith("."), "no staging folder, no lock file");
    }

    [Test]
    public async Task A_genuine_mismatch_is_still_a_fail_and_its_replay_command_quotes_the_paths_with_spaces()
    {
        var run = await Attnlego(Cosim("w 3", "--inject-fault", "out_data_o"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed), "an RTL verdict, not a tool failure");
        Assert.That(run.Out, Does.Contain("seed 1: FAIL value mismatch"));
        var replay = run.Out.Split('\n').Single(l => l.TrimStart().StartsWith("replay: ", StringComparison.Ordinal)).Trim()["replay: ".Length..];
        Assert.That(replay, Does.Contain($"--config '{Config}'"));
        // The words a shell makes of the printed command are the words that ran.
        Assert.That(ShellWords(replay), Is.EqualTo(new[] { "scripts/attnlego", "cosim", "--module", "requant", "--config", Config, "--seed", "1", "--inject-fault", "out_data_o" }));
    }

    [Test]
    public async Task A_truncated_simulator_and_truncated_runtime_objects_are_rebuilt_and_the_seed_passes()
    {
        // A copy of the cache, damaged: the simulator cut to half, verilated.o cut to 100 bytes.
        var cache = _temp.Combine("damaged cache");
        Copy(Cache, cache);
        var entry = Path.Combine(cache, Path.GetFileName(_entry));
        var simulator = Path.Combine(entry, "obj_dir", "Val_tb_requant");
        File.WriteAllBytes(simulator, File.ReadAllBytes(simulator)[..(int)(new FileInfo(simulator).Length / 2)]);
        var runtime = Path.Combine(cache, Path.GetFileName(_runtime));
        File.WriteAllBytes(Path.Combine(runtime, "verilated.o"), File.ReadAllBytes(Path.Combine(runtime, "verilated.o"))[..100]);

        var run = await Attnlego(["cosim", "--module", "requant", "--config", Config, "--cache-dir", cache, "--work-dir", _temp.Combine("w 4")]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Err);
        Assert.That(run.Out, Does.Contain($"cache entry {runtime} was damaged (verilated.o is 100 bytes, "));
        Assert.That(run.Out, Does.Contain($"cache entry {entry} was damaged (obj_dir/Val_tb_requant is "));
        Assert.That(run.Out, Does.Contain("1 passed, 0 failed; built in"));
        Assert.That(BuildCache.Verify(entry, full: true).Damage, Is.Null);
        Assert.That(BuildCache.Verify(runtime, full: true).Damage, Is.Null, "the fresh runtime objects are saved again");
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    /// <summary>The words sh makes of <paramref name="command"/>.</summary>
    private static string[] ShellWords(string command)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s\\n' " + command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.TrimEnd('\n').Split('\n');
    }
}
