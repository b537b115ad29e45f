using System.Globalization;
using System.Text;

namespace AttentionLego.Cosim.WaveDumps;

/// <summary>One group of a GTKWave save file: a trace port's actual signals, each followed by its expected twin.</summary>
public sealed record GtkwGroup(string Name, IReadOnlyList<(string Actual, string? Expected, int Width)> Signals);

/// <summary>
/// A GTKWave save file (<c>.gtkw</c>) for the overlay dump: the clock, then one group per trace port with each RTL signal
/// directly above the golden model's expectation of it, the view starting at <paramref name="from"/> and a marker at
/// the first mismatch. GTKWave opens it with <c>gtkwave &lt;folder&gt;/waves.gtkw</c> from any directory: the dump is named by
/// its absolute path, and <c>[savefile]</c> lets GTKWave find it next to the save file when the folder was moved.
/// </summary>
public static class GtkwSave
{
    public static string Render(string dumpFile, string saveFile, string clock, IReadOnlyList<GtkwGroup> groups, long from, long? marker)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line("[*] GTKWave save file written by AttentionLego.Gen: RTL signals with the golden model's expectations below them");
        Line($"[dumpfile] \"{Path.GetFullPath(dumpFile)}\"");
        Line($"[savefile] \"{Path.GetFullPath(saveFile)}\"");
        Line($"[timestart] {from.ToString(inv)}");
        Line("[size] 1600 900");
        Line("[pos] -1 -1");
        Line($"*-4.000000 {(marker ?? -1).ToString(inv)} -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1");
        Line("[sst_width] 300");
        Line("[signals_width] 420");
        Line("[sst_expanded] 1");
        Line("@28");
        Line(clock);
        foreach (var group in groups)
        {
            // 0x800200: a group start, closed by 0x1000200; a blank comment line separates groups.
            Line("@800200");
            Line("-" + group.Name);
            foreach (var (actual, expected, width) in group.Signals)
            {
                Line(width == 1 ? "@28" : "@22");
                Line(Name(actual, width));
                if (expected is not null)
                {
                    Line(Name(expected, width));
                }
            }

            Line("@1000200");
            Line("-" + group.Name);
        }

        Line("[pattern_trace] 1");
        Line("[pattern_trace] 0");
        return text.ToString();
    }

    /// <summary>GTKWave's name of a signal: a vector carries its range.</summary>
    private static string Name(string path, int width) => width == 1 ? path : $"{path}[{width - 1}:0]";
}
