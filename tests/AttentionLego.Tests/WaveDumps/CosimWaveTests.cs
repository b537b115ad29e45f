using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim.Waves;
using AttentionLego.Cosim.WaveDumps;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.WaveDumps;

/// <summary>
/// Waves from co-simulation: Verilator's dumps, the golden model's expected waves with the same names, the overlay and
/// GTKWave save file, and `wave diff` on them, for passing cases and for a deliberately failing one.
/// </summary>
[Category(Tier.Tools)]
public sealed class CosimWaveTests
{
    private static IEnumerable<TestCaseData> Benches() =>
        new[] { "pim_macro", "pim_matrix", "requant", "qkv", "score", "softmax", "context", "top", "dma" }
            .Select(m => new TestCaseData("tiny", m).SetArgDisplayNames(m))
            .Append(new TestCaseData("tiny-mha4", "array").SetArgDisplayNames("array-tiny-mha4"));

    /// <summary>On a passing case the golden waves equal the RTL's on every probed port, cycle by cycle.</summary>
    [TestCaseSource(nameof(Benches))]
    public async Task Golden_waves_of_a_passing_case_equal_the_RTL_waves(string preset, string module)
    {
        using var temp = new TempFolder();
        var request = new CosimRequest(ConfigSource.FromPreset(preset), module, 1, 1, module is "top" or "array" ? new TopOptions(2) : null);
        TestContext.Out.WriteLine("replay: " + request.ReplayCommand(1) + " --waves always");
        var runner = new CosimRunner(await TestEnvironment.RequireVerilatorAsync(), new CosimSettings
        {
            CacheRoot = TestEnvironment.CacheRoot,
            WorkRoot = temp.Combine("work"),
            Waves = new WaveSettings(WaveMode.Always),
        });
        var result = await runner.RunAsync(request);
        var c = result.Cases.Single();
        Assert.That(c.Passed, Is.True, c.Score.FirstMismatch?.Describe());
        var waves = c.Waves!;
        TestContext.Out.WriteLine(waves.Describe("  "));
        Assert.That(File.Exists(waves.Rtl) && File.Exists(waves.Golden) && File.Exists(waves.SaveFile) && File.Exists(waves.Overlay), Is.True);

        var golden = VcdReader.Load(waves.Golden);
        var rtl = VcdReader.Load(waves.Rtl);
        var probes = ModuleBenches.Find(module)!.Probes(ConfigLoader.Load(request.Source));
        var names = probes.Select(p => $"TOP.{ModuleBenches.Find(module)!.TopModule}.{p.Data}").ToList();
        // Every probe names a signal that exists in the RTL dump, and the golden waves hold the ports the bench traces.
        foreach (var name in names)
        {
            Assert.That(rtl.Find(name), Is.Not.Null, $"the RTL dump has no {name}");
        }

        Assert.That(golden.Signals.Count, Is.GreaterThan(1));
        var diff = VcdDiff.Compare(golden, rtl, new VcdDiffOptions { Clock = "*.clk_i", XWildcard = true });
        Assert.That(diff.Divergences, Is.Empty, string.Join("\n", diff.Divergences.Select(WaveArtifacts.Describe)));
        Assert.That(diff.SignalsCompared, Is.GreaterThanOrEqualTo(golden.Signals.Count - 1), "every golden signal is compared");

        // Without the x wildcard the comparison is strict: the golden's don't-care cycles differ.
        var strict = VcdDiff.Compare(golden, rtl, new VcdDiffOptions { Clock = "*.clk_i" });
        Assert.That(strict.Divergences, Is.Not.Empty);
    }

    /// <summary>The documented deliberate failure: waves, golden waves and a save file are left, and wave diff names the port and cycle.</summary>
    [TestCase("tiny", "pim_matrix", "y_data_o", "u_dut.y_data_o")]
    [TestCase("tiny", "top", "o", "u_dut.u_head.o_data_o")]
    public async Task An_injected_fault_leaves_waves_and_wave_diff_names_the_first_divergence(string preset, string module, string port, string signal)
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var work = temp.Combine("work");
        var run = await Cosim(work, "--preset", preset, "--module", module, "--inject-fault", port);
        TestContext.Out.WriteLine(run.Out + run.Err);
        Assert.That(run.ExitCode, Is.EqualTo(1));
        var mismatch = System.Text.RegularExpressions.Regex.Match(run.Out, @"value mismatch at cycle (\d+) on ([^\[:]+)");
        Assert.That(mismatch.Success, Is.True, "the run names the mismatch");
        var cycle = long.Parse(mismatch.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var folder = Directory.GetDirectories(work, "seed-1", SearchOption.AllDirectories).Single();
        foreach (var file in new[] { "rtl.vcd", "golden.vcd", "overlay.vcd", "waves.gtkw" })
        {
            Assert.That(File.Exists(Path.Combine(folder, file)), Is.True, $"{file} is left in {folder}");
            Assert.That(run.Out, Does.Contain(file));
        }

        Assert.That(run.Out, Does.Contain($"first divergence: TOP.al_tb_{module}.{signal}").Or.Contain($"first divergence: al_tb_{module}.{signal}"));
        var gtkw = await File.ReadAllTextAsync(Path.Combine(folder, "waves.gtkw"));
        Assert.That(gtkw, Does.Contain($"[dumpfile] \"{Path.Combine(folder, "overlay.vcd")}\"").And.Contain($"{WaveArtifacts.GoldenScope}.al_tb_{module}.{signal}"));

        var diff = await Attnlego("wave", "diff", Path.Combine(folder, "golden.vcd"), Path.Combine(folder, "rtl.vcd"), "--x-wildcard");
        TestContext.Out.WriteLine(diff.Out + diff.Err);
        Assert.That(diff.ExitCode, Is.EqualTo(1));
        var first = diff.Out.Split('\n')[0];
        Assert.That(first, Does.Contain(signal).And.Contain($"cycle {cycle} "), "the first divergence is the injected one");
    }

