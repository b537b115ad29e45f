using System.CommandLine;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego generate</c>: render the RTL of a configuration into a folder, all or nothing.</summary>
public static class GenerateCommand
{
    public static Command Create(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var outOption = new Option<string?>("--out") { Description = "Output folder (default rtl-out/<preset>)." };
        var forceOption = new Option<bool>("--force") { Description = "Replace an output folder that is not empty." };
        var command = configOptions.Command("generate",
            "Render the Verilog of a configuration, with a filelist, a manifest, a design report, a C header (the register map) and a FuseSoC core.",
            outOption, forceOption);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var (source, config) = configOptions.Load(parse);
            var bundle = RtlGenerator.Render(config, ct);
            var folder = parse.GetValue(outOption) ?? Path.Combine("rtl-out", DefaultFolderName(source, bundle.ConfigHash));
            var files = bundle.AllFiles;
            OutputFolder.WriteAtomically(folder, files, parse.GetValue(forceOption), ct);
            foreach (var file in files)
            {
                await io.Out.WriteLineAsync($"  {Path.Combine(folder, file.Name)}");
            }

            await io.Out.WriteLineAsync($"wrote {files.Count} files to {folder} (config {bundle.ConfigHash}, AttentionLego.Gen {GeneratorInfo.Version})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>rtl-out/&lt;preset&gt; for a plain preset; a config hash suffix once anything was changed.</summary>
    private static string DefaultFolderName(ConfigSource source, string hash)
    {
        if (source.ConfigFile is not null || source.RandomDraw is not null)
        {
            return "config-" + hash;
        }

        var preset = Presets.Find(source.Preset ?? ConfigLoader.DefaultPreset)!.Name;
        return source.Overrides.Count == 0 ? preset : $"{preset}-{hash}";
    }
}
