using AttentionLego.Cli;
using AttentionLego.Cli.Commands;
using AttentionLego.Cosim.Benches;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary><c>attnlego regress</c>: option checks and listing (nothing here runs a simulator).</summary>
public sealed class RegressCliTests
{
    [TestCase(new[] { "--random-configs", "2", "-j", "0" }, "-j must be at least 1", TestName = "Zero_jobs_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "0" }, "--random-configs must be at least 1", TestName = "Zero_random_configs_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "2", "--shard", "0/2" }, "shards count from 1", TestName = "Shard_zero_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "2", "--shard", "3/2" }, "must be 1..2", TestName = "A_shard_past_the_count_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "2", "--shard", "half" }, "not of the form i/n", TestName = "A_malformed_shard_is_a_usage_error")]
    [TestCase(new string[0], "give either --matrix", TestName = "Neither_matrix_nor_random_configs_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "2", "--matrix", "x.json" }, "not both", TestName = "Both_matrix_and_random_configs_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "2", "--modules", "softmax,bogus" }, "unknown module 'bogus'", TestName = "An_unknown_module_is_a_usage_error")]
    [TestCase(new[] { "--matrix", "x.json", "--seed", "3" }, "belong to --random-configs", TestName = "A_seed_with_a_matrix_is_a_usage_error")]
    [TestCase(new[] { "--random-configs", "2", "--seeds", "0" }, "--seeds must be at least 1", TestName = "Zero_seeds_is_a_usage_error")]
    public async Task Usage_errors_exit_2_and_say_the_fix(string[] args, string says)
    {
        var run = await Attnlego(["regress", .. args]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain(says).And.Contain("Fix:"));
    }

    [Test]
    public async Task A_bad_matrix_exits_3_and_writes_nothing()
    {
        using var temp = new TempFolder();
        var matrix = temp.Combine("m.json");
        await File.WriteAllTextAsync(matrix, """{ "entries": [ { "preset": "tiny", "modules": ["softmax", "nope"] } ] }""");
        var run = await Attnlego("regress", "--matrix", matrix, "--out", temp.Combine("out"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("entries[0].modules: unknown module 'nope'").And.Contain("Fix:"));
        Assert.That(Directory.Exists(temp.Combine("out")), Is.False, "no partial output");
    }

    [Test]
    public async Task A_missing_matrix_file_exits_3()
    {
        var run = await Attnlego("regress", "--matrix", "/nonexistent/m.json", "--list");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("does not exist"));
    }

    [Test]
    public async Task List_prints_the_cases_of_each_shard_and_together_they_are_the_whole()
    {
        var whole = await Attnlego("regress", "--random-configs", "3", "--seed", "4", "--seeds", "2", "--list");
        var ids = Ids(whole.Out);
        Assert.That(ids, Has.Count.EqualTo(3 * ModuleBenches.All.Count * 2));
        Assert.That(ids[0], Is.EqualTo("random-4-0/pim_macro/seed-1"));
        var shards = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var run = await Attnlego("regress", "--random-configs", "3", "--seed", "4", "--seeds", "2", "--list", "--shard", $"{i}/3");
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(run.Out, Does.Contain($"in shard {i}/3"));
            shards.AddRange(Ids(run.Out));
        }

        Assert.That(shards, Is.EquivalentTo(ids));
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task An_empty_shard_fails_unless_allowed_and_then_writes_a_junit_file_that_merges()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var matrix = temp.Combine("m.json");
        // Five seeds of one build group in four shards: pieces of two cases fill shards 1..3.
        await File.WriteAllTextAsync(matrix, """{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": [1, 2, 3, 4, 5] } ] }""");
        var out4 = temp.Combine("out");
        string[] shard4 = ["regress", "--matrix", matrix, "--shard", "4/4", "--out", out4];

        var listed = await Attnlego([.. shard4, "--list"]);
        Assert.That((listed.ExitCode, listed.Out), Is.EqualTo((ExitCodes.Ok, "# 0 of 5 cases in shard 4/4\n")), "listing an empty shard is no check");

        var refused = await Attnlego(shard4);
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.CheckFailed));
        Assert.That(refused.Err, Does.StartWith("error: shard 4/4 holds none of the 5 cases").And.Contain("--shard i/3").And.Contain("--allow-empty-shard"));
        Assert.That(Directory.Exists(out4), Is.False, "refused before anything was written");

        var allowed = await Attnlego([.. shard4, "--allow-empty-shard"]);
        Assert.That(allowed.ExitCode, Is.EqualTo(ExitCodes.Ok), allowed.Err);
        Assert.That(allowed.Out, Does.Contain("regress: 0 cases in 0 build groups (shard 4/4 of 5 cases)").And.Contain("0 passed, 0 failed"));
        var junit = Path.Combine(out4, "junit-4-of-4.xml");
        var merged = await Attnlego("regress", "merge", junit, "-o", temp.Combine("merged.xml"));
        Assert.That(merged.ExitCode, Is.EqualTo(ExitCodes.Ok), merged.Err);
        Assert.That(merged.Out, Does.Contain("0 tests, 0 failures, 0 errors"));
    }

    [Test]
    public async Task Merge_refuses_a_malformed_file()
    {
        using var temp = new TempFolder();
        var bad = temp.Combine("bad.xml");
        await File.WriteAllTextAsync(bad, "<testsuites>");
        var run = await Attnlego("regress", "merge", bad, "-o", temp.Combine("merged.xml"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain("bad.xml is not well-formed XML").And.Contain("Fix:"));
        Assert.That(File.Exists(temp.Combine("merged.xml")), Is.False);
    }

    [Test]
    public async Task Merge_refuses_a_missing_file()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("regress", "merge", temp.Combine("none.xml"), "-o", temp.Combine("merged.xml"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain("does not exist"));
    }

    [Test]
    public void Merge_counts_the_bytes_it_read_against_its_budget_not_the_length_of_the_decoded_text()
    {
        // Each 0xFF byte decodes to U+FFFD, three bytes in UTF-8: counted that way, 120 bytes read overdrew a budget of
        // 150 and the next file's cap went negative (an ArgumentOutOfRangeException, exit 70).
        using var temp = new TempFolder();
        var files = new[] { "a", "b", "c" }.Select(n => temp.Combine(n + ".xml")).ToList();
        files.ForEach(f => File.WriteAllBytes(f, Enumerable.Repeat((byte)0xFF, 60).ToArray()));
        long total = 0;
        Assert.That(RegressCommand.ReadCounted(files[0], 100, 150, ref total), Has.Length.EqualTo(60));
        Assert.That(RegressCommand.ReadCounted(files[1], 100, 150, ref total), Has.Length.EqualTo(60));
        Assert.That(total, Is.EqualTo(120), "bytes read");
        var ex = Assert.Throws<InputTooLargeException>(() => RegressCommand.ReadCounted(files[2], 100, 150, ref total))!;
        Assert.That(ex.Limit, Is.EqualTo(30), "what is left of the budget");
    }

    [TestCase(false, TestName = "An_out_folder_where_no_file_can_be_made_is_refused_before_anything_is_built")]
    [TestCase(true, TestName = "A_junit_folder_where_no_file_can_be_made_is_refused_before_anything_is_built")]
    public async Task An_unwritable_output_folder_exits_4_before_any_build(bool junitOnly)
    {
        using var temp = new TempFolder();
        var matrix = temp.Combine("m.json");
        await File.WriteAllTextAsync(matrix, """{ "entries": [ { "preset": "tiny", "modules": ["requant"] } ] }""");
        var locked = temp.Combine("locked");
        using var unwritable = Unwritable(locked);
        string[] args = junitOnly
            ? ["--out", temp.Combine("out"), "--junit", Path.Combine(locked, "reports", "junit.xml")]
            : ["--out", locked];
        var run = await Attnlego(["regress", "--matrix", matrix, "--cache-dir", TestEnvironment.CacheRoot, .. args]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.OutputError), run.Err);
        Assert.That(run.Err, Does.Contain(junitOnly ? "error: --junit " : $"error: --out {locked}: cannot write files in {locked}")
            .And.Contain($"Fix: make {locked} writable, or choose another {(junitOnly ? "--junit" : "--out")}."));
        Assert.That(run.Out, Does.Not.Contain("regress:"), "refused before the run started: nothing built, no case run");
        Assert.That(Directory.Exists(temp.Combine("out")), Is.False, "the --out it had made is removed again");
    }

    /// <summary>
    /// A folder in which no file can be made, by this process too: immutable (<c>chattr +i</c>) when that is allowed (as
    /// root, which writes past permission bits), else read-only by its mode for a user that is not root; when neither works, a failure under CI and ignored elsewhere.
    /// </summary>
    private static IDisposable Unwritable(string folder)
    {
        Directory.CreateDirectory(folder);
        if (Run("chattr", "+i", folder) == 0)
        {
            return new Undo(() => Run("chattr", "-i", folder));
        }

        if (!Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return new Undo(() =>
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            });
        }

        const string Needs = "needs chattr +i (root writes past permission bits, so a read-only mode would not stop it)";
        if (TestEnvironment.InCi)
        {
            Assert.Fail(Needs + "; under CI the check must run");
        }

        Assert.Ignore(Needs);
        return null!;
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true })!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // not installed
        }
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    private static List<string> Ids(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))];
}
