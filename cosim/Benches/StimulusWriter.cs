using System.Globalization;
using System.Numerics;
using System.Text;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Cosim.Benches;

/// <summary>Writes "&lt;kind&gt; &lt;row&gt; &lt;col&gt; &lt;hex&gt;" operation lines, the format every bench reads.</summary>
public sealed class StimulusWriter
{
    private readonly StringBuilder _text = new();

    public int Count { get; private set; }

    public void Op(int kind, int row, int col, BigInteger data, int width)
    {
        _text.Append(kind.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(row.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(col.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(FixedPoint.ToHex(data, width)).Append('\n');
        Count++;
    }

    public override string ToString() => _text.ToString();
}

/// <summary>Seeded random values with the corner cases (extremes, zero) drawn often on purpose.</summary>
public sealed class StimulusRandom(int seed)
{
    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    /// <summary>A signed value of <paramref name="bits"/> bits; one in <paramref name="cornerOneIn"/> is min, max or 0.</summary>
    public long Signed(int bits, int cornerOneIn = 8)
    {
        var min = FixedPoint.MinSigned(bits);
        var max = FixedPoint.MaxSigned(bits);
        if (_random.Next(cornerOneIn) == 0)
        {
            return _random.Next(3) switch { 0 => min, 1 => max, _ => 0 };
        }

        return _random.NextInt64(min, max + 1);
    }

    public long[] SignedVector(int count, int bits) => Enumerable.Range(0, count).Select(_ => Signed(bits)).ToArray();
}
