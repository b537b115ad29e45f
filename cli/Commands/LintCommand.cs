using System.CommandLine;
using AttentionLego.Cosim;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego lint</c>: render a configuration and lint every module with <c>verilator --lint-only -Wall</c>.</summary>
public static class LintCommand
{
    public static Command Create(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var command = new Command("lint", "Render a configuration and lint every module with verilator -Wall (no waivers).");
        configOptions.AddTo(command);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var config = ConfigLoader.Load(configOptions.Source(parse));
            var verilator = await VerilatorDriver.LocateAsync(ct);
            var results = await Linter.LintAsync(verilator, RtlGenerator.Render(config, ct), ct);
            foreach (var result in results)
            {
                var note = result.Note is null ? "" : $" ({result.Note})";
                await io.Out.WriteLineAsync($"{result.TopModule}: {(result.Clean ? "clean" : $"{result.Diagnostics.Count} diagnostics")}{note}");
                foreach (var line in result.Diagnostics)
                {
                    await io.Out.WriteLineAsync("  " + line);
                }
            }

            var failed = results.Count(r => !r.Clean);
            await io.Out.WriteLineAsync($"{results.Count - failed} passed, {failed} failed ({verilator.VersionLine})");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }));
        return command;
    }
}
