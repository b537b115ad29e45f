using System.CommandLine;
using AttentionLego.Gen.Config;

namespace AttentionLego.Cli.Commands;

/// <summary>The options every command that takes a configuration shares: --preset, --config, --set.</summary>
public sealed class ConfigOptions
{
    public Option<string?> Preset { get; } = new("--preset")
    {
        Description = $"Named configuration ({Presets.Names}); default {ConfigLoader.DefaultPreset}.",
    };

    public Option<string?> Config { get; } = new("--config") { Description = "JSON configuration file (every key required)." };

    public Option<string?> Random { get; } = new("--random-config")
    {
        Description = "Draw i of the random regression's master seed S, written S:i (e.g. 1:3); what `regress --random-configs` runs.",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override one key, e.g. --set Pim.Rows=64 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    public void AddTo(Command command) => command.With(Preset, Config, Random, Set);

    /// <summary>A command that takes a configuration: these options, then <paramref name="options"/>.</summary>
    public Command Command(string name, string description, params Option[] options)
    {
        var command = new Command(name, description);
        AddTo(command);
        return command.With(options);
    }

    public ConfigSource Source(ParseResult parse) =>
        new(parse.GetValue(Preset), parse.GetValue(Config), parse.GetValue(Set) ?? [], parse.GetValue(Random));

    /// <summary>The configuration the options name, loaded and validated (<see cref="ConfigLoader.Load"/>), with its source.</summary>
    public (ConfigSource Source, AttentionConfig Config) Load(ParseResult parse)
    {
        var source = Source(parse);
        return (source, ConfigLoader.Load(source));
    }
}
