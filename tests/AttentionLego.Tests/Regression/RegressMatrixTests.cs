using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Regression;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Regression;

public sealed class RegressMatrixTests
{
    private static IReadOnlyList<RegressCase> Parse(string json, string? dir = null) => RegressMatrix.Parse(json, "m.json", dir ?? Path.GetTempPath());

    private static string Problems(string json) => string.Join("\n", Assert.Throws<MatrixException>(() => Parse(json))!.Errors);

    [Test]
    public void Expands_entries_in_order_with_stable_ids()
    {
        var cases = Parse("""
            { "entries": [
              { "preset": "Tiny", "modules": ["softmax", "score"], "seeds": { "first": 3, "count": 2 } },
              { "preset": "tiny", "set": ["Quant.QShift=7"], "modules": ["top"], "seeds": [9], "top": { "tokens": 2, "stalls": true } },
            ] }
            """);
        var hash = Gen.Config.ConfigHash.Of(Presets.Tiny with { Quant = Presets.Tiny.Quant with { QShift = 7 } })[..8];
        Assert.That(cases.Select(c => c.Id), Is.EqualTo(new[]
        {
            "tiny/softmax/seed-3", "tiny/softmax/seed-4", "tiny/score/seed-3", "tiny/score/seed-4", $"tiny-{hash}/top-t2-stalls/seed-9",
        }));
        Assert.That(cases[^1].Replay, Is.EqualTo("scripts/attnlego cosim --module top --preset tiny --set Quant.QShift=7 --tokens 2 --mem-latency 3 --stalls --seed 9"));
        Assert.That(cases[0].Request.WorkFolder, Is.EqualTo("tiny/softmax"));
    }

    [Test]
    public void All_means_every_module_bench_and_seeds_default_to_one()
    {
        var cases = Parse("""{ "entries": [ { "preset": "tiny", "modules": "all" } ] }""");
        Assert.That(cases.Select(c => c.Module), Is.EqualTo(ModuleBenches.All.Select(b => b.Module)));
        Assert.That(cases.Select(c => c.Seed), Has.All.EqualTo(1));
    }

