using AttentionLego.Cosim;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim.WaveDumps;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.IO;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>Every co-simulation case owns its folder (issue 16): another live run's folder is never cleared, reused or removed.</summary>
[Category(Tier.Tools)]
public sealed class CaseFolderTests
{
    private static readonly string SeedOneName = $"softmax-{ConfigHash.Of(Presets.Tiny)}";

    private static async Task<CosimRunner> Runner(string work, bool keep) =>
        new(await TestEnvironment.RequireVerilatorAsync(), new CosimSettings
        {
            CacheRoot = TestEnvironment.CacheRoot,
            WorkRoot = work,
            KeepPassing = keep,
            Waves = WaveSettings.Never,
        });

    [Test]
    public async Task A_case_folder_another_live_run_holds_is_not_touched_and_the_case_takes_the_next_free_name()
    {
        using var temp = new TempFolder();
        var work = temp.Combine("work");
        var seedOne = Directory.CreateDirectory(Path.Combine(work, SeedOneName, "seed-1")).FullName;
        File.WriteAllText(Path.Combine(seedOne, "stimulus.txt"), "another run's stimulus");
        var request = new CosimRequest(ConfigSource.FromPreset("tiny"), "softmax");
        using (FolderHolder.Start(seedOne))
        {
            var kept = await (await Runner(work, keep: true)).RunAsync(request);
            Assert.That(kept.Passed, Is.True);
            Assert.That(kept.Cases[0].WorkDir, Is.EqualTo(seedOne + ".2"), "the next free name");
            Assert.That(File.Exists(Path.Combine(seedOne + ".2", "trace.txt")), Is.True, "the case's own artifacts are where it says");

            var removed = await (await Runner(work, keep: false)).RunAsync(request);
            Assert.That(removed.Cases[0].WorkDir, Is.EqualTo(seedOne + ".2"), "free again once the run that kept it ended: reused, as one after another");
            Assert.That(Directory.Exists(seedOne + ".2"), Is.False, "a passing case's owner removes its folder");
            Assert.That(File.ReadAllText(Path.Combine(seedOne, "stimulus.txt")), Is.EqualTo("another run's stimulus"), "the held folder was never touched");
        }

        var after = await (await Runner(work, keep: true)).RunAsync(request);
        Assert.That(after.Cases[0].WorkDir, Is.EqualTo(seedOne), "once its holder is gone, seed-1 is free: a re-run replaces what an ended run left");
        Assert.That(File.ReadAllText(Path.Combine(seedOne, "stimulus.txt")), Is.Not.EqualTo("another run's stimulus"));
    }

    [Test]
    public async Task A_failing_case_keeps_its_folder_held_until_the_whole_run_ends()
    {
        using var temp = new TempFolder();
        var work = temp.Combine("work");
        var request = new CosimRequest(ConfigSource.FromPreset("tiny"), "softmax", 1, 2) { Fault = ExpectedFault.Parse("p_data_o") };
        var heldDuringRun = new List<bool>();
        var result = await (await Runner(work, keep: false)).RunAsync(request, c =>
        {
            using var probe = OwnedFolder.TryClaim(c.WorkDir, out _);
            heldDuringRun.Add(probe is null);
        });

        Assert.That(result.Cases.Select(c => c.Passed), Is.EqualTo(new[] { false, false }), "the injected fault fails both seeds");
        Assert.That(heldDuringRun, Is.EqualTo(new[] { true, true }), "a failing case's folder is held while the run goes on: its artifacts line stays true");
        foreach (var c in result.Cases)
        {
            Assert.That(File.Exists(Path.Combine(c.WorkDir, "stimulus.txt")), Is.True);
            using var free = OwnedFolder.TryClaim(c.WorkDir, out _);
            Assert.That(free, Is.Not.Null, "let go when the run ended");
        }

        Assert.That(Scratch.Registered.Where(p => p.StartsWith(temp.Path, StringComparison.Ordinal)), Is.Empty, "a case with its verdict is complete, not scratch");
    }
}
