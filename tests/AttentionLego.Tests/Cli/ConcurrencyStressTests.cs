using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>
/// Issue 16, "done when": concurrent runs on one machine, with default paths, give the same verdicts as the same runs one
/// after another. Real processes (<see cref="CliProcess"/>) in one shared working folder, the default --work-dir and
/// --out, one shared build cache (ATTNLEGO_CACHE, as every run on a machine shares ~/.cache/attnlego).
/// </summary>
[NonParallelizable]
[Category(Tier.Tools)]
public sealed partial class ConcurrencyStressTests
{
    /// <summary>Two entries of tiny modules; the second a configuration of its own (another build group).</summary>
    private const string MatrixText = """
        { "entries": [
            { "preset": "tiny", "modules": ["softmax", "requant"], "seeds": [1, 2] },
            { "name": "tiny-lossy-adc", "preset": "tiny", "set": ["Pim.AdcBits=6", "Pim.AdcShift=4"], "modules": ["pim_macro"], "seeds": [1, 2] }
        ] }
        """;

    /// <summary>
    /// Four cosim and two regress runs, with the shapes that broke on main: two `cosim --module top` with different
    /// --tokens on one work folder (they shared seed-N folders), two `regress` on the default --out (they removed each
    /// other's case folders and overwrote each other's JUnit). The qkv run fails on purpose: a failing case's folder must
    /// survive the others and hold what its artifacts line says.
    /// </summary>
    private static readonly string[][] Runs =
    [
        ["cosim", "--module", "softmax", "--seed", "1", "--seeds", "3"],
        ["cosim", "--module", "top", "--tokens", "2", "--seeds", "3"],
        ["cosim", "--module", "top", "--tokens", "4", "--seeds", "3"],
        ["cosim", "--module", "qkv", "--inject-fault", "q_data_o", "--waves", "never"],
        ["regress", "--matrix", "m.json", "-j", "1"],
        ["regress", "--matrix", "m.json", "-j", "1"],
    ];

    private const int Rounds = 3;

    [Test]
    public async Task Four_cosim_and_two_regress_at_once_on_default_paths_give_the_verdicts_of_the_same_runs_one_after_another()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var cwd = Directory.CreateDirectory(temp.Combine("shared")).FullName;
        File.WriteAllText(Path.Combine(cwd, "m.json"), MatrixText);
        var options = new ProcessOptions
        {
            WorkingDirectory = cwd,
            Environment = [(BuildCache.EnvironmentVariable, TestEnvironment.CacheRoot)],
            Limit = TimeSpan.FromMinutes(15), // the first, sequential pass may build every simulator
        };

        // One after another (this also fills the build cache): the verdicts to match.
        var sequential = new List<Verdict>();
        foreach (var args in Runs)
        {
            var run = await CliProcess.RunAsync(args, options);
            sequential.Add(Verdict.Of(run, cwd));
            AssertArtifactsHold(run);
        }

        Assert.That(sequential.Select(v => v.ExitCode), Is.EqualTo(new[] { 0, 0, 0, 1, 0, 0 }), "the expected verdicts: only the injected fault fails");
        var movedRounds = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            var runs = await Task.WhenAll(Runs.Select(args => CliProcess.RunAsync(args, options)));
            var verdicts = runs.Select(r => Verdict.Of(r, cwd)).ToList();
            for (var i = 0; i < Runs.Length; i++)
            {
                Assert.That(verdicts[i].ExitCode, Is.EqualTo(sequential[i].ExitCode), $"round {round}, attnlego {string.Join(' ', Runs[i])}: exit code\n{runs[i].Out}{runs[i].Err}");
                Assert.That(verdicts[i].Lines, Is.EqualTo(sequential[i].Lines), $"round {round}, attnlego {string.Join(' ', Runs[i])}: verdicts\n{runs[i].Out}{runs[i].Err}");
                Assert.That(verdicts[i].JUnit, Is.EqualTo(sequential[i].JUnit), $"round {round}, attnlego {string.Join(' ', Runs[i])}: its JUnit file holds its own verdicts");
                Assert.That(runs[i].Err, Is.Empty, $"round {round}, attnlego {string.Join(' ', Runs[i])}: nothing on stderr");
            }

