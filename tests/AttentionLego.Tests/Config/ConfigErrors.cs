using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

/// <summary>Runs code that must reject a configuration and returns the errors it reported.</summary>
internal static class ConfigErrors
{
    public static IReadOnlyList<ConfigError> Of(Action load)
    {
        var exception = Assert.Throws<ConfigException>(() => load());
        Assert.That(exception, Is.Not.Null, "expected a ConfigException");
        return exception!.Errors;
    }

    /// <summary>The errors of loading the tiny preset with the given <c>--set</c> overrides.</summary>
    public static IReadOnlyList<ConfigError> OfTinyWith(params string[] overrides) =>
        Of(() => ConfigLoader.Load(ConfigSource.FromPreset("tiny", overrides)));

    /// <summary>The canonical text of a preset parsed back into a JSON object (never the reflection-built object).</summary>
    public static System.Text.Json.Nodes.JsonObject ParsedTiny() =>
        ConfigJson.ParseObject(ConfigJson.Serialize(Presets.Tiny), "tiny.json");
}
