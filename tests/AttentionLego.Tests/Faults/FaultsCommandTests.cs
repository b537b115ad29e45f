using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Faults;

/// <summary><c>attnlego faults draw</c> and <c>faults sweep</c> end to end, and their usage errors.</summary>
public sealed class FaultsCommandTests
{
    [Test]
    public async Task Draw_prints_a_valid_configuration_with_the_map_and_is_reproducible()
    {
        var run = await Attnlego("faults", "draw", "--preset", "tiny", "--kind", "both", "--rate", "0.01", "--seed", "4");
        var again = await Attnlego("faults", "draw", "--preset", "tiny", "--kind", "both", "--rate", "0.01", "--seed", "4");
        Assert.That(run.ExitCode, Is.Zero, run.Err);
        var config = ConfigJson.Bind(ConfigJson.ParseObject(run.Out, "draw"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Out, Is.EqualTo(again.Out));
            Assert.That(ConfigValidator.Validate(config), Is.Empty);
            Assert.That(config.Faults.StuckAt, Is.Not.Empty);
            Assert.That(run.Err, Does.Contain($"{config.Faults.StuckAt.Count} stuck-at bits and {config.Faults.DeadColumns.Count} dead ADC columns"));
        }

        using var temp = new TempFolder();
        var path = temp.Combine("f.json");
        await File.WriteAllTextAsync(path, run.Out);
        var valid = await Attnlego("config", "validate", "--config", path);
        Assert.That(valid.ExitCode, Is.Zero, valid.Err);
    }

    [Test]
    public async Task Sweep_prints_one_row_per_rate_with_a_replay_line()
    {
        var run = await Attnlego("faults", "sweep", "--preset", "tiny", "--rates", "0,0.05", "--seeds", "2", "--tokens", "4", "--markdown");
        Assert.That(run.ExitCode, Is.Zero, run.Err);
        var rows = run.Out.Split('\n').Where(l => l.StartsWith("| 0", StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[0], Does.StartWith("| 0 | 0 | 0 |"));
        Assert.That(rows[1], Does.StartWith("| 0.05 |"));
        Assert.That(run.Out, Does.Contain("Replay: `scripts/attnlego faults sweep --preset tiny --kind stuck-at --rates 0,0.05 --seeds 2"));
    }

    [TestCase("sweep", "--rates", "0,abc", "'abc' is not a fault rate")]
    [TestCase("sweep", "--rates", "1.5", "'1.5' is not a fault rate")]
    [TestCase("draw", "--rate", "-0.1", "'-0.1' is not a fault rate")]
    [TestCase("sweep", "--seeds", "0", "--seeds must be at least 1")]
    [TestCase("sweep", "--kind", "flaky", "flaky")]
    public async Task Bad_options_are_usage_errors(string sub, string option, string value, string message)
    {
        var args = new List<string> { "faults", sub, "--preset", "tiny", option, value };
        if (sub == "draw" && option != "--rate")
        {
            args.AddRange(["--rate", "0.1"]);
        }

        var run = await Attnlego([.. args]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Err);
        Assert.That(run.Err, Does.Contain(message));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public async Task Sweep_refuses_a_configuration_that_already_has_faults_and_tokens_beyond_the_cache()
    {
        var drawn = await Attnlego("faults", "draw", "--preset", "tiny", "--rate", "0.001");
        using var temp = new TempFolder();
        var path = temp.Combine("f.json");
        await File.WriteAllTextAsync(path, drawn.Out);
        var run = await Attnlego("faults", "sweep", "--config", path, "--rates", "0");
        var tokens = await Attnlego("faults", "sweep", "--preset", "tiny", "--rates", "0", "--tokens", "33");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(3));
            Assert.That(run.Err, Does.Contain("already holds a fault map").And.Contain("Fix:"));
            Assert.That(tokens.ExitCode, Is.EqualTo(2));
            Assert.That(tokens.Err, Does.Contain("exceeds Model.MaxSeqLen (32)"));
        }
    }

    [Test]
    public async Task A_fault_entry_that_breaks_a_rule_is_a_config_error_naming_it()
    {
        var drawn = await Attnlego("faults", "draw", "--preset", "tiny", "--rate", "0.001");
        using var temp = new TempFolder();
        var path = temp.Combine("f.json");
        await File.WriteAllTextAsync(path, drawn.Out.Replace("\"Bit\": ", "\"Bit\": 4", StringComparison.Ordinal));
        var run = await Attnlego("generate", "--config", path, "--out", temp.Combine("rtl"));
        Assert.That(run.ExitCode, Is.EqualTo(3), run.Err);
        Assert.That(run.Err, Does.Contain("Faults.StuckAt[0].Bit: is 4"));
        Assert.That(Directory.Exists(temp.Combine("rtl")), Is.False, "nothing is written");
    }
}