            // Each run wrote its own JUnit file; the second regress on the default --out, when the first held it, said where it went.
            Assert.That(verdicts[4].JUnitPath, Is.Not.EqualTo(verdicts[5].JUnitPath), $"round {round}: the two regress runs wrote one JUnit file");
            if (runs.Any(r => r.Out.Contains("is in use by pid", StringComparison.Ordinal)))
            {
                movedRounds++;
                Assert.That(runs.Single(r => r.Out.Contains("is in use by pid", StringComparison.Ordinal)).Out,
                    Does.Match(@"regress: build/regress is in use by pid \d+ \(attnlego regress\); this run writes to build/regress-\d+ instead"));
            }

            foreach (var run in runs)
            {
                AssertArtifactsHold(run);
            }

            // Passing cases leave nothing; the failing one leaves exactly the folder it names; nothing half-written anywhere.
            var caseFolders = Directory.GetDirectories(Path.Combine(cwd, "build", "cosim"), "seed-*", SearchOption.AllDirectories);
            Assert.That(caseFolders, Is.EquivalentTo(runs.SelectMany(r => ArtifactsOf(r.Out)).Distinct()), $"round {round}: case folders left");
            var all = Directory.GetFileSystemEntries(Path.Combine(cwd, "build"), "*", SearchOption.AllDirectories);
            Assert.That(all.Where(p => Path.GetFileName(p).Contains(".tmp-", StringComparison.Ordinal) || p.Contains("/cases", StringComparison.Ordinal)), Is.Empty,
                $"round {round}: no temporary file, no case folder of a passing regress case");
        }

        TestContext.Out.WriteLine($"rounds in which the second regress found build/regress held and moved: {movedRounds} of {Rounds}");
        Assert.That(movedRounds, Is.GreaterThan(0), "the two regress runs overlapped in at least one round (else this test tested nothing)");
    }

    [Test]
    public async Task An_explicit_out_another_live_regress_holds_is_refused_with_its_pid_and_that_run_is_unaffected()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var cwd = Directory.CreateDirectory(temp.Combine("shared")).FullName;
        var matrix = Path.Combine(cwd, "long.json");
        File.WriteAllText(matrix, """{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": { "count": 60 } } ] }""");
        var output = Path.Combine(cwd, "out");
        var options = new ProcessOptions { WorkingDirectory = cwd, Environment = [(BuildCache.EnvironmentVariable, TestEnvironment.CacheRoot)] };
        var first = CliProcess.RunAsync(["regress", "--matrix", matrix, "--out", output], options);
        int? holder = null;
        for (var until = DateTime.UtcNow.AddMinutes(5); holder is null && !first.IsCompleted && DateTime.UtcNow < until; await Task.Delay(50))
        {
            holder = Directory.Exists(output) ? FileLock.HolderPid(output) : null;
        }

        Assert.That(holder, Is.Not.Null, "the first run holds its --out while it runs");
        var second = await CliProcess.RunAsync(["regress", "--matrix", matrix, "--out", output], options);
        var firstRun = await first;
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(second.Err, Is.EqualTo($"error: --out {output} is in use by pid {holder} (attnlego regress); two runs must not share one. Fix: wait for it or choose another --out.\n"));
        Assert.That(second.Out, Is.Empty, "refused before any work");
        Assert.That(firstRun.ExitCode, Is.EqualTo(ExitCodes.Ok), firstRun.Out + firstRun.Err);
        var junit = XDocument.Load(Path.Combine(output, "junit.xml")).Root!;
        Assert.That(((string?)junit.Attribute("tests"), (string?)junit.Attribute("failures"), (string?)junit.Attribute("errors")), Is.EqualTo(("60", "0", "0")));
    }

    [Test]
    public async Task Two_generates_into_one_folder_at_once_never_both_win()
    {
        using var temp = new TempFolder();
        for (var round = 1; round <= 12; round++)
        {
            var parent = Directory.CreateDirectory(temp.Combine($"round-{round}")).FullName;
            var output = Path.Combine(parent, "rtl");
            var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => CliProcess.RunAsync(["generate", "--out", output], new ProcessOptions { WorkingDirectory = parent })));
            Assert.That(runs.Select(r => r.ExitCode).Order(), Is.EqualTo(new[] { ExitCodes.Ok, ExitCodes.OutputError }), $"round {round}: exactly one wins");
            var loser = runs.Single(r => r.ExitCode != ExitCodes.Ok);
            Assert.That(loser.Err, Does.StartWith($"error: {output} already exists and is not empty"), $"round {round}");
            Assert.That(loser.Out, Is.Empty, $"round {round}: the loser claims no file");
            Assert.That(Directory.GetFileSystemEntries(parent).Select(Path.GetFileName), Is.EqualTo(new[] { "rtl" }), $"round {round}: no staging or old folder left");
            AssertMatchesItsManifest(output);
        }
    }

    /// <summary>Every file the manifest lists is there with its size and SHA-256, and nothing else: one run's whole output.</summary>
    private static void AssertMatchesItsManifest(string folder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        var listed = manifest.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("sha256").GetString()!);
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != "manifest.json"), Is.EquivalentTo(listed.Keys));
        foreach (var (name, sha) in listed)
        {
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, name)))), Is.EqualTo(sha), name);
        }
    }

    /// <summary>Each failing case's printed artifacts folder exists and holds that case's stimulus and trace.</summary>
    private static void AssertArtifactsHold(CliRun run)
    {
        foreach (var folder in ArtifactsOf(run.Out))
        {
            Assert.That(File.Exists(Path.Combine(folder, "stimulus.txt")) && File.Exists(Path.Combine(folder, "trace.txt")), Is.True,
                $"the artifacts line names {folder}, which must hold the case's stimulus and trace");
        }
    }

    private static IEnumerable<string> ArtifactsOf(string output) =>
        ArtifactsLine().Matches(output).Select(m => m.Groups[1].Value.TrimEnd());

    [GeneratedRegex(@"^\s+artifacts: (.+)$", RegexOptions.Multiline)]
    private static partial Regex ArtifactsLine();

    /// <summary>
    /// What must not depend on other runs: the exit code, every verdict line (pass/FAIL per case, with the first mismatch;
    /// the performance and accuracy lines; the counts), and the (class, name, outcome) of every JUnit test case. Times,
    /// build keys and the folder names a concurrent run may get instead (seed-N.2, build/regress-2) are left out.
    /// </summary>
    private sealed record Verdict(int ExitCode, List<string> Lines, List<string> JUnit, string? JUnitPath)
    {
        public static Verdict Of(CliRun run, string cwd)
        {
            var lines = new List<string>();
            string? junitPath = null;
            foreach (var line in run.Out.Split('\n'))
            {
                if (line.StartsWith("junit: ", StringComparison.Ordinal))
                {
                    junitPath = Path.Combine(cwd, line["junit: ".Length..]);
                    continue;
                }

                if (line.Contains("artifacts:", StringComparison.Ordinal) || line.Contains("is in use by pid", StringComparison.Ordinal) || line.Length == 0)
                {
                    continue;
                }

                var normal = Timing().Replace(line, "");
                normal = Regex.Replace(normal, @"^(\d+ passed, \d+ failed);.*$", "$1");
                lines.Add(normal);
            }

            var junit = junitPath is null ? [] : XDocument.Load(junitPath).Root!.Descendants("testcase")
                .Select(t => $"{(string?)t.Attribute("classname")}/{(string?)t.Attribute("name")}: " +
                             (t.Element("failure") is { } f ? "failure " + (string?)f.Attribute("message") : t.Element("error") is { } e ? "error " + (string?)e.Attribute("message") : t.Element("skipped") is not null ? "skipped" : "pass"))
                .ToList();
            return new Verdict(run.ExitCode, lines, junit, junitPath);
        }
    }

    [GeneratedRegex(@" \(\d+\.\d+ s\)")]
    private static partial Regex Timing();
}
