using System.Diagnostics;
using AttentionLego.Cli;
using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.WaveDumps;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// The cross-simulator check: every module bench runs one seed under Verilator (random initial state) and under Icarus
/// Verilog (registers start at x), both pass the scoreboard, and the two trace files are byte-identical. Plus
/// <c>cosim --simulator</c> end to end through the CLI.
/// </summary>
[NonParallelizable] // one test sets ATTNLEGO_IVERILOG
[Category(Tier.Tools)]
public sealed class CrossSimulatorTests
{
    private const int Seed = 1;

    /// <summary>
    /// Every module bench on tiny, the whole head with 2 tokens, and the 4-head array on tiny-mha4 with 2 tokens. Measured
    /// under Icarus 11 on the shared 2-core machine: each module bench well under a second; top about 1 s; the array 2-3 s.
    /// </summary>
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var module in new[] { "pim_macro", "pim_matrix", "requant", "qkv", "score", "softmax", "context" })
        {
            yield return new TestCaseData("tiny", module, null).SetArgDisplayNames(module);
        }

        yield return new TestCaseData("tiny", "top", 2).SetArgDisplayNames("top-tiny-2-tokens");
        yield return new TestCaseData("tiny-mha4", "array", 2).SetArgDisplayNames("array-tiny-mha4-2-tokens");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Verilator_and_icarus_write_byte_identical_traces(string preset, string module, int? tokens)
    {
        var request = new CosimRequest(ConfigSource.FromPreset(preset), module, Seed, 1, tokens is { } t ? new TopOptions(t) : null);
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var icarus = await TestEnvironment.RequireIcarusAsync();
        using var temp = new TempFolder();
        var onVerilator = await RunKept(new CosimRunner(verilator, Settings(temp.Combine("verilator"), Simulator.Verilator)), request);
        var onIcarus = await RunKept(new CosimRunner(icarus, Settings(temp.Combine("icarus"), Simulator.Icarus)), request);

        var verilatorTrace = await File.ReadAllBytesAsync(Path.Combine(onVerilator.WorkDir, "trace.txt"));
        var icarusTrace = await File.ReadAllBytesAsync(Path.Combine(onIcarus.WorkDir, "trace.txt"));
        TestContext.Out.WriteLine($"{module}: {onVerilator.Score.Compared} responses, {onVerilator.Cycles} cycles; " +
                                  $"Verilator {onVerilator.SimulationTime.TotalSeconds:0.00} s, Icarus {onIcarus.SimulationTime.TotalSeconds:0.00} s; replay: {onIcarus.Replay}");
        Assert.That(onIcarus.Replay, Does.EndWith("--simulator icarus"));
        Assert.That(TraceComparison.FirstDifference(verilatorTrace, icarusTrace, "verilator", "icarus"), Is.Null);
        Assert.That(icarusTrace, Is.EqualTo(verilatorTrace), "byte-identical");
    }

    private static CosimSettings Settings(string work, Simulator simulator) => new()
    {
        CacheRoot = TestEnvironment.CacheRoot,
        WorkRoot = work,
        KeepPassing = true,
        Waves = WaveSettings.Never,
        Simulator = simulator,
    };

    /// <summary>Runs the one seed, which must pass the scoreboard, keeping its folder (and trace).</summary>
    private static async Task<CaseResult> RunKept(CosimRunner runner, CosimRequest request)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await runner.RunAsync(request);
        var single = result.Cases.Single();
        TestContext.Out.WriteLine($"{runner.SimulatorVersion}: {(result.Build.Cached ? "cached" : $"built in {result.Build.Duration.TotalSeconds:0.0} s")}, run in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(single.Passed, Is.True, () => $"{runner.SimulatorVersion}: {single.Score.FirstMismatch!.Describe()}\n  replay: {single.Replay}");
        Assert.That(single.Score.Compared, Is.GreaterThan(5));
        return single;
    }

    [Test]
    public void A_trace_that_differs_in_one_line_is_detected()
    {
        var same = "12 y_data_o 00ff\n13 y_data_o 0100\n14 end\n"u8.ToArray();
        var changed = "12 y_data_o 00ff\n13 y_data_o 0101\n14 end\n"u8.ToArray();
        Assert.That(TraceComparison.FirstDifference(same, [.. same], "verilator", "icarus"), Is.Null);
        Assert.That(TraceComparison.FirstDifference(same, changed, "verilator", "icarus"),
            Is.EqualTo("the traces differ at line 2: verilator \"13 y_data_o 0100\", icarus \"13 y_data_o 0101\""));
    }

    [Test]
    public void A_trace_that_stops_early_or_differs_only_in_line_endings_is_detected()
    {
        var whole = "12 o 01\n14 end\n"u8.ToArray();
        Assert.That(TraceComparison.FirstDifference(whole, "12 o 01\n"u8.ToArray(), "verilator", "icarus"),
            Is.EqualTo("the traces differ at line 2: verilator \"14 end\", icarus <end of file>"));
        Assert.That(TraceComparison.FirstDifference(whole, "12 o 01\r\n14 end\r\n"u8.ToArray(), "verilator", "icarus"),
            Does.StartWith("the traces differ at line 1"));
    }

    [Test]
    public async Task Cosim_runs_under_icarus_from_the_command_line_with_the_same_summary()
    {
        await TestEnvironment.RequireIcarusAsync();
        using var temp = new TempFolder();
        var run = await Attnlego("cosim", "--module", "requant", "--simulator", "icarus", "--seeds", "2",
            "--cache-dir", TestEnvironment.CacheRoot, "--work-dir", temp.Combine("work"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Err);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("cosim requant on tiny, seeds 1..2 (Icarus Verilog version 11."));
        Assert.That(lines[1], Does.Match(@"^  seed 1: pass, \d+ responses bit-exact and on time, \d+ cycles \(\d+\.\d\d s\)$"));
        Assert.That(lines[^1], Does.Match(@"^2 passed, 0 failed; (build cached|built in \d+\.\d s) \(key [0-9a-f]{24}\)$"));
    }

    [Test]
    public async Task A_failing_seed_under_icarus_replays_under_icarus_and_says_why_there_are_no_waves()
    {
        await TestEnvironment.RequireIcarusAsync();
        using var temp = new TempFolder();
        var run = await Attnlego("cosim", "--module", "requant", "--simulator", "icarus", "--inject-fault", "out_data_o",
            "--cache-dir", TestEnvironment.CacheRoot, "--work-dir", temp.Combine("work"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed), run.Err);
        Assert.That(run.Out, Does.Contain("FAIL value mismatch").And.Contain("replay: scripts/attnlego cosim --module requant --preset tiny --seed 1 --inject-fault out_data_o --simulator icarus"));
        Assert.That(run.Out, Does.Contain("no waves under Icarus"));
    }

    [Test]
    public async Task An_unknown_simulator_is_a_usage_error()
    {
        var run = await Attnlego("cosim", "--module", "requant", "--simulator", "modelsim");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain("modelsim").And.Contain("icarus"));
    }

    [Test]
    public async Task Waves_always_under_icarus_is_a_usage_error()
    {
        var run = await Attnlego("cosim", "--module", "requant", "--simulator", "icarus", "--waves", "always");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain("--waves always needs Verilator").And.Contain("Fix:"));
    }

    [Test]
    public async Task A_missing_iverilog_exits_with_the_tool_code_and_names_the_fix()
    {
        using var temp = new TempFolder();
        var saved = Environment.GetEnvironmentVariable(IcarusDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(IcarusDriver.OverrideVariable, temp.Combine("no-such-iverilog"));
        try
        {
            var run = await Attnlego("cosim", "--module", "requant", "--simulator", "icarus", "--work-dir", temp.Combine("work"));
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ToolMissing));
            Assert.That(run.Err, Does.Contain("iverilog was not found").And.Contain(IcarusDriver.OverrideVariable).And.Contain("scripts/setup.sh"));
            Assert.That(Directory.Exists(temp.Combine("work")), Is.False, "nothing was written");
        }
        finally
        {
            Environment.SetEnvironmentVariable(IcarusDriver.OverrideVariable, saved);
        }
    }

    [TestCase("Icarus Verilog version 10.3 (stable) ()", "", ExitCodes.ToolMissing, "older than the required 11.0")]
    [TestCase("Icarus Verilog version 11.0 (fake) ()", "al_tb_requant.v:3: syntax error", ExitCodes.ToolFailed, "iverilog could not compile al_tb_requant")]
    [TestCase("not a simulator", "", ExitCodes.ToolFailed, "not an Icarus Verilog version")]
    public async Task A_wrong_or_failing_iverilog_is_reported_with_its_exit_code_and_leaves_no_build(string version, string error, int exitCode, string message)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("shell scripts stand in for iverilog and vvp");
            return;
        }

        using var temp = new TempFolder();
        var bin = Directory.CreateDirectory(temp.Combine("bin")).FullName;
        Script(Path.Combine(bin, "iverilog"), $"if [ \"$1\" = -V ]; then echo '{version}'; exit 0; fi\necho '{error}' >&2\nexit 2\n");
        Script(Path.Combine(bin, "vvp"), "exit 0\n");
        var saved = Environment.GetEnvironmentVariable(IcarusDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(IcarusDriver.OverrideVariable, Path.Combine(bin, "iverilog"));
        try
        {
            var cache = temp.Combine("cache");
            var run = await Attnlego("cosim", "--module", "requant", "--simulator", "icarus", "--cache-dir", cache, "--work-dir", temp.Combine("work"));
            Assert.That(run.ExitCode, Is.EqualTo(exitCode));
            Assert.That(run.Err, Does.Contain(message).And.Contain("Fix:"));
            Assert.That(Directory.Exists(cache) ? Directory.GetFileSystemEntries(cache) : [], Is.Empty, "a failed build leaves nothing in the cache");
            if (error.Length > 0)
            {
                Assert.That(run.Err, Does.Contain(error), "the compiler's own message is shown");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(IcarusDriver.OverrideVariable, saved);
        }
    }

    private static void Script(string path, string body)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}

