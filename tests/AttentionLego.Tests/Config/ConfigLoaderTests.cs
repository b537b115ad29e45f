using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class ConfigLoaderTests
{
    private string _dir = "";

    [SetUp]
    public void CreateScratchFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "attnlego-config-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteScratchFolder() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [TestCase("tiny")]
    [TestCase("paper")]
    [TestCase("paper-exact")]
    public void Loads_a_preset_unchanged(string name)
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset(name));

        Assert.That(config.Equals(Presets.Find(name)!.Config), Is.True);
    }

    [Test]
    public void Loads_the_tiny_preset_when_neither_preset_nor_file_is_given()
    {
        var config = ConfigLoader.Load(new ConfigSource(null, null, []));

        Assert.That(config.Equals(Presets.Tiny), Is.True);
    }

    [Test]
    public void Finds_a_preset_by_name_in_any_case()
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset("PAPER"));

        Assert.That(config.Pim.Rows, Is.EqualTo(128));
    }

    [Test]
    public void Loads_a_config_file()
    {
        var path = WriteFile("paper.json", ConfigJson.Serialize(Presets.Paper));

        var config = ConfigLoader.Load(new ConfigSource(null, path, []));

        Assert.That(config.Equals(Presets.Paper), Is.True);
    }

    [Test]
    public void Applies_overrides_to_a_config_file()
    {
        var path = WriteFile("tiny.json", ConfigJson.Serialize(Presets.Tiny));

        var config = ConfigLoader.Load(new ConfigSource(null, path, ["Model.MaxSeqLen=64"]));

        Assert.That(config.Model.MaxSeqLen, Is.EqualTo(64));
    }

    [Test]
    public void Validates_a_config_file()
    {
        var path = WriteFile("bad.json", ConfigJson.Serialize(Presets.Tiny with { Model = Presets.Tiny.Model with { Heads = 0 } }));

        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, path, [])));

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Model.Heads" }));
    }

    [Test]
    public void Rejects_a_missing_file_saying_it_does_not_exist()
    {
        var path = Path.Combine(_dir, "nowhere", "missing.json");

        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, path, [])));

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == path && e.Problem == "does not exist."));
    }

    [Test]
    public void Rejects_a_folder_given_as_the_config_file()
    {
        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, _dir, [])));

        Assert.That(errors.Single().Path, Is.EqualTo(_dir));
    }

    [Test]
    public void Rejects_an_empty_config_file_path_as_a_configuration_error()
    {
        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, "", [])));

        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public void Rejects_a_malformed_file_naming_the_file_and_line()
    {
        var path = WriteFile("broken.json", "{\n  \"Model\": {\n    \"DModel\": 64\n    \"DHead\": 16\n");

        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, path, [])));

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == path
            && e.Problem.StartsWith("malformed JSON at line 4", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_a_top_level_array_in_a_file()
    {
        var path = WriteFile("array.json", "[" + ConfigJson.Serialize(Presets.Tiny) + "]");

        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, path, [])));

        Assert.That(errors.Single().Problem, Is.EqualTo("the top level is not a JSON object."));
    }

    [Test]
    public void Rejects_a_preset_and_a_config_file_given_together()
    {
        var path = WriteFile("tiny.json", ConfigJson.Serialize(Presets.Tiny));

        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource("tiny", path, [])));

        Assert.That(errors, Is.EqualTo(new[]
        {
            new ConfigError("--preset/--config", "both were given.", "pass either --preset or --config, not both."),
        }));
    }

    [Test]
    public void Rejects_an_unknown_preset_naming_the_known_presets()
    {
        var errors = ConfigErrors.Of(() => ConfigLoader.Load(ConfigSource.FromPreset("huge")));

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "--preset huge"
            && e.Problem == "is not a known preset."
            && e.Fix.Contains("tiny, paper, paper-exact", StringComparison.Ordinal)));
    }

    [Test]
    public void An_override_changes_the_value()
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset("tiny", "Pim.AdcShift=2"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Pim.AdcShift, Is.EqualTo(2));
            Assert.That((config with { Pim = config.Pim with { AdcShift = 0 } }).Equals(Presets.Tiny), Is.True, "another key changed");
        }
    }

    [Test]
    public void An_override_sets_an_enum_by_name()
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset("tiny", "Softmax.Mode=Window"));

        Assert.That(config.Softmax.Mode, Is.EqualTo(SoftmaxMode.Window));
    }

    [Test]
    public void An_override_tolerates_spaces_and_a_plus_sign()
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset("tiny", " Model.MaxSeqLen = +64 "));

        Assert.That(config.Model.MaxSeqLen, Is.EqualTo(64));
    }

    [Test]
    public void The_last_override_of_a_key_wins()
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset("tiny", "Pim.Rows=100", "Pim.Rows=32", "Model.DHead=32"));

        Assert.That(config.Pim.Rows, Is.EqualTo(32));
    }

    [Test]
    public void Validates_the_overridden_configuration()
    {
        var errors = ConfigErrors.OfTinyWith("Pim.Rows=100");

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Pim.Rows" }));
    }

    [Test]
    public void Rejects_an_override_of_an_unknown_key()
    {
        var errors = ConfigErrors.OfTinyWith("Pim.Foo=16");

        Assert.That(errors, Is.EqualTo(new[]
        {
            new ConfigError("Pim.Foo", "is not a configuration key.",
                "remove it or use one of the known keys here: Rows, Cols, InputLanes, AdcCount, SliceBits, AdcBits, AdcShift."),
        }));
    }

    [Test]
    public void Suggests_the_key_that_a_truncated_or_extended_key_names()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConfigErrors.OfTinyWith("Pim.Row=16").Single().Fix, Does.StartWith("did you mean Rows? (known keys here: Rows, Cols,"));
            Assert.That(ConfigErrors.OfTinyWith("Pim.RowsX=16").Single().Fix, Does.StartWith("did you mean Rows?"));
            Assert.That(ConfigErrors.OfTinyWith("Pim.rows=16").Single().Fix, Does.StartWith("did you mean Rows?"));
        }
    }

    [Test]
    public void Rejects_an_override_of_an_unknown_section_with_a_did_you_mean_hint()
    {
        var errors = ConfigErrors.OfTinyWith("pim.Rows=16");

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "pim"
            && e.Fix.StartsWith("did you mean Pim?", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_an_override_path_into_a_value()
    {
        var errors = ConfigErrors.OfTinyWith("Pim.Rows.X=1");

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "Pim.Rows"
            && e.Problem == "is a value and has no sub-keys."));
    }

    [Test]
    public void Rejects_an_override_of_a_whole_section()
    {
        var errors = ConfigErrors.OfTinyWith("Pim=3");

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "Pim"
            && e.Problem == "is a section, not a value."
            && e.Fix.Contains("Pim.Rows=", StringComparison.Ordinal)));
    }

    [TestCase("Pim.Rows", TestName = "Rejects_an_override_without_an_equals_sign")]
    [TestCase("=16", TestName = "Rejects_an_override_without_a_path")]
    [TestCase("", TestName = "Rejects_an_empty_override")]
    public void Rejects_a_malformed_override(string assignment)
    {
        var errors = ConfigErrors.OfTinyWith(assignment);

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "--set " + assignment
            && e.Problem == "is not of the form Path=value."));
    }

    [TestCase("Pim.Rows=sixteen", "Pim.Rows", "must be a whole number, not the string \"sixteen\"", TestName = "Rejects_an_override_with_a_word_for_a_number")]
    [TestCase("Pim.Rows=16.0", "Pim.Rows", "must be a whole number", TestName = "Rejects_an_override_with_a_decimal_point")]
    [TestCase("Pim.Rows=", "Pim.Rows", "must be a whole number, not the string \"\"", TestName = "Rejects_an_override_with_an_empty_value")]
    [TestCase("Softmax.Mode=1", "Softmax.Mode", "must be one of Stable, Window", TestName = "Rejects_an_override_with_a_number_for_an_enum")]
    public void Rejects_an_override_value_of_the_wrong_type(string assignment, string path, string problem)
    {
        var errors = ConfigErrors.OfTinyWith(assignment);

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == path
            && e.Problem.Contains(problem, StringComparison.Ordinal)));
    }

    [Test]
    public void Reports_every_bad_override_at_once()
    {
        var errors = ConfigErrors.OfTinyWith("Pim.Row=16", "Pim=3", "Quant");

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Pim.Row", "Pim", "--set Quant" }));
    }

    [Test]
    public void Rejects_an_override_in_a_config_file_section_of_the_wrong_type_as_that_type_error()
    {
        var text = ConfigJson.Serialize(Presets.Tiny).Replace("\"Bus\": {\n    \"DataWidth\": 32,\n    \"MaxOutstanding\": 8\n  }", "\"Bus\": 32", StringComparison.Ordinal);
        Assert.That(text, Does.Contain("\"Bus\": 32"), "test setup: Bus was not replaced");
        var path = WriteFile("flat-bus.json", text);

        var errors = ConfigErrors.Of(() => ConfigLoader.Load(new ConfigSource(null, path, ["Bus.DataWidth=64"])));

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Bus"
            && e.Problem.Contains("must be an object", StringComparison.Ordinal)));
    }
}
