using System.Xml.Linq;
using AttentionLego.Cli;
using AttentionLego.Cli.Commands;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Regression;
using AttentionLego.Cosim.WaveDumps;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Regression;

/// <summary>The regression runner with real co-simulations of small tiny-preset cases (Verilator required).</summary>
[NonParallelizable]
[Category(Tier.Tools)]
public sealed class RegressRunnerTests
{
    private sealed record Run(int ExitCode, string Out, string Err);

    /// <summary>Runs <c>attnlego regress ...</c> in-process, optionally with tampered expectations (a checker self-test).</summary>
    private static async Task<Run> Regress(Func<BenchCase, BenchCase>? tamper, params string[] args)
    {
        await TestEnvironment.RequireVerilatorAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CliIo(output, error);
        var root = new System.CommandLine.RootCommand { RegressCommand.Create(io, tamper) };
        var code = await root.Parse(["regress", "--cache-dir", TestEnvironment.CacheRoot, .. args]).InvokeAsync();
        TestContext.Out.WriteLine($"attnlego regress {string.Join(' ', args)} -> {code}\n{output}{error}");
        return new Run(code, output.ToString(), error.ToString());
    }

    private static string Matrix(TempFolder temp, string json)
    {
        var path = temp.Combine("m.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public async Task A_passing_run_writes_junit_and_keeps_each_case_in_its_own_folder()
    {
        using var temp = new TempFolder();
        var matrix = Matrix(temp, """
            { "entries": [
              { "preset": "tiny", "modules": ["requant", "pim_macro"], "seeds": { "count": 2 } },
              { "preset": "tiny", "modules": ["top"], "top": { "tokens": 2 } },
              { "preset": "tiny", "modules": ["top"], "top": { "tokens": 2, "stalls": true } }
            ] }
            """);
        var run = await Regress(null, "--matrix", matrix, "-j", "2", "--out", temp.Combine("out"), "--keep");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Out, Does.EndWith("6 passed, 0 failed; " + run.Out.Split("6 passed, 0 failed; ")[1]));
        Assert.That(run.Out, Does.Contain("replay this run: scripts/attnlego regress --matrix " + matrix));
        foreach (var id in new[] { "tiny/requant/seed-1", "tiny/requant/seed-2", "tiny/pim_macro/seed-2", "tiny/top-t2/seed-1", "tiny/top-t2-stalls/seed-1" })
        {
            Assert.That(File.Exists(temp.Combine("out", "cases", id, "trace.txt")), id);
        }

        var junit = XDocument.Load(temp.Combine("out", "junit.xml")).Root!;
        Assert.That(((string?)junit.Attribute("tests"), (string?)junit.Attribute("failures")), Is.EqualTo(("6", "0")));
    }

    [Test]
    public async Task A_failing_case_fails_the_run_and_prints_its_replay_command()
    {
        using var temp = new TempFolder();
        var matrix = Matrix(temp, """{ "entries": [ { "preset": "tiny", "modules": ["requant"], "seeds": { "count": 2 } } ] }""");
        var run = await Regress(c => c with { Expected = [.. c.Expected.Take(c.Expected.Count - 1)] },
            "--matrix", matrix, "-j", "2", "--out", temp.Combine("out"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(run.Out, Does.Contain("FAIL tiny/requant/seed-2").And.Contain("unexpected response"));
        Assert.That(run.Out, Does.Contain("    replay: scripts/attnlego cosim --module requant --preset tiny --seed 2"));
        Assert.That(run.Out.TrimEnd().Split('\n')[^1], Does.StartWith("0 passed, 2 failed"));
        Assert.That(File.Exists(temp.Combine("out", "cases", "tiny", "requant", "seed-1", "trace.txt")), "a failing case keeps its folder");
        var junit = XDocument.Load(temp.Combine("out", "junit.xml")).Root!;
        Assert.That((string?)junit.Attribute("failures"), Is.EqualTo("2"));
        Assert.That(junit.Descendants("failure").First().Value, Does.Contain("replay: scripts/attnlego cosim --module requant --preset tiny --seed 1"));
    }

    [Test]
    public async Task Shards_of_one_regression_merge_into_the_whole()
    {
        using var temp = new TempFolder();
        var matrix = Matrix(temp, """{ "entries": [ { "preset": "tiny", "modules": ["requant", "pim_macro"], "seeds": { "count": 2 } } ] }""");
        var out1 = await Regress(null, "--matrix", matrix, "--shard", "1/2", "--out", temp.Combine("out"));
        var out2 = await Regress(null, "--matrix", matrix, "--shard", "2/2", "--out", temp.Combine("out"));
        Assert.That((out1.ExitCode, out2.ExitCode), Is.EqualTo((0, 0)));
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["regress", "merge", temp.Combine("out", "junit-1-of-2.xml"), temp.Combine("out", "junit-2-of-2.xml"),
            "-o", temp.Combine("merged.xml")], new CliIo(output, new StringWriter()));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output.ToString(), Does.Contain("4 tests, 0 failures, 0 errors"));
        Assert.That(XDocument.Load(temp.Combine("merged.xml")).Descendants("testcase").Select(t => (string?)t.Attribute("name")),
            Is.EquivalentTo(new[] { "requant/seed-1", "requant/seed-2", "pim_macro/seed-1", "pim_macro/seed-2" }));
    }

    [TestCase(false, TestName = "A_case_that_finishes_after_the_stop_keeps_its_verdict_in_the_interrupted_report")]
    [TestCase(true, TestName = "A_report_that_cannot_be_written_on_the_stop_still_lets_the_run_end_its_cases_first")]
    public async Task A_verdict_after_the_stop_is_reported(bool reportFails)
    {
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var cases = RegressMatrix.Parse("""{ "entries": [ { "preset": "tiny", "modules": ["requant"], "seeds": [1, 2] } ] }""", "m.json", temp.Path);
        var casesRoot = temp.Combine("out", "cases");
        using var stop = new CancellationTokenSource();
        var runner = new RegressRunner(verilator.WithJobs(1), new RegressSettings
        {
            CacheRoot = TestEnvironment.CacheRoot,
            CasesRoot = casesRoot,
            Jobs = 2,
            Tamper = c => c with { Expected = [.. c.Expected.Take(c.Expected.Count - 1)] }, // both cases fail, and keep their folders
            Waves = WaveSettings.Never,
        });
        var verdicts = new List<RegressOutcome>();
        var reports = new List<RegressResult>();
        var run = runner.RunAsync(cases, o =>
        {
            if (verdicts.Count == 0)
            {
                // The first verdict: wait until the other case's simulation has ended and its folder is let go (its verdict
                // is made, and waits for this callback), then stop the run: that verdict arrives after the stop.
                var other = cases.Single(c => c != o.Case);
                var folder = Path.Combine(casesRoot, other.Request.WorkFolder!, $"seed-{other.Seed}");
                var until = DateTime.UtcNow.AddMinutes(2);
                while (DateTime.UtcNow < until && !(File.Exists(Path.Combine(folder, "trace.txt")) && Released(folder)))
                {
                    Thread.Sleep(20);
                }

                stop.Cancel();
            }
            else
            {
                Thread.Sleep(300); // slow to report: the run must wait for it, even when its interrupted report failed
            }

            verdicts.Add(o);
        }, stop.Token, partial =>
        {
            reports.Add(partial);
            if (reportFails)
            {
                throw new IOException("the disk is gone");
            }
        }, () => "SIGTERM");

        if (reportFails)
        {
            Assert.That((await Assert.CatchAsync<IOException>(async () => await run))!.Message, Is.EqualTo("the disk is gone"));
        }
        else
        {
            await Assert.CatchAsync<OperationCanceledException>(async () => await run);
            Assert.That(reports[^1].Outcomes.Select(o => (o.Case.Id, o.Status)), Is.EquivalentTo(cases.Select(c => (c.Id, CaseStatus.Failed))),
                "the last interrupted report lists both verdicts");
            Assert.That(reports[^1].InterruptedBy, Is.EqualTo("SIGTERM"));
        }

        Assert.That(verdicts.Select(o => o.Case.Id), Is.EquivalentTo(cases.Select(c => c.Id)), "both verdicts reported, before the run ended");
        Assert.That(cases.Select(c => Path.Combine(casesRoot, c.Request.WorkFolder!, $"seed-{c.Seed}", "trace.txt")).Where(f => !File.Exists(f)), Is.Empty,
            "each failing case keeps its folder, which the report lists");
    }

    /// <summary>No live run holds <paramref name="folder"/> (its case has ended).</summary>
    private static bool Released(string folder)
    {
        using var taken = FileLock.TryAcquire(folder, folder: true);
        return taken is not null;
    }

    [Test]
    public async Task A_random_case_replays_with_a_one_line_command()
    {
        using var temp = new TempFolder();
        var run = await Regress(c => c with { Expected = [.. c.Expected.Take(c.Expected.Count - 1)] },
            "--random-configs", "1", "--seed", "5", "--modules", "requant", "--out", temp.Combine("out"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(run.Out, Does.Contain("replay: scripts/attnlego cosim --module requant --random-config 5:0 --seed 1"));
        Assert.That(run.Out, Does.Contain("replay this run: scripts/attnlego regress --random-configs 1 --seed 5 --modules requant"));
    }
}
