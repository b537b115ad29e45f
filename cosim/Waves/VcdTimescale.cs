using System.Globalization;
using System.Text.RegularExpressions;

namespace AttentionLego.Cosim.Waves;

/// <summary>A <c>$timescale</c>: 1, 10 or 100 of s, ms, us, ns, ps or fs.</summary>
public sealed partial record VcdTimescale(int Magnitude, string Unit)
{
    public static readonly VcdTimescale Picosecond = new(1, "ps");

    private static readonly string[] Units = ["s", "ms", "us", "ns", "ps", "fs"];

    /// <summary>One time step in femtoseconds (1 s = 10^15 fs fits a long).</summary>
    public long Femtoseconds
    {
        get
        {
            var exponent = 15 - (3 * Array.IndexOf(Units, Unit));
            long scale = 1;
            for (var i = 0; i < exponent; i++)
            {
                scale *= 10;
            }

            return Magnitude * scale;
        }
    }

    /// <summary>Parses "1ps", "1 ns", "10ns" (the tokens between <c>$timescale</c> and <c>$end</c>, joined); null when it is none of those.</summary>
    public static VcdTimescale? TryParse(string text)
    {
        var match = Pattern().Match(text.Trim());
        return match.Success
            ? new VcdTimescale(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value.ToLowerInvariant())
            : null;
    }

    public override string ToString() => $"{Magnitude}{Unit}";

    [GeneratedRegex(@"^(1|10|100)\s*(s|ms|us|ns|ps|fs)$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
