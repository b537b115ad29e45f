using System.Globalization;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Reporting;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Reporting;

/// <summary><c>attnlego report</c> through the CLI in-process.</summary>
[NonParallelizable]
public sealed class ReportCommandTests
{
    private static readonly string[] Files = [ConfigReport.MarkdownName, ConfigReport.CyclesPlotName, ConfigReport.HistogramPlotName];

    /// <summary>Yosys: under CI a missing Yosys fails the test (scripts/setup.sh installs it); elsewhere the test is ignored.</summary>
    private static Task RequireYosysAsync() => TestEnvironment.RequireYosysAsync();

    private static string Cycles(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    [Category(Tier.Tools)]
    [Test]
    public async Task The_tiny_report_has_every_section_the_models_figures_and_yosyss_cells()
    {
        await RequireYosysAsync();
        using var temp = new TempFolder();
        var dir = temp.Combine("tiny");
        var run = await Attnlego("report", "--preset", "tiny", "--out", dir, "--tokens", "16");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Err);
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(Files));
        var md = File.ReadAllText(Path.Combine(dir, ConfigReport.MarkdownName));
        var config = Presets.Tiny;
        var perf = HeadPerformance.Measure(config, 16, skipLoad: true);
        var macros = (3 * config.ProjectionShape.MacroCount) + config.ScoreShape.MacroCount + config.ContextShape.MacroCount;
        var accuracy = Accuracy.Run(config, 1, 16);
        Assert.Multiple(() =>
        {
            foreach (var section in ConfigReport.Sections)
            {
                Assert.That(md, Does.Contain("\n" + section + "\n"), section);
            }

            foreach (var key in ConfigJson.KeyPaths())
            {
                Assert.That(md, Does.Contain($"| `{key}` |"), key);
            }

            Assert.That(md, Does.Contain($"= **{macros}** in total"), "the macro count is the configuration's");
            Assert.That(md, Does.Contain($"**{Cycles(perf.CyclesPerToken)} cycles per token**"), "cycles per token are HeadPerformance's");
            Assert.That(md, Does.Contain($"ideal bound {Cycles(perf.IdealCyclesPerToken)}"));
            Assert.That(md, Does.Contain($"| cosine similarity | {accuracy.Cosine.ToString("0.000000", CultureInfo.InvariantCulture)} |"), "accuracy is Accuracy.Run's");
            Assert.That(md, Does.Contain("](cycles.png)").And.Contain("](error-histogram.png)"), "the plots are linked relatively");
            // Three variants: the projections' 12 macros (a write reaches a word of four cells), the K cache's 2 (transposed: a
            // write reaches a column) and the V cache's 2 (a write reaches a whole row).
            Assert.That(md, Does.Contain("| `al_pim_macro #1` | 12 |").And.Contain("| `al_pim_macro #2` | 2 |").And.Contain("| `al_pim_macro #3` | 2 |"),
                "Yosys counts every macro instance");
            Assert.That(md, Does.Contain("Latches: **0**"));
            Assert.That(md, Does.Not.Contain(DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture)), "no dates");
        });
        foreach (var png in Files.Skip(1))
        {
            Assert.That(PngCheck.Read(File.ReadAllBytes(Path.Combine(dir, png))).Width, Is.EqualTo(Plot.Width), png);
        }
    }

    [Test]
    public async Task The_paper_report_without_yosys_agrees_with_the_models_and_is_deterministic()
    {
        // Yosys takes minutes on the paper head (see docs/CLI.md, report): the test skips it with --no-yosys.
        using var temp = new TempFolder();
        var (a, b) = (temp.Combine("a"), temp.Combine("b"));
        var run = await Attnlego("report", "--preset", "paper", "--no-yosys", "--tokens", "8", "--out", a);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Err);
        Assert.That((await Attnlego("report", "--preset", "paper", "--no-yosys", "--tokens", "8", "--out", b)).ExitCode, Is.EqualTo(ExitCodes.Ok));
        foreach (var file in Files)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(b, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, file))), file + " is byte-identical");
        }

        var md = File.ReadAllText(Path.Combine(a, ConfigReport.MarkdownName));
        var perf = HeadPerformance.Measure(Presets.Paper, 8, skipLoad: true);
        Assert.That(md, Does.Contain("= **128** in total"), "paper: 3 x 32 + 16 + 16 macros of 128 x 128");
        Assert.That(md, Does.Contain($"**{Cycles(perf.CyclesPerToken)} cycles per token**"));
        Assert.That(md, Does.Contain("## Yosys cell statistics\n\nNot run (--no-yosys)."));
    }

    [Test]
    public async Task An_array_report_measures_the_array_against_its_float_reference()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("mha4");
        var run = await Attnlego("report", "--preset", "tiny-mha4", "--no-yosys", "--tokens", "8", "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Err);
        var md = File.ReadAllText(Path.Combine(dir, ConfigReport.MarkdownName));
        var accuracy = Accuracy.MeasureArray(Presets.TinyMha4, 1, 8).Report;
        Assert.That(md, Does.Contain("against `ArrayFloatReference`"));
        Assert.That(md, Does.Contain($"| outputs compared | {8 * 64} (8 tokens x 64) |"), "W_O's output row is d_model wide");
        Assert.That(md, Does.Contain($"| cosine similarity | {accuracy.Cosine.ToString("0.000000", CultureInfo.InvariantCulture)} |"));
        Assert.That(md, Does.Contain("`ControlTiming` of al_array"));
    }

    [Test]
    public async Task A_non_empty_out_without_force_is_refused_and_left_alone()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("taken");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "mine.txt"), "keep");
        var run = await Attnlego("report", "--preset", "tiny", "--no-yosys", "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(run.Err, Does.Contain("not empty").And.Contain("--force"));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "mine.txt" }));

        var forced = await Attnlego("report", "--preset", "tiny", "--no-yosys", "--out", dir, "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.OutputError), "--force replaces only a folder report wrote");
        Assert.That(forced.Err, Does.Contain("not written by attnlego report"));
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.EqualTo(new[] { dir }), "no staging folder left behind");
    }

    [Test]
    public async Task Force_replaces_a_report_folder()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("r");
        Assert.That((await Attnlego("report", "--preset", "tiny", "--no-yosys", "--tokens", "2", "--out", dir)).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var again = await Attnlego("report", "--preset", "tiny", "--no-yosys", "--tokens", "3", "--out", dir, "--force");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.Err);
        Assert.That(File.ReadAllText(Path.Combine(dir, ConfigReport.MarkdownName)), Does.Contain("--tokens 3"));
    }

    [TestCase("--tokens", "0", ExitCodes.Usage, "--tokens must be at least 1")]
    [TestCase("--tokens", "33", ExitCodes.Usage, "exceeds Model.MaxSeqLen")]
    [TestCase("--yosys-timeout", "0", ExitCodes.Usage, "--yosys-timeout must be at least 1")]
    [TestCase("--set", "Pim.Rows=100", ExitCodes.InvalidConfig, "Pim.Rows")]
    public async Task Bad_input_exits_with_its_code_and_writes_nothing(string option, string value, int code, string message)
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("out");
        var run = await Attnlego("report", "--preset", "tiny", "--no-yosys", option, value, "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(code));
        Assert.That(run.Err, Does.Contain(message));
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.Empty, "no partial folder");
    }

    [Test]
    public async Task An_unwritable_out_is_an_output_error()
    {
        using var temp = new TempFolder();
        var file = temp.Combine("file");
        File.WriteAllText(file, "x");
        var run = await Attnlego("report", "--preset", "tiny", "--no-yosys", "--tokens", "2", "--out", Path.Combine(file, "sub"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(run.Err, Does.Contain("is a file, not a folder").And.Contain("Fix:"));
        Assert.That(File.ReadAllText(file), Is.EqualTo("x"), "the file in the way is left alone");
    }

    [Test]
    public async Task A_missing_yosys_is_one_line_in_the_report_not_an_error()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("r");
        var saved = Environment.GetEnvironmentVariable(YosysDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(YosysDriver.OverrideVariable, temp.Combine("no-such-yosys"));
        try
        {
            var run = await Attnlego("report", "--preset", "tiny", "--tokens", "2", "--out", dir);
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Err);
            var md = File.ReadAllText(Path.Combine(dir, ConfigReport.MarkdownName));
            Assert.That(md, Does.EndWith("## Yosys cell statistics\n\nNot computed: Yosys is not installed. Fix: run scripts/setup.sh (Debian's yosys package) or set ATTNLEGO_YOSYS, then run the report again.\n"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(YosysDriver.OverrideVariable, saved);
        }
    }

    [Test]
    public async Task A_yosys_rejection_exits_with_the_tool_code_and_writes_nothing()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("a shell script stands in for Yosys");
            return;
        }

        using var temp = new TempFolder();
        var fake = temp.Combine("yosys");
        File.WriteAllText(fake, "#!/bin/sh\nif [ \"$1\" = -V ]; then echo 'Yosys 0.23 (fake)'; exit 0; fi\necho 'ERROR: Parser error in line 3: syntax error' >&2\nexit 1\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dir = temp.Combine("r");
        var saved = Environment.GetEnvironmentVariable(YosysDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(YosysDriver.OverrideVariable, fake);
        try
        {
            var run = await Attnlego("report", "--preset", "tiny", "--tokens", "2", "--out", dir);
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ToolFailed));
            Assert.That(run.Err, Does.Contain("yosys rejected the generated RTL").And.Contain("ERROR: Parser error").And.Contain("Fix:"));
            Assert.That(Directory.Exists(dir), Is.False, "no partial output");
        }
        finally
        {
            Environment.SetEnvironmentVariable(YosysDriver.OverrideVariable, saved);
        }
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task A_yosys_that_rejects_the_rtl_is_an_error()
    {
        await RequireYosysAsync();
        var yosys = await YosysDriver.LocateAsync();
        var broken = new AttentionLego.Gen.Rendering.RenderedFile("al_top.v", "module al_top(input clk_i); wire x = ; endmodule\n");
        var ex = await Assert.ThrowsAsync<ToolException>(() => yosys.StatAsync([broken], "al_top", TimeSpan.FromSeconds(60)));
        Assert.That(ex!.Failure, Is.EqualTo(ToolFailure.Failed));
        Assert.That(ex.Message, Does.Contain("rejected").And.Contain("ERROR"));
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task Yosys_past_its_time_limit_is_stopped()
    {
        await RequireYosysAsync();
        var yosys = await YosysDriver.LocateAsync();
        var files = AttentionLego.Gen.Rendering.RtlGenerator.Render(Presets.Tiny).Modules;
        var ex = await Assert.ThrowsAsync<ToolException>(() => yosys.StatAsync(files, "al_top", TimeSpan.FromMilliseconds(200)));
        Assert.That(ex!.Failure, Is.EqualTo(ToolFailure.TimedOut));
    }
}
