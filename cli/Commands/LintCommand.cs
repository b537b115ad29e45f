using System.CommandLine;
using AttentionLego.Cosim;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego lint</c>: render a configuration and lint every module with <c>verilator --lint-only -Wall</c>.</summary>
public static class LintCommand
{
    public static Command Create(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var command = configOptions.Command("lint", "Render a configuration and lint every module with verilator -Wall (no waivers).");
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var (_, config) = configOptions.Load(parse);
            if (Linter.Unelaborable(config) is { } problem)
            {
                // Refused before any work: a module that cannot be elaborated would be linted as nothing, never clean.
                await io.Err.WriteLineAsync("error: " + problem);
                return ExitCodes.BeyondMachine;
            }

            RunCost.Check(RunCost.Lint(config, Linter.PeakElaboratedMacros(config)), Machine.Current, io.Err.WriteLine);
            var verilator = await VerilatorDriver.LocateAsync(ct);
            // Each module's result is cached by content (what Verilator reads, which Verilator, the flags) beside the builds.
            var results = await Linter.LintAsync(verilator, RtlGenerator.Render(config, ct), Linter.MaxElaboratedMacros, LintCache.Default(io.Out.WriteLine), ct);
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
