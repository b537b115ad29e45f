using System.CommandLine;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego config validate|show</c>: check a configuration, or print it as a complete JSON file.</summary>
public static class ConfigCommand
{
    public static Command Create(CliIo io)
    {
        var validateOptions = new ConfigOptions();
        var validate = new Command("validate", "Check a configuration and report every violated rule.");
        validateOptions.AddTo(validate);
        validate.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var config = ConfigLoader.Load(validateOptions.Source(parse));
            await io.Out.WriteLineAsync($"valid: {validateOptions.Source(parse).DisplayName} (config {ConfigHash.Of(config)})");
            return ExitCodes.Ok;
        }));

        var showOptions = new ConfigOptions();
        var show = new Command("show", "Print the configuration as JSON (a valid starting point for --config).");
        showOptions.AddTo(show);
        show.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            await io.Out.WriteAsync(ConfigJson.Serialize(ConfigLoader.Load(showOptions.Source(parse))));
            return ExitCodes.Ok;
        }));

        return new Command("config", "Validate or show a configuration.") { validate, show };
    }
}
