using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class ConfigJsonTests
{
    private static JsonObject Section(JsonObject obj, string name) => (JsonObject)obj[name]!;

    private static IReadOnlyList<ConfigError> BindErrors(JsonObject obj) => ConfigErrors.Of(() => ConfigJson.Bind(obj));

    [TestCase("tiny")]
    [TestCase("paper")]
    [TestCase("paper-exact")]
    public void Round_trips_a_preset_through_its_json_text(string name)
    {
        var config = Presets.Find(name)!.Config;

        var bound = ConfigJson.Bind(ConfigJson.ParseObject(ConfigJson.Serialize(config), name + ".json"));

        Assert.That(bound.Equals(config), Is.True, $"{name} changed in the round trip");
        Assert.That(ConfigJson.Serialize(bound), Is.EqualTo(ConfigJson.Serialize(config)));
    }

    [TestCase("tiny")]
    [TestCase("paper")]
    [TestCase("paper-exact")]
    public void Binds_the_object_built_by_ToJsonObject_back_to_the_same_record(string name)
    {
        var config = Presets.Find(name)!.Config;

        var bound = ConfigJson.Bind(ConfigJson.ToJsonObject(config));

        Assert.That(bound.Equals(config), Is.True, $"{name} changed in the round trip");
    }

    [Test]
    public void Serializes_the_same_bytes_every_time()
    {
        var first = ConfigJson.Serialize(Presets.Paper);
        var second = ConfigJson.Serialize(Presets.Paper);

        Assert.That(Encoding.UTF8.GetBytes(second), Is.EqualTo(Encoding.UTF8.GetBytes(first)));
    }

    [TestCase("tiny")]
    [TestCase("paper")]
    [TestCase("paper-exact")]
    public void Serializes_with_LF_line_ends_and_exactly_one_trailing_newline(string name)
    {
        var text = ConfigJson.Serialize(Presets.Find(name)!.Config);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain("\r"));
            Assert.That(text, Does.EndWith("}\n"));
            Assert.That(text, Does.Not.EndWith("\n\n"));
        }
    }

    [Test]
    public void Serializes_with_a_two_space_indent_and_the_enum_as_its_name()
    {
        var text = ConfigJson.Serialize(Presets.Tiny);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.StartWith("{\n  \"Model\": {\n    \"DModel\": 64,"));
            Assert.That(text, Does.Contain("\"Mode\": \"Stable\""));
        }
    }

    [Test]
    public void Serializes_keys_in_declaration_order()
    {
        var text = ConfigJson.Serialize(Presets.Tiny);
        var expected = new List<string>();
        foreach (var path in ConfigJson.KeyPaths())
        {
            var section = path.Split('.')[0];
            if (expected.LastIndexOf(section) < 0)
            {
                expected.Add(section);
            }

            expected.Add(path.Split('.')[1]);
        }

        var written = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                written.Add(reader.GetString()!);
            }
        }

        Assert.That(written, Is.EqualTo(expected));
    }

    [Test]
    public void Lists_every_leaf_key_path_once()
    {
        var paths = ConfigJson.KeyPaths().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paths, Has.Count.EqualTo(28));
            Assert.That(paths, Is.Unique);
            Assert.That(paths, Does.Contain("Pim.AdcShift").And.Contain("Softmax.Mode").And.Contain("Bus.DataWidth"));
            Assert.That(paths, Has.None.EqualTo("Pim").And.None.EqualTo("Slices"));
        }
    }

    [Test]
    public void Rejects_an_unknown_key_with_a_did_you_mean_hint_for_a_case_mismatch()
    {
        var obj = ConfigErrors.ParsedTiny();
        var model = Section(obj, "Model");
        model.Remove("DModel");
        model["dmodel"] = 64;

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Model.dmodel"
            && e.Problem.Contains("not a configuration key", StringComparison.Ordinal)
            && e.Fix.Contains("did you mean DModel?", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_an_unknown_key_listing_the_known_keys_of_its_section()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Bus")["Width"] = 32;

        var errors = BindErrors(obj);

        Assert.That(errors, Is.EqualTo(new[]
        {
            new ConfigError("Bus.Width", "is not a configuration key.", "remove it or use one of the known keys here: DataWidth, MaxOutstanding."),
        }));
    }

    [Test]
    public void Rejects_an_unknown_top_level_section()
    {
        var obj = ConfigErrors.ParsedTiny();
        obj["Dma"] = new JsonObject();

        var errors = BindErrors(obj);

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Dma" }));
    }

    [Test]
    public void Rejects_a_missing_key_with_its_path()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Pim").Remove("AdcShift");

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "Pim.AdcShift" && e.Problem == "is missing."));
        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public void Rejects_a_missing_section_as_one_error()
    {
        var obj = ConfigErrors.ParsedTiny();
        obj.Remove("Quant");

        var errors = BindErrors(obj);

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Quant" }));
    }

    [Test]
    public void Rejects_a_null_value_as_missing()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Model")["Heads"] = null;

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Model.Heads" && e.Problem == "is missing."));
    }

    [Test]
    public void Rejects_a_string_where_a_whole_number_is_expected()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Pim")["Rows"] = "16";

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Pim.Rows"
            && e.Problem.Contains("must be a whole number, not the string \"16\"", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_an_object_where_a_whole_number_is_expected()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Model")["Heads"] = new JsonObject();

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Model.Heads"
            && e.Problem.Contains("must be a whole number, not an object", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_a_number_where_an_enum_name_is_expected()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Softmax")["Mode"] = 1;

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Softmax.Mode"
            && e.Problem.Contains("must be one of Stable, Window, not the number 1", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_an_unknown_enum_name()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Softmax")["Mode"] = "Fast";

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Softmax.Mode"
            && e.Problem.Contains("not the string \"Fast\"", StringComparison.Ordinal)));
    }

    [Test]
    public void Accepts_an_enum_name_in_any_case()
    {
        var text = ConfigJson.Serialize(Presets.Tiny).Replace("\"Stable\"", "\"window\"", StringComparison.Ordinal);

        var config = ConfigJson.Bind(ConfigJson.ParseObject(text, "tiny.json"));

        Assert.That(config.Softmax.Mode, Is.EqualTo(SoftmaxMode.Window));
    }

    [TestCase("16.5", TestName = "Rejects_a_fractional_number_for_a_whole_number")]
    [TestCase("99999999999", TestName = "Rejects_a_number_outside_the_int_range")]
    [TestCase("true", TestName = "Rejects_a_boolean_for_a_whole_number")]
    [TestCase("[16]", TestName = "Rejects_an_array_for_a_whole_number")]
    public void Rejects_a_value_that_is_not_a_whole_number(string json)
    {
        var text = ConfigJson.Serialize(Presets.Tiny).Replace("\"Rows\": 16", "\"Rows\": " + json, StringComparison.Ordinal);

        var errors = BindErrors(ConfigJson.ParseObject(text, "tiny.json"));

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Pim.Rows"
            && e.Problem.StartsWith("must be a whole number", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_a_value_where_a_section_is_expected()
    {
        var obj = ConfigErrors.ParsedTiny();
        obj["Pim"] = 3;

        var errors = BindErrors(obj);

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == "Pim"
            && e.Problem.Contains("must be an object (a section), not the number 3", StringComparison.Ordinal)));
    }

    [Test]
    public void Reports_every_structural_error_at_once()
    {
        var obj = ConfigErrors.ParsedTiny();
        Section(obj, "Model").Remove("DHead");
        Section(obj, "Pim")["Rows"] = "many";
        Section(obj, "Bus")["Extra"] = 1;

        var errors = BindErrors(obj);

        Assert.That(errors.Select(e => e.Path), Is.EquivalentTo(new[] { "Model.DHead", "Pim.Rows", "Bus.Extra" }));
    }

    [Test]
    public void Rejects_malformed_json_with_its_line_number()
    {
        const string text = "{\n  \"Model\": {\n    \"DModel\": 64,,\n  }\n}\n";

        var errors = ConfigErrors.Of(() => ConfigJson.ParseObject(text, "bad.json"));

        Assert.That(errors, Has.Exactly(1).Matches<ConfigError>(e => e?.Path == "bad.json"
            && e.Problem.StartsWith("malformed JSON at line 3,", StringComparison.Ordinal)));
    }

    [Test]
    public void Rejects_empty_text_as_malformed_json()
    {
        var errors = ConfigErrors.Of(() => ConfigJson.ParseObject("", "empty.json"));

        Assert.That(errors.Single().Problem, Does.StartWith("malformed JSON"));
    }

    [Test]
    public void Accepts_comments_in_the_json_text()
    {
        var text = "// tiny, annotated\n" + ConfigJson.Serialize(Presets.Tiny).Replace("\"Heads\": 1", "\"Heads\": 1 /* one */", StringComparison.Ordinal);

        var config = ConfigJson.Bind(ConfigJson.ParseObject(text, "tiny.json"));

        Assert.That(config.Model.Heads, Is.EqualTo(1));
    }

    [TestCase("[1, 2]", TestName = "Rejects_a_top_level_array")]
    [TestCase("42", TestName = "Rejects_a_top_level_number")]
    [TestCase("null", TestName = "Rejects_a_top_level_null")]
    public void Rejects_a_top_level_that_is_not_an_object(string text)
    {
        var errors = ConfigErrors.Of(() => ConfigJson.ParseObject(text, "top.json"));

        Assert.That(errors, Is.EqualTo(new[]
        {
            new ConfigError("top.json", "the top level is not a JSON object.", "write the configuration as { \"Model\": { ... }, ... }."),
        }));
    }

    [Test]
    public void Rejects_a_duplicate_key_as_a_configuration_error()
    {
        var text = ConfigJson.Serialize(Presets.Tiny).Replace("\"Heads\": 1", "\"Heads\": 1,\n    \"Heads\": 2", StringComparison.Ordinal);

        var errors = ConfigErrors.Of(() => ConfigJson.Bind(ConfigJson.ParseObject(text, "dup.json")));

        Assert.That(errors, Is.Not.Empty);
    }
}