/// <summary>Compares two trace files byte for byte and names the first line where they part.</summary>
internal static class TraceComparison
{
    /// <summary>Null when <paramref name="a"/> and <paramref name="b"/> are byte-identical, else the first differing line of each.</summary>
    public static string? FirstDifference(byte[] a, byte[] b, string nameA, string nameB)
    {
        if (a.AsSpan().SequenceEqual(b))
        {
            return null;
        }

        // Split on '\n' only, so a stray '\r' shows up as a difference, not as an equal line.
        var linesA = Lines(a);
        var linesB = Lines(b);
        for (var i = 0; i < Math.Max(linesA.Length, linesB.Length); i++)
        {
            var la = i < linesA.Length ? linesA[i] : null;
            var lb = i < linesB.Length ? linesB[i] : null;
            if (la != lb)
            {
                return $"the traces differ at line {i + 1}: {nameA} {Show(la)}, {nameB} {Show(lb)}";
            }
        }

        return "the traces differ in their bytes (an encoding difference)";
    }

    private static string[] Lines(byte[] bytes)
    {
        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n');
        return lines is [.., ""] ? lines[..^1] : lines;
    }

    private static string Show(string? line) => line is null ? "<end of file>" : $"\"{line.Replace("\r", "\\r", StringComparison.Ordinal)}\"";
}
