using AttentionLego.Bench;

namespace AttentionLego.Tests.Benchmarks;

/// <summary>The bench's arithmetic and formatting, with made-up figures: nothing here is timed.</summary>
public sealed class BenchReportTests
{
    private static BenchReport Report(params TargetResult[] targets) => new(
        [("cores (nproc)", "2"), ("CPU", "Test CPU")], "2026-01-01 00:00", "scripts/bench.sh --runs 3", "Medians of 3 runs.",
        [Section.Of("Rendering", [new Sample("RtlGenerator.Render, paper", "ms", [30, 10, 20], "7 modules"), Sample.Skipped("paper head", "skipped (--quick)")])],
        targets);

    [Test]
    public void The_median_of_an_odd_count_is_the_middle_value() =>
        Assert.That(Stats.Median([5, 1, 3]), Is.EqualTo(3));

    [Test]
    public void The_median_of_an_even_count_is_the_mean_of_the_two_middle_values() =>
        Assert.That(Stats.Median([4, 1, 3, 2]), Is.EqualTo(2.5));

    [Test]
    public void The_median_ignores_one_outlier_run() =>
        Assert.That(Stats.Median([1.0, 1.1, 0.9, 1.0, 60.0]), Is.EqualTo(1.0));

    [Test]
    public void The_median_of_no_runs_is_refused() =>
        Assert.That(() => Stats.Median([]), Throws.ArgumentException.With.Message.Contains("at least one run"));

    [Test]
    public void A_target_just_below_its_threshold_fails_and_one_at_it_passes()
    {
        Assert.That(TargetResult.AtLeast("ratio", 19.99, 20, "x").Label, Is.EqualTo("FAIL"));
        Assert.That(TargetResult.AtLeast("ratio", 20, 20, "x").Label, Is.EqualTo("PASS"));
        Assert.That(TargetResult.AtMost("cycles", 1.26, 1.25, "x").Label, Is.EqualTo("FAIL"));
        Assert.That(TargetResult.AtMost("cycles", 1.06, 1.25, "x").Label, Is.EqualTo("PASS"));
        Assert.That(TargetResult.Holds("warm", "'build cached'", false, "compiled").Label, Is.EqualTo("FAIL"));
    }

    [Test]
    public void A_missed_target_prints_FAIL_with_its_value_and_a_loud_summary()
    {
        var report = Report(TargetResult.AtLeast("Verilator >= 20x Icarus", 12.5, 20, "x"), TargetResult.AtMost("paper-exact", 1.06, 1.25, "x"));
        var text = report.ToText();
        Assert.That(text, Does.Match(@"Verilator >= 20x Icarus +>= 20x +12\.50x +FAIL"));
        Assert.That(text, Does.Match(@"paper-exact +<= 1\.25x +1\.060x +PASS"));
        Assert.That(report.Summary, Does.StartWith("*** TARGETS MISSED (1 of 2): Verilator >= 20x Icarus: 12.50x, goal >= 20x"));
        Assert.That(report.ToMarkdown(), Does.Contain("| Verilator >= 20x Icarus | >= 20x | 12.50x | FAIL |"));
    }

    [Test]
    public void When_every_target_is_met_the_summary_says_so_and_counts_the_unmeasured()
    {
        var report = Report(TargetResult.AtMost("paper-exact", 1.06, 1.25, "x"),
            TargetResult.Unmeasured("Verilator >= 20x Icarus", ">= 20x", "cosim --simulator not available"));
        Assert.That(report.Missed, Is.Empty);
        Assert.That(report.Summary, Is.EqualTo("all 1 measured targets met; 1 not measured"));
        Assert.That(report.ToMarkdown(), Does.Contain("| Verilator >= 20x Icarus | >= 20x | not measured: cosim --simulator not available | NOT MEASURED |"));
    }

    [Test]
    public void A_sample_row_holds_the_run_count_the_median_and_the_spread()
    {
        var markdown = Report().ToMarkdown();
        Assert.That(markdown, Does.Contain("| measurement | runs | median | min .. max | note |\n|---|---|---|---|---|\n"));
        Assert.That(markdown, Does.Contain("| RtlGenerator.Render, paper | 3 | 20.00 ms | 10.00 .. 30.00 | 7 modules |"));
        Assert.That(markdown, Does.Contain("| paper head | 0 | not measured: skipped (--quick) |  |  |"));
    }

    [Test]
    public void The_markdown_names_the_machine_the_date_and_the_command_to_reproduce()
    {
        var markdown = Report().ToMarkdown();
        Assert.That(markdown, Does.StartWith("# Benchmarks\n"));
        Assert.That(markdown, Does.Contain("```sh\nscripts/bench.sh --runs 3\n```"));
        Assert.That(markdown, Does.Contain("| cores (nproc) | 2 |"));
        Assert.That(markdown, Does.Contain("| date (UTC) | 2026-01-01 00:00 |"));
        Assert.That(markdown, Does.EndWith("\n").And.Not.EndWith("\n\n"));
    }

    [Test]
    public void Text_tables_pad_every_column_to_its_widest_cell()
    {
        var lines = Tables.Text(["a", "bb"], [["long cell", "1"], ["x", "22"]]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[] { "  a          bb", "  ---------  --", "  long cell  1", "  x          22" }));
    }

    [Test]
    public void A_pipe_in_a_cell_does_not_break_the_markdown_table() =>
        Assert.That(Tables.Markdown(["h"], [["a | b"]]), Is.EqualTo("| h |\n|---|\n| a \\| b |\n"));

    [TestCase(1234567.8, "1,234,568")]
    [TestCase(123.45, "123.5")]
    [TestCase(12.345, "12.35")]
    [TestCase(1.5, "1.500")]
    [TestCase(0.5, "0.5000")]
    [TestCase(0.01234, "0.01234")]
    [TestCase(0.0023861, "0.002386")]
    [TestCase(-0.0023861, "-0.002386")]
    [TestCase(0.0, "0.000")]
    public void Numbers_keep_about_four_significant_digits(double value, string expected) =>
        Assert.That(Number.Format(value), Is.EqualTo(expected));

    [Test]
    public void Quick_mode_takes_one_run_and_skips_the_paper_head()
    {
        var options = BenchArguments.Parse(["--quick", "--root", "/tmp"], "/").Options;
        Assert.That((options.Runs, options.PaperRuns, options.IcarusRuns, options.BuildRuns, options.Quick), Is.EqualTo((1, 0, 1, 1, true)));
    }

    [Test]
    public void The_paper_head_Icarus_and_cold_builds_take_at_most_three_runs_by_default()
    {
        var options = BenchArguments.Parse(["--root", "/tmp"], "/").Options;
        Assert.That((options.Runs, options.PaperRuns, options.IcarusRuns, options.BuildRuns), Is.EqualTo((5, 3, 3, 3)));
        options = BenchArguments.Parse(["--root", "/tmp", "--runs", "2", "--build-runs", "4"], "/").Options;
        Assert.That((options.Runs, options.PaperRuns, options.IcarusRuns, options.BuildRuns), Is.EqualTo((2, 2, 2, 4)));
    }

    [TestCase("--runs", "0", "--runs must be a whole number of at least 1, not '0'.")]
    [TestCase("--runs", "x", "--runs must be a whole number of at least 1, not 'x'.")]
    [TestCase("--bogus", "1", "unknown argument '--bogus'.")]
    public void Bad_arguments_are_refused_with_the_reason(string name, string value, string message) =>
        Assert.That(() => BenchArguments.Parse([name, value, "--root", "/tmp"], "/"), Throws.ArgumentException.With.Message.EqualTo(message));
}
