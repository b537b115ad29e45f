using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.IO;
using CliWrap;

namespace AttentionLego.Cosim.Waves;

/// <summary>Opens a wave file: a VCD directly, an FST through GTKWave's <c>fst2vcd</c> into a temporary VCD.</summary>
public static class WaveFiles
{
    /// <summary>Overrides the <c>fst2vcd</c> executable (like <c>ATTNLEGO_VERILATOR</c> for Verilator).</summary>
    public const string Fst2VcdVariable = "ATTNLEGO_FST2VCD";

    public static async Task<VcdFile> LoadAsync(string path, CancellationToken ct = default)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"wave file {path} does not exist. Fix: check the path (relative paths start at the current directory).", path);
        }

        if (!path.EndsWith(".fst", StringComparison.OrdinalIgnoreCase))
        {
            return VcdReader.Load(path, ct);
        }

        var tool = ToolLocator.Require("fst2vcd", Fst2VcdVariable,
            $"apt-get install gtkwave (it ships fst2vcd, which converts {path} to VCD), or dump a .vcd instead.");
        var temp = Path.Combine(Path.GetTempPath(), $"attnlego-{Guid.NewGuid():N}.vcd");
        using var scratch = Scratch.Register(temp);
        try
        {
            var result = await ToolProcess.ExecuteBufferedAsync(Cli.Wrap(tool).WithArguments(["-f", path, "-o", temp]), ToolStep.Convert,
                $"fst2vcd converting {path}", "check that it is an FST file GTKWave can open, or dump a .vcd instead", ct);
            if (result.ExitCode != 0 || !File.Exists(temp))
            {
                throw new ToolException(ToolFailure.Failed,
                    $"fst2vcd could not convert {path} (exit {result.ExitCode}): {Excerpt.Of(result.StandardError.Trim(), 400)} Fix: check that it is an FST file GTKWave can open.");
            }

            using var reader = new StreamReader(temp);
            return VcdReader.Read(reader, path, ct); // messages name the .fst the user gave
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