    /// <summary>A failure far from cycle 0 dumps only its window, and the golden waves line up with it cycle for cycle.</summary>
    [Test]
    public async Task A_failing_case_dumps_only_the_window_around_its_mismatch()
    {
        using var temp = new TempFolder();
        var request = new CosimRequest(ConfigSource.FromPreset("tiny"), "pim_matrix") { Fault = new ExpectedFault("y_data_o", 3) };
        TestContext.Out.WriteLine("replay: " + request.ReplayCommand(1));
        var runner = new CosimRunner(await TestEnvironment.RequireVerilatorAsync(), new CosimSettings
        {
            CacheRoot = TestEnvironment.CacheRoot,
            WorkRoot = temp.Combine("work"),
            Waves = new WaveSettings { CyclesBefore = 20, CyclesAfter = 5 },
        });
        var c = (await runner.RunAsync(request)).Cases.Single();
        var mismatch = c.Score.FirstMismatch!;
        Assert.That(c.Waves, Is.Not.Null, c.WaveError);
        var waves = c.Waves!;
        Assert.That((waves.FromCycle, waves.ToCycle), Is.EqualTo((mismatch.Cycle - 20, mismatch.Cycle + 5)));
        Assert.That(waves.FromCycle, Is.GreaterThan(0), "the mismatch is far enough from the start to need a window");

        var rtl = VcdReader.Load(waves.Rtl);
        Assert.That(rtl.FirstTime, Is.EqualTo(BenchClock.EdgeTime(waves.FromCycle) - 1), "the dump starts just before the window's first edge");
        Assert.That(rtl.LastTime, Is.EqualTo(BenchClock.EdgeTime(waves.ToCycle) + 1));
        var diff = VcdDiff.Compare(VcdReader.Load(waves.Golden), rtl, new VcdDiffOptions { XWildcard = true });
        Assert.That(diff.Cycles[0].Number, Is.EqualTo(waves.FromCycle), "cycles are bench cycles: counted in the golden file");
        Assert.That(diff.Cycles[^1].Number, Is.EqualTo(waves.ToCycle));
        Assert.That(diff.Divergences.Select(d => (d.Signal, d.Cycle)), Is.EqualTo(new[] { ("al_tb_pim_matrix.u_dut.y_data_o", mismatch.Cycle) }),
            "inside the window only the injected fault diverges");
        Assert.That(waves.DiffCommand, Does.Contain($"--from-cycle {waves.FromCycle}"));
    }

    /// <summary>BenchClock's reset length is the benches': golden waves would be shifted otherwise.</summary>
    [Test]
    public void Every_bench_holds_reset_for_BenchClock_ResetCycles()
    {
        // al_tb_clock is not a bench: it only clocks one under Icarus (the bench holds the reset).
        var benches = Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "templates", "tb"), "al_tb_*.v.sbn")
            .Where(f => Path.GetFileName(f) != "al_tb_clock.v.sbn").ToArray();
        Assert.That(benches, Has.Length.GreaterThanOrEqualTo(8));
        foreach (var bench in benches)
        {
            var resets = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(bench), @"reset_cnt_q\s*=\s*3'd(\d+);");
            Assert.That(resets.Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)),
                Is.EqualTo(new[] { BenchClock.ResetCycles }), Path.GetFileName(bench));
        }
    }

    [Test]
    public async Task Fst_dumps_come_from_the_traced_build()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var work = temp.Combine("work");
        var run = await Cosim(work, "--module", "softmax", "--waves", "always", "--wave-format", "fst");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Out + run.Err);
        var folder = Directory.GetDirectories(work, "seed-1", SearchOption.AllDirectories).Single();
        var fst = Path.Combine(folder, "rtl.fst");
        Assert.That(new FileInfo(fst).Length, Is.GreaterThan(100));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(folder, "waves.gtkw")), Does.Contain($"[dumpfile] \"{fst}\""));
    }

    [Test]
    public async Task Waves_never_leaves_no_dump_and_a_bad_fault_port_is_a_usage_error()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var work = temp.Combine("work");
        var run = await Cosim(work, "--module", "softmax", "--inject-fault", "p_data_o@1", "--waves", "never");
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Out, Does.Contain("--inject-fault p_data_o@1"), "the replay line keeps the fault");
        Assert.That(Directory.GetFiles(work, "*.vcd", SearchOption.AllDirectories), Is.Empty);

        var bad = await Cosim(work, "--module", "softmax", "--inject-fault", "nope");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Err, Does.Contain("p_data_o"), "the message lists the ports there are");

        var syntax = await Attnlego("cosim", "--preset", "tiny", "--module", "softmax", "--inject-fault", "p_data_o@0");
        Assert.That(syntax.ExitCode, Is.EqualTo(2));
        Assert.That(syntax.Err, Does.Contain("N >= 1"));
    }

    /// <summary>`attnlego cosim` with <paramref name="args"/>, its case folders in <paramref name="work"/> and the tests' build cache.</summary>
    private static Task<CliRun> Cosim(string work, params string[] args) =>
        Attnlego(["cosim", .. args, "--work-dir", work, "--cache-dir", TestEnvironment.CacheRoot]);
}
