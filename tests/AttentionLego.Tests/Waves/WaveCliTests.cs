using AttentionLego.Cli;
using AttentionLego.Cosim.Waves;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Waves;

/// <summary><c>attnlego wave diff</c> and <c>wave show</c> through the command line.</summary>
[NonParallelizable] // one test sets ATTNLEGO_FST2VCD
public sealed class WaveCliTests
{
    private static readonly WaveBench Bench = new();

    [Test]
    public async Task Identical_waves_exit_0_with_a_summary()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "diff", Bench.WriteTo(temp.Combine("a.vcd")), Bench.WriteTo(temp.Combine("b.vcd")));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Out, Is.EqualTo("no divergence: 3 signals over cycles 0..19 (time 5..195 1ns, 20 edges of tb.clk_i)\n"));
    }

    [Test]
    public async Task One_flipped_bit_prints_its_signal_and_cycle_and_exits_1()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "diff", Bench.WriteTo(temp.Combine("a.vcd")),
            Bench.With("count", 7, WaveBench.Flip(5)).WriteTo(temp.Combine("b.vcd")));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "tb.count: first divergence at cycle 7 (time 75): A=8'h07 B=8'h27",
            "1 of 3 signals diverge over cycles 0..19 (time 5..195 1ns, 20 edges of tb.clk_i)",
        }));
    }

    [Test]
    public async Task X_bits_print_in_binary_and_match_anything_with_x_wildcard()
    {
        using var temp = new TempFolder();
        var a = Bench.With("count", 6, v => "xxxx" + v[4..]).WriteTo(temp.Combine("a.vcd"));
        var b = Bench.WriteTo(temp.Combine("b.vcd"));
        var strict = await Attnlego("wave", "diff", a, b);
        Assert.That(strict.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(strict.Out, Does.StartWith("tb.count: first divergence at cycle 6 (time 65): A=8'bxxxx0110 B=8'h06\n"));
        var wildcard = await Attnlego("wave", "diff", a, b, "--x-wildcard");
        Assert.That(wildcard.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [TestCase("--from-cycle", "8", ExitCodes.Ok)]
    [TestCase("--to-cycle", "6", ExitCodes.Ok)]
    [TestCase("--to-cycle", "7", ExitCodes.CheckFailed)]
    [TestCase("--from-time", "76", ExitCodes.Ok)]
    [TestCase("--to-time", "75", ExitCodes.CheckFailed)]
    [TestCase("--signals", "*.count", ExitCodes.Ok)]
    [TestCase("--clock", "TOP.tb.clk_i", ExitCodes.CheckFailed)]
    public async Task Options_choose_the_cycles_and_signals_compared(string option, string value, int exitCode)
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "diff", Bench.WriteTo(temp.Combine("a.vcd")),
            Bench.With("flag", 7, WaveBench.Flip(0)).WriteTo(temp.Combine("b.vcd")), option, value);
        Assert.That(run.ExitCode, Is.EqualTo(exitCode));
    }

    [Test]
    public async Task Signals_in_one_file_are_listed_and_fail_only_when_asked_for()
    {
        using var temp = new TempFolder();
        var a = Bench.Adding("only_a", 2).WriteTo(temp.Combine("a.vcd"));
        var b = Bench.WriteTo(temp.Combine("b.vcd"));
        var all = await Attnlego("wave", "diff", a, b);
        Assert.That(all.ExitCode, Is.EqualTo(ExitCodes.Ok), "by default the common signals are compared");
        Assert.That(all.Out, Does.Not.Contain("only in A: tb.only_a").And.Contain("; 1 only in A, 0 only in B (--list-unmatched lists them)"),
            "by default the signals in one file are only counted");
        var listed = await Attnlego("wave", "diff", a, b, "--list-unmatched");
        Assert.That(listed.Out, Does.Contain("only in A: tb.only_a\n"));
        var asked = await Attnlego("wave", "diff", a, b, "--signals", "*.only_a", "*.count");
        Assert.That(asked.ExitCode, Is.EqualTo(ExitCodes.CheckFailed), "a signal asked for must be in both");
        Assert.That(asked.Out, Does.Contain("only in A: tb.only_a\n"), "and is named when it is not");
        var extra = await Attnlego("wave", "diff", b, a, "--signals", "*.only_a", "*.count");
        Assert.That(extra.ExitCode, Is.EqualTo(ExitCodes.Ok), "a selected signal only B (the actual dump) has does not fail: RTL dumps hold more");
    }

    [Test]
    public async Task Waves_with_no_signal_in_common_fail_as_nothing_compared()
    {
        using var temp = new TempFolder();
        var a = Bench.WriteTo(temp.Combine("a.vcd"));
        var run = await Attnlego("wave", "diff", a, (Bench with { Root = "TOP.dut" }).WriteTo(temp.Combine("b.vcd")));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(run.Out, Is.Empty, "no summary that could read as a verdict");
        Assert.That(run.Err, Does.StartWith("error: nothing was compared: ").And.Contain("have no signal in common (3 in A, 3 in B; A has e.g. tb.clk_i, B has e.g. dut.clk_i")
            .And.Contain("Fix: name signals both files dump with --signals, or check that the two files dump the same design"));

        var onlyB = await Attnlego("wave", "diff", a, Bench.Adding("only_b", 2).WriteTo(temp.Combine("c.vcd")), "--signals", "*.only_b");
        Assert.That(onlyB.ExitCode, Is.EqualTo(ExitCodes.CheckFailed), "the one signal asked for is in B only");
        Assert.That(onlyB.Err, Does.Contain("have no signal that --signals selects in common (0 in A, 1 in B; A has none, B has e.g. tb.only_b"));
    }

    [Test]
    public async Task Max_report_limits_the_lines_but_not_the_count()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "diff", Bench.WriteTo(temp.Combine("a.vcd")),
            Bench.With("flag", 2, WaveBench.Flip(0)).With("count", 3, WaveBench.Flip(0)).WriteTo(temp.Combine("b.vcd")), "--max-report", "1");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(run.Out, Does.StartWith("tb.flag: first divergence at cycle 2").And.Contain("... and 1 more").And.Contain("2 of 3 signals diverge"));
    }

    [Test]
    public async Task A_missing_file_is_a_usage_error_naming_it()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "diff", Bench.WriteTo(temp.Combine("a.vcd")), temp.Combine("nothere.vcd"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain("nothere.vcd does not exist").And.Contain("Fix:"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public async Task A_malformed_file_names_its_line()
    {
        using var temp = new TempFolder();
        var bad = temp.Combine("bad.vcd");
        await File.WriteAllTextAsync(bad, "$scope module tb $end\n$var wire 1 ! clk_i $end\n$upscope $end\n$enddefinitions $end\n#0\n0!\nq!\n");
        var run = await Attnlego("wave", "diff", bad, Bench.WriteTo(temp.Combine("b.vcd")));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain($"malformed wave file {bad}:7: expected a value change").And.Contain("Fix:"));
    }

    [TestCase("--clock", "*.nope", "no signal matching the clock", TestName = "An_unknown_clock_is_a_usage_error")]
    [TestCase("--signals", "*.nope", "matches no signal", TestName = "A_glob_matching_nothing_is_a_usage_error")]
    [TestCase("--from-cycle", "500", "nothing was compared", TestName = "A_window_without_edges_is_a_usage_error")]
    [TestCase("--from-cycle", "-1", "must not be negative", TestName = "A_negative_cycle_is_a_usage_error")]
    public async Task Bad_names_and_windows_are_usage_errors(string option, string value, string message)
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "diff", Bench.WriteTo(temp.Combine("a.vcd")), Bench.WriteTo(temp.Combine("b.vcd")), option, value);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain(message));
    }

    [Test]
    public async Task An_fst_without_fst2vcd_says_how_to_install_it()
    {
        using var temp = new TempFolder();
        var fst = temp.Combine("a.fst");
        await File.WriteAllBytesAsync(fst, [0]);
        var saved = Environment.GetEnvironmentVariable(WaveFiles.Fst2VcdVariable);
        Environment.SetEnvironmentVariable(WaveFiles.Fst2VcdVariable, temp.Combine("no-fst2vcd"));
        try
        {
            var run = await Attnlego("wave", "diff", fst, Bench.WriteTo(temp.Combine("b.vcd")));
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ToolMissing));
            Assert.That(run.Err, Does.Contain("fst2vcd was not found").And.Contain("apt-get install gtkwave"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(WaveFiles.Fst2VcdVariable, saved);
        }
    }

    [Test]
    public async Task Show_prints_one_row_per_cycle_sampled_before_the_edge()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("wave", "show", Bench.With("count", 2, _ => "0000xxxx").WriteTo(temp.Combine("a.vcd")),
            "--signals", "*.count", "tb.flag", "--from-cycle", "1", "--to-cycle", "3");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Out, Is.EqualTo("""
            cycle  time  tb.count     tb.flag
            1      15    8'h01        0
            2      25    8'b0000xxxx  0
            3      35    8'h03        1
            3 cycles of tb.clk_i (time in 1ns, values sampled just before each rising edge)

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public async Task Show_refuses_a_glob_matching_nothing_and_needs_signals()
    {
        using var temp = new TempFolder();
        var a = Bench.WriteTo(temp.Combine("a.vcd"));
        var none = await Attnlego("wave", "show", a, "--signals", "*.nope");
        Assert.That(none.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(none.Err, Does.Contain("*.nope"));
        Assert.That((await Attnlego("wave", "show", a)).ExitCode, Is.EqualTo(ExitCodes.Usage));
    }
}
