using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>The attnlego command line, run in-process with captured output (CliToolOverrideTests: the cases that set ATTNLEGO_VERILATOR).</summary>
public sealed class CliTests
{
    [Test]
    public async Task Generate_writes_the_modules_filelist_manifest_and_config()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("rtl");
        var run = await Attnlego("generate", "--preset", "tiny", "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            "al_pim_macro.v", "al_pim_matrix.v", "al_requant.v", "al_qkv.v", "al_cache_fill.v", "al_score.v", "al_softmax.v", "al_context.v", "al_head.v", "al_dma.v", "al_controller.v", "al_top.v", RtlBundle.FilelistName, RtlBundle.ManifestName, RtlBundle.ConfigName, DesignReport.FileName,
            SoftwareHeader.FileName, "al_top.core", AttentionLego.Gen.Golden.BackdoorPreload.IncludeName,
        }));
        Assert.That(run.Out, Does.Contain("wrote 19 files"));
        var reloaded = ConfigLoader.Load(new ConfigSource(null, Path.Combine(dir, RtlBundle.ConfigName), []));
        Assert.That(reloaded, Is.EqualTo(Presets.Tiny), "config.json regenerates the same RTL");
    }

    [Test]
    public async Task Generate_is_byte_identical_across_runs()
    {
        using var temp = new TempFolder();
        await Attnlego("generate", "--preset", "paper", "--out", temp.Combine("a"));
        await Attnlego("generate", "--preset", "paper", "--out", temp.Combine("b"));
        foreach (var file in Directory.GetFiles(temp.Combine("a")))
        {
            Assert.That(File.ReadAllBytes(temp.Combine("b", Path.GetFileName(file))), Is.EqualTo(File.ReadAllBytes(file)), file);
        }
    }

    [TestCase("Pim.Rows=100", "Pim.Rows", TestName = "An_invalid_value_names_the_rule_and_writes_nothing")]
    [TestCase("Pim.Foo=1", "Pim.Foo", TestName = "An_unknown_key_is_refused_and_writes_nothing")]
    [TestCase("Model.DModel=abc", "Model.DModel", TestName = "A_value_of_the_wrong_type_is_refused_and_writes_nothing")]
    [TestCase("Pim.Rows", "is not of the form Path=value", TestName = "A_set_without_a_value_is_refused_and_writes_nothing")]
    public async Task Bad_overrides_exit_with_the_config_code_and_leave_no_output(string assignment, string named)
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("out");
        var run = await Attnlego("generate", "--preset", "tiny", "--set", assignment, "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain(named).And.Contain("Fix:"));
        Assert.That(Directory.Exists(dir), Is.False, "no partial output");
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.Empty, "no staging folder either");
    }

    [Test]
    public async Task Pim_rows_100_names_the_multiple_rule()
    {
        var run = await Attnlego("config", "validate", "--preset", "tiny", "--set", "Pim.Rows=100");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("Pim.Rows: is 100; it must be a power of two"));
    }

    [Test]
    public async Task Malformed_json_is_refused_with_its_line()
    {
        using var temp = new TempFolder();
        var file = temp.Combine("bad.json");
        await File.WriteAllTextAsync(file, "{\n  \"Model\": { \"DModel\": 64,, }\n}\n");
        var run = await Attnlego("generate", "--config", file, "--out", temp.Combine("out"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("malformed JSON at line 2"));
        Assert.That(Directory.Exists(temp.Combine("out")), Is.False);
    }

    [Test]
    public async Task A_missing_config_file_is_refused()
    {
        using var temp = new TempFolder();
        var run = await Attnlego("config", "validate", "--config", temp.Combine("nope.json"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("does not exist"));
    }

    [Test]
    public async Task A_config_file_with_a_missing_and_an_unknown_key_reports_both()
    {
        using var temp = new TempFolder();
        var json = ConfigJson.Serialize(Presets.Tiny).Replace("\"Heads\": 1", "\"Headz\": 1", StringComparison.Ordinal);
        var file = temp.Combine("cfg.json");
        await File.WriteAllTextAsync(file, json);
        var run = await Attnlego("config", "validate", "--config", file);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("Model.Headz: is not a configuration key").And.Contain("Model.Heads: is missing"));
    }

    [Test]
    public async Task An_unknown_preset_lists_the_known_ones()
    {
        var run = await Attnlego("generate", "--preset", "huge");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("tiny, paper, paper-exact"));
    }

    [Test]
    public async Task Unknown_options_and_missing_values_are_usage_errors()
    {
        Assert.That((await Attnlego("generate", "--bogus")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("generate", "--out")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim", "--module", "nonsense")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim", "--module", "pim_macro", "--seeds", "0")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim", "--module", "pim_macro", "--seed", "x")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim", "--module", "pim_macro", "--seed", "0")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim", "--module", "pim_macro", "--seed", "2147483647", "--seeds", "2")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim")).Err, Does.Contain("--module"));
    }

    [Test]
    public async Task Whole_head_options_are_checked_before_anything_is_built()
    {
        var tooMany = await Attnlego("cosim", "--module", "top", "--tokens", "33");
        Assert.That(tooMany.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(tooMany.Err, Does.Contain("Model.MaxSeqLen = 32").And.Contain("--tokens 1..32"));
        var wrongModule = await Attnlego("cosim", "--module", "qkv", "--stalls");
        Assert.That(wrongModule.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(wrongModule.Err, Does.Contain("--module top and array only"));
        Assert.That((await Attnlego("cosim", "--module", "top", "--tokens", "0")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((await Attnlego("cosim", "--module", "top", "--mem-latency", "0")).ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public async Task A_non_empty_output_folder_is_kept_unless_forced()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("out");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "notes.txt"), "mine");
        var refused = await Attnlego("generate", "--preset", "tiny", "--out", dir);
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(refused.Err, Does.Contain("--force"));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
        var forced = await Attnlego("generate", "--preset", "tiny", "--out", dir, "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.OutputError), "--force replaces only folders generate wrote");
        Assert.That(forced.Err, Does.Contain("was not written by attnlego generate"));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
    }

    [Test]
    public async Task Force_replaces_an_earlier_generate_output()
    {
        using var temp = new TempFolder();
        var dir = temp.Combine("out");
        Assert.That((await Attnlego("generate", "--preset", "tiny", "--out", dir)).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var forced = await Attnlego("generate", "--preset", "paper", "--out", dir, "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.ReadAllText(Path.Combine(dir, "config.json")), Is.EqualTo(ConfigJson.Serialize(Presets.Paper)));
    }

    [Test]
    public async Task Force_never_replaces_the_current_folder()
    {
        var run = await Attnlego("generate", "--preset", "tiny", "--out", ".", "--force");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(run.Err, Does.Contain("current folder"));
    }

    [Test]
    public async Task Bad_overrides_and_broken_rules_are_reported_together()
    {
        var run = await Attnlego("config", "validate", "--preset", "tiny", "--set", "Pim.Rows=48", "--set", "Model.Foo=1");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("Model.Foo").And.Contain("Pim.Rows: is 48"));
    }

    [Test]
    public async Task Config_show_prints_a_file_that_validates()
    {
        using var temp = new TempFolder();
        var show = await Attnlego("config", "show", "--preset", "paper", "--set", "Model.Heads=2");
        Assert.That(show.ExitCode, Is.EqualTo(ExitCodes.Ok));
        var file = temp.Combine("paper.json");
        await File.WriteAllTextAsync(file, show.Out);
        var validate = await Attnlego("config", "validate", "--config", file);
        Assert.That(validate.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(validate.Out, Does.StartWith("valid:"));
        Assert.That(ConfigLoader.Load(new ConfigSource(null, file, [])).Model.Heads, Is.EqualTo(2));
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task A_work_folder_that_is_a_file_is_an_output_error_not_a_crash()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var file = temp.Combine("plain-file");
        await File.WriteAllTextAsync(file, "x");
        var run = await Attnlego("cosim", "--preset", "tiny", "--module", "pim_macro", "--work-dir", file);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(run.Err, Does.StartWith("error:").And.Contain("--work-dir"));
    }

    [Test]
    public async Task Presets_lists_every_preset()
    {
        var run = await Attnlego("presets");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        foreach (var preset in Presets.All)
        {
            Assert.That(run.Out, Does.Contain(preset.Name));
        }
    }

    [Category(Tier.Tools), Category(Tier.Large)]
    [Test]
    public async Task Lint_reports_every_module_clean()
    {
        await TestEnvironment.RequireVerilatorAsync();
        var run = await Tier.OneLargeAtATime(Presets.Paper, () => Attnlego("lint", "--preset", "paper"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Out, Does.Contain("al_pim_macro: clean").And.Contain("al_pim_matrix: clean").And.Contain("al_requant: clean").And.Contain("al_qkv: clean").And.Contain("al_score: clean").And.Contain("al_context: clean").And.Contain("al_cache_fill: clean").And.Contain("al_softmax: clean").And.Contain("al_head: clean").And.Contain("al_dma: clean").And.Contain("al_controller: clean").And.Contain("al_top: clean").And.Contain("12 passed, 0 failed"));
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task Cosim_passes_and_a_second_run_reuses_the_build()
    {
        await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        string[] args = ["cosim", "--preset", "tiny", "--module", "pim_matrix", "--seeds", "2", "--cache-dir", temp.Combine("cache"), "--work-dir", temp.Combine("work")];
        var first = await Attnlego(args);
        var second = await Attnlego(args);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(first.Out, Does.Contain("2 passed, 0 failed; built in"));
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(second.Out, Does.Contain("2 passed, 0 failed; build cached"));
    }

    [Test]
    public async Task Accuracy_prints_every_figure_and_a_replay_command()
    {
        var run = await Attnlego("accuracy", "--preset", "tiny", "--tokens", "8", "--seed", "3");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Out, Does.StartWith("accuracy:    tiny (config ").And.Contain("seed 3, 8 tokens, 128 outputs"));
        foreach (var label in new[] { "formats:", "cosine:", "error:", "saturated:", "probability:", "softmax LUT:" })
        {
            Assert.That(run.Out, Does.Contain("\n" + label), label);
        }

        Assert.That(run.Out, Does.Contain("tau = 2^-2 = 0.25").And.Contain("at entry 0 (entry 0 = 65535)").And.Contain("tail exp(-8) = 21.98 LSB"));
        Assert.That(run.Out, Does.EndWith("replay:      scripts/attnlego accuracy --preset tiny --tokens 8 --seed 3\n"));
        Assert.That(run.Err, Is.Empty);
    }

    [Test]
    public async Task Accuracy_defaults_to_the_whole_tiny_cache_and_replays_with_overrides()
    {
        var run = await Attnlego("accuracy", "--set", "Quant.ContextShift=7");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Out, Does.Contain("tiny+overrides").And.Contain("seed 1, 32 tokens"));
        Assert.That(run.Out, Does.Contain("replay:      scripts/attnlego accuracy --preset tiny --set Quant.ContextShift=7 --tokens 32 --seed 1"));
    }

    [TestCase("--tokens", "0", "--tokens must be at least 1", TestName = "Accuracy_refuses_zero_tokens")]
    [TestCase("--tokens", "33", "--tokens 33 exceeds Model.MaxSeqLen (32) of tiny", TestName = "Accuracy_refuses_more_tokens_than_the_caches_hold")]
    [TestCase("--seed", "0", "--seed must be at least 1", TestName = "Accuracy_refuses_seed_zero")]
    [TestCase("--tokens", "many", "many", TestName = "Accuracy_refuses_a_token_count_that_is_not_a_number")]
    public async Task Accuracy_argument_errors_are_usage_errors(string option, string value, string message)
    {
        var run = await Attnlego("accuracy", "--preset", "tiny", option, value);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Err, Does.Contain(message));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public async Task Accuracy_on_an_invalid_configuration_is_a_config_error()
    {
        var run = await Attnlego("accuracy", "--preset", "tiny", "--set", "Pim.Rows=100");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(run.Err, Does.Contain("Pim.Rows"));
    }
}
