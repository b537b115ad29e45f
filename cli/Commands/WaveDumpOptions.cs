using System.CommandLine;
using AttentionLego.Cosim.WaveDumps;

namespace AttentionLego.Cli.Commands;

/// <summary><c>--waves</c> and <c>--wave-format</c>, shared by <c>cosim</c> and <c>regress</c>.</summary>
public sealed class WaveDumpOptions
{
    private readonly Option<string> _waves = new("--waves")
    {
        Description = "Dump waves: never, on-failure (a failing case is run again on a traced build, dumping the cycles around its first mismatch, " +
                      "with golden waves and a GTKWave save file next to it), or always (every case, the whole run).",
        DefaultValueFactory = _ => "on-failure",
    };

    private readonly Option<string> _format = new("--wave-format")
    {
        Description = "Wave dump format: vcd (read by `attnlego wave`) or fst (smaller; for GTKWave).",
        DefaultValueFactory = _ => "vcd",
    };

    public WaveDumpOptions()
    {
        _waves.AcceptOnlyFromAmong("never", "on-failure", "always");
        _format.AcceptOnlyFromAmong("vcd", "fst");
    }

    public void AddTo(Command command) => command.With(_waves, _format);

    public WaveSettings Settings(ParseResult parse) =>
        new(WaveSettings.ParseMode(parse.GetValue(_waves)!), parse.GetValue(_format) == "fst" ? WaveFormat.Fst : WaveFormat.Vcd);
}
