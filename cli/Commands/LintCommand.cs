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
        var command = new Command("lint", "Render a configuration and lint every module with verilator -Wall (no waivers).");
        configOptions.AddTo(command);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var config = ConfigLoader.Load(configOptions.Source(parse));
            if (Linter.Unelaborable(config) is { } problem)
            {
                // Refused before any work: a module that cannot be elaborated would be linted as nothing, never clean.
                await io.Err.WriteLineAsync("error: " + problem);
                return ExitCodes.BeyondMachine;
            }

            // Each module is linted as its own top: the largest hierarchy Verilator elaborates decides the memory. Above
            // Linter.MaxElaboratedMacros the matrix is a black box, but al_pim_matrix itself is always elaborated in full.
            var elaborated = new[] { "al_pim_macro", "al_qkv", "al_score", "al_context", "al_top", "al_oproj", "al_array" }
                .Select(m => Linter.ElaboratedMacros(config, m)).Where(n => n <= Linter.MaxElaboratedMacros)
                .Append(Linter.ElaboratedMacros(config, "al_pim_matrix")).Max();
            RunCost.Check(RunCost.Lint(config, elaborated), Machine.Current, io.Err.WriteLine);
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
