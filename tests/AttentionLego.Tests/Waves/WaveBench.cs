using System.Text;

namespace AttentionLego.Tests.Waves;

/// <summary>
/// Hand-made VCD text of a clocked bench for the diff tests: clk_i rises at 10n+5 (cycle n), and every other
/// signal takes its cycle-n value at 10(n-1)+6, one step after the previous edge, so an edge samples cycle n's value.
/// </summary>
public sealed record WaveBench
{
    public string Root { get; init; } = "TOP.tb";

    public int Cycles { get; init; } = 20;

    /// <summary>The timescale and how many of its units one bench step is (1 ns = 1000 of 1ps).</summary>
    public string Timescale { get; init; } = "1ns";

    public long Unit { get; init; } = 1;

    /// <summary>Dump only between these bench times (a windowed dump), or everything.</summary>
    public (long From, long To)? Window { get; init; }

    /// <summary>Signals besides the clock: leaf name, width, value per cycle ('0', '1', 'x', 'z', MSB first).</summary>
    public IReadOnlyList<(string Name, int Width, Func<int, string> Value)> Signals { get; init; } =
    [
        ("count", 8, n => Bits(n & 0xff, 8)),
        ("flag", 1, n => n % 3 == 0 ? "1" : "0"),
    ];

    /// <summary>The same bench with <paramref name="name"/>'s value at <paramref name="cycle"/> changed by <paramref name="change"/>.</summary>
    public WaveBench With(string name, int cycle, Func<string, string> change) => this with
    {
        Signals = [.. Signals.Select(s => s.Name != name ? s : (s.Name, s.Width, n => n == cycle ? change(s.Value(n)) : s.Value(n)))],
    };

    public WaveBench Adding(string name, int width) => this with { Signals = [.. Signals, (name, width, _ => new string('0', width))] };

    public static string Bits(long value, int width) => Convert.ToString(value, 2).PadLeft(width, '0')[^width..];

    /// <summary>Flips bit <paramref name="bit"/> (0 = LSB) of a value.</summary>
    public static Func<string, string> Flip(int bit) => v =>
    {
        var chars = v.ToCharArray();
        var i = chars.Length - 1 - bit;
        chars[i] = chars[i] == '1' ? '0' : '1';
        return new string(chars);
    };

    public string Text()
    {
        var s = new StringBuilder($"$timescale {Timescale} $end\n");
        var scopes = Root.Split('.');
        foreach (var scope in scopes)
        {
            s.Append($"$scope module {scope} $end\n");
        }

        s.Append("$var wire 1 ! clk_i $end\n");
        for (var i = 0; i < Signals.Count; i++)
        {
            var (name, width, _) = Signals[i];
            s.Append($"$var wire {width} {Id(i)} {name}{(width > 1 ? $" [{width - 1}:0]" : "")} $end\n");
        }

        s.Append(string.Concat(Enumerable.Repeat("$upscope $end\n", scopes.Length)) + "$enddefinitions $end\n");

        // Every time at which something changes, with what.
        var events = new SortedDictionary<long, List<string>> { [0] = ["0!", .. Signals.Select((x, i) => Change(i, x.Value(0)))] };
        for (var n = 0; n < Cycles; n++)
        {
            Add(events, (10 * n) + 5, "1!");
            Add(events, (10 * n) + 10, "0!");
            foreach (var (x, i) in Signals.Select((x, i) => (x, i)))
            {
                Add(events, (10 * n) + 6, Change(i, x.Value(n + 1)));
            }
        }

        var state = new Dictionary<string, string>();
        var started = false;
        foreach (var (time, changes) in events)
        {
            foreach (var change in changes)
            {
                state[IdOf(change)] = change;
            }

            if (Window is { } w && (time < w.From || time > w.To))
            {
                continue;
            }

            s.Append($"#{time * Unit}\n");
            if (!started)
            {
                s.Append("$dumpvars\n" + string.Concat(state.Values.Select(v => v + "\n")) + "$end\n");
                started = true;
            }
            else
            {
                s.Append(string.Concat(changes.Select(c => c + "\n")));
            }
        }

        return s.ToString();
    }

    public string WriteTo(string path)
    {
        File.WriteAllText(path, Text());
        return path;
    }

    private string Change(int i, string value) => Signals[i].Width == 1 ? value + Id(i) : $"b{value} {Id(i)}";

    private static string IdOf(string change) => change.StartsWith('b') ? change[(change.IndexOf(' ') + 1)..] : change[1..];

    private static string Id(int i) => ((char)('"' + i)).ToString();

    private static void Add(SortedDictionary<long, List<string>> events, long time, string change)
    {
        if (!events.TryGetValue(time, out var list))
        {
            events[time] = list = [];
        }

        list.Add(change);
    }
}