    [Test]
    public void A_config_file_is_found_relative_to_the_matrix()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("configs"));
        File.WriteAllText(temp.Combine("configs", "small.json"), ConfigJson.Serialize(Presets.Tiny));
        File.WriteAllText(temp.Combine("m.json"), """{ "entries": [ { "config": "configs/small.json", "modules": ["requant"] } ] }""");
        var cases = RegressMatrix.Load(temp.Combine("m.json"));
        Assert.That(cases.Single().Id, Is.EqualTo("small/requant/seed-1"));
        Assert.That(ConfigLoader.Load(cases.Single().Source), Is.EqualTo(Presets.Tiny));
    }

    [Test]
    public void Two_top_variants_of_one_config_get_separate_folders_but_one_build_group()
    {
        var cases = Parse("""
            { "entries": [
              { "preset": "tiny", "modules": ["top"], "top": { "tokens": 2 } },
              { "preset": "tiny", "modules": ["top"], "top": { "tokens": 2, "memLatency": 7 } }
            ] }
            """);
        Assert.That(cases.Select(c => c.Request.WorkFolder), Is.EqualTo(new[] { "tiny/top-t2", "tiny/top-t2-lat7" }));
        Assert.That(cases.Select(c => c.BuildGroup).Distinct().Count(), Is.EqualTo(1));
    }

    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all" }, """, "malformed JSON at line")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all" }, """, "the text ends before the JSON is complete (a truncated file?). Fix: complete the file")]
    [TestCase("""{ "entries": [ { "preset": 5, "modules": "all" } ] }""", "entries[0].preset: must be a non-empty string, not the number 5.")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["top"], "top": { "stalls": 1 } } ] }""", "top.stalls: must be true or false, not the number 1.")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["top"], "top": { "stall": true } } ] }""", "top.stall: is not a top option. Fix: did you mean stalls?")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "set": "Pim.Rows=8", "modules": "all" } ] }""", "entries[0].set: must be an array of strings, not the string \"Pim.Rows=8\".")]
    [TestCase("""[1, 2]""", "\"entries\" array")]
    [TestCase("""{ "entries": [] }""", "entries: is empty")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all" } ], "extra": 1 }""", "extra: is not a matrix key")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "module": "all" } ] }""", "entries[0].module: is not an entry key. Fix: did you mean modules?")]
    [TestCase("""{ "entries": [ { "preset": "huge", "modules": "all" } ] }""", "entries[0].preset: \"huge\" is not a known preset")]
    [TestCase("""{ "entries": [ { "modules": "all" } ] }""", "names no configuration")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "random": "1:2", "modules": "all" } ] }""", "names more than one configuration")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["softmax", "nope"] } ] }""", "unknown module 'nope'")]
    [TestCase("""{ "entries": [ { "preset": "tiny" } ] }""", "entries[0].modules: is missing")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all", "seeds": [0] } ] }""", "entries[0].seeds")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all", "seeds": { "count": 0 } } ] }""", "entries[0].seeds")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all", "seeds": { "count": 2, "last": 3 } } ] }""", "unknown key last")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "top": { "tokens": 2 } } ] }""", "does not run module top")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["top"], "top": { "tokens": 33 } } ] }""", "top.tokens: is 33, more than the caches hold")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["top"], "top": { "memLatency": 65 } } ] }""", "top.memLatency")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": ["top"], "top": { "stall": true } } ] }""", "top.stall: is not a top option")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "set": ["Pim.Rows=100"], "modules": "all" } ] }""", "entries[0]: Pim.Rows: is 100")]
    [TestCase("""{ "entries": [ { "config": "missing.json", "modules": "all" } ] }""", "does not exist")]
    [TestCase("""{ "entries": [ { "preset": "tiny", "modules": "all" }, { "preset": "tiny", "modules": ["softmax"] } ] }""", "lists case tiny/softmax/seed-1 more than once")]
    [TestCase("""{ "entries": [ { "name": "a", "preset": "tiny", "modules": ["qkv"] }, { "name": "a", "preset": "paper", "modules": ["score"] } ] }""", "is labelled \"a\" like")]
    [TestCase("""{ "entries": [ { "name": "a b", "preset": "tiny", "modules": ["qkv"] } ] }""", "not a folder-safe name")]
    public void A_bad_matrix_names_the_problem_and_the_fix(string json, string says)
    {
        var problems = Problems(json);
        TestContext.Out.WriteLine(problems);
        Assert.That(problems, Does.Contain(says).And.Contain("Fix:"));
    }

    [Test]
    public void A_matrix_may_end_its_lists_with_a_comma()
    {
        var cases = Parse("""{ "entries": [ { "preset": "tiny", "modules": ["softmax"], }, ], }""");
        Assert.That(cases.Single().Id, Is.EqualTo("tiny/softmax/seed-1"));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var ex = Assert.Throws<MatrixException>(() => Parse("""{ "entries": [ { "preset": "huge", "modules": "x" }, { "modules": "all" } ] }"""));
        Assert.That(ex!.Errors, Has.Count.EqualTo(3));
    }

    [Test]
    public void The_preload_top_option_is_read_and_a_non_boolean_is_refused()
    {
        var cases = Parse("""{ "entries": [ { "preset": "tiny-mha4", "modules": ["array"], "seeds": [1], "top": { "preload": true } } ] }""");
        Assert.That(cases.Single().Top!.Preload, Is.True);
        Assert.That(cases.Single().Variant, Is.EqualTo("array-preload"));
        Assert.That(Problems("""{ "entries": [ { "preset": "tiny", "modules": ["top"], "top": { "preload": 1 } } ] }"""),
            Does.Contain("entries[0].top.preload: must be true or false"));
    }

    [Test]
    public void The_committed_ci_matrix_is_valid()
    {
        var cases = RegressMatrix.Load(Path.Combine(TestEnvironment.RepositoryRoot, "regress", "ci.json"));
        Assert.That(cases, Is.Not.Empty);
    }

    [Test]
    public void A_seed_count_beyond_the_limit_is_refused_before_a_seed_is_listed()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(Problems("""{ "entries": [ { "preset": "tiny", "modules": "all", "seeds": { "count": 2147483647 } } ] }"""),
            Does.Contain("m.json: entries[0].seeds.count: is 2,147,483,647, more than the 100,000 seeds one entry may run."));
        Assert.That(Problems("""{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": { "count": 100001 } } ] }"""), Does.Contain("is 100,001, more than"));
        Assert.That(Parse("""{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": { "count": 100000 } } ] }"""), Has.Count.EqualTo(100_000),
            "the limit itself is allowed");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void A_matrix_of_more_cases_than_one_regression_runs_is_refused_at_the_entry_that_passes_the_limit()
    {
        var problems = Problems("""
            { "entries": [
              { "preset": "tiny", "modules": ["softmax"], "seeds": { "count": 60000 } },
              { "preset": "tiny", "modules": ["score"], "seeds": { "count": 60000 } }
            ] }
            """);
        Assert.That(problems, Does.Contain("m.json: entries[1]: brings the regression to 120,000 cases or more (with 60,000 of its own: configurations x modules x seeds), more than the 100,000 one regression runs."));
    }

    [TestCase("[\"all\"]", 12, TestName = "All_modules_named_in_an_array_count_as_every_module_against_the_case_limit")]
    [TestCase("\"softmax,top\"", 2, TestName = "Modules_listed_with_commas_in_one_string_count_each_against_the_case_limit")]
    [TestCase("[\"softmax, top\", \"score\"]", 3, TestName = "Modules_listed_with_commas_in_an_array_count_each_against_the_case_limit")]
    public void Modules_are_counted_as_the_expansion_reads_them(string modules, int count)
    {
        var problems = Problems($$"""{ "entries": [ { "preset": "tiny", "modules": {{modules}}, "seeds": { "count": 100000 } } ] }""");
        Assert.That(problems, Does.Contain($"m.json: entries[0]: brings the regression to {count * 100_000:N0} cases or more"));
    }

    [Test]
    public void A_matrix_file_that_never_ends_is_refused_at_its_limit()
    {
        var ex = Assert.Throws<MatrixException>(() => RegressMatrix.Load("/dev/zero"))!;
        Assert.That(ex.Message, Does.Contain("/dev/zero: goes on past the 4 MiB a matrix file may hold"));
    }

    [Test]
    public void An_unknown_preset_is_quoted_as_a_short_escaped_excerpt()
    {
        var name = "\\u001b[31m" + new string('p', 5000);
        Assert.That(Problems($$"""{ "entries": [ { "preset": "{{name}}", "modules": ["softmax"] } ] }"""),
            Does.Contain("entries[0].preset: \"\\x1B[31mppp").And.Contain("...\" (5,005 characters) is not a known preset."));
    }
}
