using System.CommandLine;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego presets</c>: the named configurations with their key sizes.</summary>
public static class PresetsCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("presets", "List the named configurations.");
        command.SetAction(async _ =>
        {
            foreach (var preset in Presets.All)
            {
                var c = preset.Config;
                await io.Out.WriteLineAsync($"{preset.Name,-12} {preset.Description}");
                await io.Out.WriteLineAsync(
                    $"{"",-12} macros {c.Pim.Rows}x{c.Pim.Cols}, {c.Pim.InputLanes} lanes, {c.Pim.AdcCount} ADCs of {c.Pim.AdcBits} bits >> {c.Pim.AdcShift}" +
                    $"{(PimMath.IsIdealAdc(c) ? " (ideal)" : " (lossy)")}, {c.Pim.SliceBits}-bit slices; {Heads(c.Model)}config {ConfigHash.Of(c)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Heads(ModelConfig m) => m.IsArray ? $"{m.Heads} head{(m.Heads > 1 ? "s" : "")}{(m.OutputProjection ? " + W_O" : "")}; " : "";
}
