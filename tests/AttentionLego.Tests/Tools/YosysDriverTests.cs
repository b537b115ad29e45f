using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Tools;

/// <summary>
/// A Yosys that fails is told apart from a Yosys that rejects the RTL: only an ERROR line about the source is blamed on
/// the generated Verilog; a Yosys that dies on a signal, stops without an ERROR line or fails on the machine (a full
/// disk) is a tool failure that points at the installation and the machine. Stand-ins via ATTNLEGO_YOSYS.
/// </summary>
[NonParallelizable] // sets ATTNLEGO_YOSYS, which the whole process sees
public sealed class YosysDriverTests
{
    private static readonly RenderedFile Module = new("al_top.v", "module al_top(input clk_i); endmodule\n");

    /// <summary>A stand-in Yosys in <paramref name="temp"/>: it answers -V as 0.23, and its run (the script) is <paramref name="body"/>.</summary>
    private static string StandIn(TempFolder temp, string body)
    {
        var yosys = temp.Combine("yosys");
        File.WriteAllText(yosys, $"#!/bin/sh\nif [ \"$1\" = -V ]; then echo 'Yosys 0.23 (stand-in)'; exit 0; fi\n{body}\n");
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("a shell script stands in for Yosys");
        }
        else
        {
            File.SetUnixFileMode(yosys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return yosys;
    }

    /// <summary>Runs <paramref name="use"/> on the driver of the Yosys at <paramref name="yosys"/> (ATTNLEGO_YOSYS).</summary>
    private static async Task<T> With<T>(string yosys, Func<YosysDriver, Task<T>> use)
    {
        var saved = Environment.GetEnvironmentVariable(YosysDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(YosysDriver.OverrideVariable, yosys);
        try
        {
            return await use(await YosysDriver.LocateAsync());
        }
        finally
        {
            Environment.SetEnvironmentVariable(YosysDriver.OverrideVariable, saved);
        }
    }

    /// <summary>Runs StatAsync on a stand-in Yosys whose run (after answering -V as 0.23) is <paramref name="body"/>.</summary>
    private static async Task<ToolException> FailWith(string body)
    {
        using var temp = new TempFolder();
        var ex = await With(StandIn(temp, body), async driver =>
            (await Assert.ThrowsAsync<ToolException>(() => driver.StatAsync([Module], "al_top", TimeSpan.FromSeconds(60))))!);
        TestContext.Out.WriteLine(ex.Message);
        return ex;
    }

    [Test]
    public async Task Reports_are_kept_by_content_and_a_damaged_entry_runs_yosys_again()
    {
        using var temp = new TempFolder();
        const string Stat = "\n=== al_top ===\n\n   Number of memory bits:            0\n   Number of cells:                 33\n     $and                           33\n\n";
        File.WriteAllText(temp.Combine("stat.in"), Stat);
        File.WriteAllText(temp.Combine("check.in"), "Found and reported 0 problems.\n");
        var runs = temp.Combine("runs");
        var yosys = StandIn(temp, $"cp '{temp.Combine("stat.in")}' stat.txt && cp '{temp.Combine("check.in")}' check.txt && echo run >> '{runs}'");
        var notes = new List<string>();
        var cache = new YosysStatCache(temp.Combine("cache"), notes.Add);
        int Runs() => File.Exists(runs) ? File.ReadAllLines(runs).Length : 0;
        var changed = Module with { Content = Module.Content + "// changed\n" };
        var limit = TimeSpan.FromSeconds(60);

        var (first, second, other, again, version) = await With(yosys, async driver =>
        {
            var first = await driver.StatAsync([Module], "al_top", limit, cache: cache);
            var second = await driver.StatAsync([Module], "al_top", limit, cache: cache);
            Assert.That(Runs(), Is.EqualTo(1), "the same Yosys on the same files: taken from the cache");
            var other = await driver.StatAsync([changed], "al_top", limit, cache: cache);
            Assert.That(Runs(), Is.EqualTo(2), "another file: run");

            var entry = cache.EntryPath(YosysStatCache.Key(yosys, driver.VersionLine, YosysDriver.Script(["al_top.v"], "al_top"), [Module]), "al_top");
            File.WriteAllText(entry, File.ReadAllText(entry).Replace("33", "34", StringComparison.Ordinal));
            var again = await driver.StatAsync([Module], "al_top", limit, cache: cache);
            return (first, second, other, again, driver.VersionLine);
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Runs(), Is.EqualTo(3), "a damaged entry is not trusted: run again");
            Assert.That(cache.Runs, Is.EqualTo(3));
            Assert.That(new[] { first, second, other, again }.Select(s => (s.TotalCells, s.CheckProblems, s.YosysVersion)),
                Is.All.EqualTo((33L, 0, version)), "the cached reports read as the run's");
            Assert.That(notes, Has.One.Match("^yosys cache entry .* was damaged \\(its text does not match its SHA-256\\); run again$"));
        }
    }

    [Test]
    public async Task A_yosys_that_dies_on_a_signal_is_a_tool_failure_not_a_rejected_rtl()
    {
        var ex = await FailWith("echo '1. Executing Verilog-2005 frontend: al_top.v'\nkill -SEGV $$");
        Assert.That(ex.Failure, Is.EqualTo(ToolFailure.Failed));
        Assert.That(ex.Message, Does.StartWith("yosys failed on al_top without rejecting the RTL: it died on signal 11 (exit status 139)"));
        Assert.That(ex.Message, Does.Contain("1. Executing Verilog-2005 frontend: al_top.v"), "its last output");
        Assert.That(ex.Message, Does.Contain("Fix: check the Yosys installation").And.Contain("free space in the temporary folder"));
        Assert.That(ex.Message, Does.Not.Contain("rejected the generated RTL").And.Not.Contain("Verilog-2005 that Yosys"));
    }

    [Test]
    public async Task A_yosys_that_exits_non_zero_without_an_error_line_is_a_tool_failure()
    {
        var ex = await FailWith("echo 'terminate called after throwing std::ios_base::failure' >&2\nexit 1");
        Assert.That(ex.Message, Does.StartWith("yosys failed on al_top without rejecting the RTL: it exited with status 1"));
        Assert.That(ex.Message, Does.Contain("terminate called after throwing"));
        Assert.That(ex.Message, Does.Not.Contain("rejected the generated RTL"));
    }

    [Test]
    public async Task A_yosys_that_cannot_write_on_a_full_disk_is_a_tool_failure()
    {
        var ex = await FailWith("echo 'ERROR: Can not write stat.txt: No space left on device'\nexit 1");
        Assert.That(ex.Message, Does.StartWith("yosys failed on al_top without rejecting the RTL"));
        Assert.That(ex.Message, Does.Contain("No space left on device").And.Contain("free space in the temporary folder"));
    }

    [Test]
    public async Task A_yosys_that_exits_zero_without_statistics_is_a_tool_failure()
    {
        var ex = await FailWith("exit 0");
        Assert.That(ex.Message, Does.StartWith("yosys failed on al_top without rejecting the RTL: it exited with status 0 but wrote no statistics, printing nothing."));
    }

    [Test]
    public async Task An_error_line_about_the_source_is_still_a_rejected_rtl()
    {
        var ex = await FailWith("echo 'ERROR: Parser error in line 3: syntax error' >&2\nexit 1");
        Assert.That(ex.Failure, Is.EqualTo(ToolFailure.Failed));
        Assert.That(ex.Message, Does.StartWith("yosys rejected the generated RTL of al_top (exit 1):\n  ERROR: Parser error in line 3: syntax error"));
    }
}
