using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace AttentionLego.Cosim.Waves;

/// <summary>One clock cycle of a wave: its number (0 = the first rising edge) and the edge's time.</summary>
public readonly record struct WaveCycle(long Number, long Time);

/// <summary>Names, globs and clock cycles shared by <see cref="VcdDiff"/> and <c>attnlego wave show</c>.</summary>
public static class WaveCycles
{
    /// <summary>Compiled globs: a diff matches every name of both files against each glob.</summary>
    private static readonly ConcurrentDictionary<string, Regex> Globs = new(StringComparer.Ordinal);

    /// <summary>A name without Verilator's wrapper scope <c>TOP.</c>, so Verilator and Icarus dumps name signals alike.</summary>
    public static string Normalize(string fullName) => fullName.StartsWith("TOP.", StringComparison.Ordinal) ? fullName[4..] : fullName;

    /// <summary>A glob (<c>*</c> any run, <c>?</c> one character) matches the normalized or the full name, case-sensitively.</summary>
    public static bool Matches(string glob, string fullName)
    {
        var pattern = Globs.GetOrAdd(glob, g => new Regex("^" + Regex.Escape(g).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant));
        return pattern.IsMatch(Normalize(fullName)) || pattern.IsMatch(fullName);
    }

    /// <summary>
    /// The clock: the first variable whose name matches <paramref name="clock"/> (a name or glob), or by default the first
    /// whose leaf name is <c>clk_i</c> or <c>clk</c>. It must be one bit wide.
    /// </summary>
    public static VcdVariable ResolveClock(VcdFile file, string? clock)
    {
        var found = clock is null
            ? file.Variables.FirstOrDefault(v => Leaf(v.FullName) is "clk_i" or "clk")
            : file.Variables.FirstOrDefault(v => Matches(clock, v.FullName));
        if (found is null)
        {
            throw new WaveException(clock is null
                ? $"{file.Source} has no signal named clk_i or clk to count cycles by. Fix: name the clock with --clock (e.g. --clock '*.clk_i')."
                : $"{file.Source} has no signal matching the clock \"{clock}\". Fix: give a full name such as {Example(file)}, or a glob such as '*.clk_i'.");
        }

        if (found.Width != 1 || found.Signal.IsReal)
        {
            throw new WaveException($"the clock {found.FullName} of {file.Source} is {found.Width} bits wide, not one bit. Fix: choose a one-bit clock with --clock.");
        }

        return found;
    }

    /// <summary>The clock's rising edges (0 to 1), numbered from 0, within the cycle and time windows (inclusive, null = open).</summary>
    public static List<WaveCycle> Cycles(VcdSignal clock, long? fromCycle = null, long? toCycle = null, long? fromTime = null, long? toTime = null)
    {
        var cycles = new List<WaveCycle>();
        var previous = 'x';
        long number = 0;
        for (var i = 0; i < clock.ChangeCount; i++)
        {
            var value = clock.ValueOf(i)[0];
            if (previous == '0' && value == '1')
            {
                var time = clock.TimeOf(i);
                if (number >= (fromCycle ?? 0) && number <= (toCycle ?? long.MaxValue) &&
                    time >= (fromTime ?? long.MinValue) && time <= (toTime ?? long.MaxValue))
                {
                    cycles.Add(new WaveCycle(number, time));
                }

                number++;
            }

            previous = value;
        }

        return cycles;
    }

    /// <summary>A value as text: <c>8'h1f</c> without x/z bits, <c>8'b10x1zz00</c> with them; one bit bare; a real as written.</summary>
    public static string Format(string bits, bool isReal = false)
    {
        if (isReal || bits.Length == 1)
        {
            return bits;
        }

        if (bits.AsSpan().IndexOfAny('x', 'z') >= 0)
        {
            return $"{bits.Length}'b{bits}";
        }

        var digits = new char[(bits.Length + 3) / 4];
        for (var d = 0; d < digits.Length; d++)
        {
            var value = 0;
            for (var b = 0; b < 4; b++)
            {
                var index = bits.Length - 1 - (d * 4) - b;
                if (index >= 0 && bits[index] == '1')
                {
                    value |= 1 << b;
                }
            }

            digits[digits.Length - 1 - d] = "0123456789abcdef"[value];
        }

        return $"{bits.Length}'h{new string(digits)}";
    }

    private static string Leaf(string fullName) => fullName[(fullName.LastIndexOf('.') + 1)..];

    private static string Example(VcdFile file) => file.Variables.Count > 0 ? Normalize(file.Variables[0].FullName) : "TOP.tb.clk_i";
}
