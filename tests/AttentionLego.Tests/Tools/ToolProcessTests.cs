using System.Diagnostics;
using AttentionLego.Cosim.Tools;
using AttentionLego.Tests.Cli;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Tools;

/// <summary>Every external call has a time limit: a hung tool is stopped with its children, and the message names it and the fix.</summary>
public sealed class ToolProcessTests
{
    [Test]
    public async Task A_tool_that_hangs_is_stopped_at_its_limit_with_the_processes_it_started()
    {
        using var temp = new TempFolder();
        var pids = temp.Combine("pids");
        var tool = Script(temp, "hang", $"echo $$ >> {pids}; sleep 600 & echo $! >> {pids}; wait");
        var clock = Stopwatch.StartNew();
        var ex = (await Assert.ThrowsAsync<ToolException>(() => ToolProcess.ExecuteBufferedAsync(CliWrap.Cli.Wrap(tool), ToolStep.Probe, $"{tool} --version",
            "check the installation", CancellationToken.None, TimeSpan.FromSeconds(1))))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Failure, Is.EqualTo(ToolFailure.TimedOut));
        Assert.That(ex.Message, Does.StartWith($"{tool} --version did not finish within 1 s and was stopped, with every process it started. Fix: check the installation; ")
            .And.EndWith("raise the limit: ATTNLEGO_TIMEOUTS=probe=4."));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        var started = (await File.ReadAllLinesAsync(pids)).Select(int.Parse).ToList();
        Assert.That(started, Has.Count.EqualTo(2));
        Assert.That(started.Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(2))), Is.Empty, "the tool and its child are gone");
    }

    [Test]
    public async Task Cancellation_stops_the_tool_and_its_children_and_is_not_a_timeout()
    {
        using var temp = new TempFolder();
        var pids = temp.Combine("pids");
        var tool = Script(temp, "hang", $"echo $$ >> {pids}; sh -c 'sleep 600 & wait' & echo $! >> {pids}; wait");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        var clock = Stopwatch.StartNew();
        Assert.That(() => ToolProcess.ExecuteAsync(CliWrap.Cli.Wrap(tool), ToolStep.Build, "the build", "none", cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.5)), "stopped within the grace an interrupted command has");
        var started = (await File.ReadAllLinesAsync(pids)).Select(int.Parse).ToList();
        Assert.That(started.Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(2))), Is.Empty);
    }

    [Test]
    public async Task A_tool_that_answers_in_time_gives_its_output_and_exit_code()
    {
        using var temp = new TempFolder();
        var tool = Script(temp, "answer", "echo 'Verilator 5.006'; exit 3");
        var result = await ToolProcess.ExecuteBufferedAsync(CliWrap.Cli.Wrap(tool), ToolStep.Probe, "answer", "none", CancellationToken.None);
        Assert.That(result.ExitCode, Is.EqualTo(3), "validation is off: the caller reads the exit code");
        Assert.That(result.StandardOutput, Is.EqualTo("Verilator 5.006\n"));
    }

    [Test]
    public void The_limits_have_defaults_and_the_variable_overrides_them()
    {
        Assert.That(ToolProcess.DefaultLimit(ToolStep.Probe), Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(ToolProcess.DefaultLimit(ToolStep.Build), Is.EqualTo(TimeSpan.FromHours(1)));
        var limits = ToolProcess.Limits(" probe=60 , build=7200,lint=1,convert=604800");
        Assert.That(limits[ToolStep.Probe], Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(limits[ToolStep.Build], Is.EqualTo(TimeSpan.FromSeconds(7200)));
        Assert.That(limits[ToolStep.Lint], Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(limits[ToolStep.Convert], Is.EqualTo(TimeSpan.FromDays(7)));
        Assert.That(ToolProcess.Limits(""), Is.Empty);
    }

    [TestCase("probe=soon", "\"probe=soon\"")]
    [TestCase("probe=0", "\"probe=0\"")]
    [TestCase("probe=604801", "\"probe=604801\"")]
    [TestCase("probe=-5", "\"probe=-5\"")]
    [TestCase("simulate=10", "\"simulate=10\"")]
    [TestCase("probe", "\"probe\"")]
    [TestCase("probe=1\u001b[2J", "\"probe=1\\x1B[2J\"", TestName = "A_malformed_limit_with_an_escape_sequence_is_quoted_escaped")]
    public void A_malformed_limit_is_a_usage_error_that_quotes_it_escaped(string text, string quoted)
    {
        var ex = Assert.Throws<ToolException>(() => ToolProcess.Limits(text))!;
        Assert.That(ex.Failure, Is.EqualTo(ToolFailure.Misconfigured));
        Assert.That(ex.Message, Does.StartWith($"ATTNLEGO_TIMEOUTS: {quoted} is not step=seconds. Fix: "));
    }

    private static string Script(TempFolder temp, string name, string body)
    {
        var path = temp.Combine(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
