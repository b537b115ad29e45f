using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class ConfigSourceTests
{
    [Test]
    public void FromPreset_keeps_the_preset_and_the_overrides_in_order()
    {
        var source = ConfigSource.FromPreset("paper", "Pim.AdcShift=4", "Model.Heads=2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(source.Preset, Is.EqualTo("paper"));
            Assert.That(source.ConfigFile, Is.Null);
            Assert.That(source.Overrides, Is.EqualTo(new[] { "Pim.AdcShift=4", "Model.Heads=2" }));
        }
    }

    [Test]
    public void Replays_a_preset_with_its_overrides()
    {
        var source = ConfigSource.FromPreset("paper", "Pim.AdcShift=4");

        Assert.That(source.ToArguments(), Is.EqualTo("--preset paper --set Pim.AdcShift=4"));
    }

    [Test]
    public void Replays_the_default_preset_when_none_was_given()
    {
        var source = new ConfigSource(null, null, []);

        Assert.That(source.ToArguments(), Is.EqualTo("--preset tiny"));
    }

    [Test]
    public void Quotes_words_with_spaces_and_single_quotes_for_the_shell()
    {
        var source = new ConfigSource(null, "/tmp/my config's.json", ["Pim.Rows = 16"]);

        Assert.That(source.ToArguments(), Is.EqualTo("--config '/tmp/my config'\\''s.json' --set 'Pim.Rows = 16'"));
    }

    [Test]
    public void Names_a_file_source_after_the_file()
    {
        var source = new ConfigSource(null, "/data/configs/wide-bus.json", []);

        Assert.That(source.DisplayName, Is.EqualTo("wide-bus"));
    }

    [TestCase("paper", new string[0], "paper")]
    [TestCase("paper", new[] { "Pim.AdcShift=4" }, "paper+overrides")]
    [TestCase(null, new string[0], "tiny")]
    public void Names_a_preset_source_after_the_preset(string? preset, string[] overrides, string expected)
    {
        var source = new ConfigSource(preset, null, overrides);

        Assert.That(source.DisplayName, Is.EqualTo(expected));
    }
}
