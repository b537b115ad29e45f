using System.Globalization;
using System.Numerics;
using System.Text;

namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Writes "&lt;kind&gt; &lt;row&gt; &lt;col&gt; &lt;delay&gt; &lt;hex words&gt;" operation lines, the format every bench reads
/// (the delay is a bench's pacing knob: idle cycles after the operation, or cycles a response is held off). Data goes
/// out as hex words of up to <paramref name="chunkBits"/> bits, least significant first (a bench's $fscanf
/// reads one word per call; simulators limit its width); <see cref="Op"/> writes one word, <see cref="WideOp"/>
/// writes <paramref name="chunks"/>.
/// </summary>
public sealed class StimulusWriter(int chunkBits, int chunks = 1)
{
    private readonly StringBuilder _text = new();
    private readonly BigInteger _chunkMask = (BigInteger.One << chunkBits) - 1;

    public int Count { get; private set; }

    public void Op(int kind, int row, int col, BigInteger data, int delay = 0) => Write(kind, row, col, delay, data, 1);

    public void WideOp(int kind, int row, int col, BigInteger data, int delay = 0) => Write(kind, row, col, delay, data, chunks);

    private void Write(int kind, int row, int col, int delay, BigInteger data, int words)
    {
        if (data.Sign < 0 || data >> (chunkBits * words) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(data), $"does not fit {words} words of {chunkBits} bits");
        }

        _text.Append(kind.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(row.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(col.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(delay.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < words; i++)
        {
            var word = (data >> (i * chunkBits)) & _chunkMask;
            _text.Append(' ').Append(word.IsZero ? "0" : FixedPoint.ToHex(word, chunkBits).TrimStart('0'));
        }

        _text.Append('\n');
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

    /// <summary>A uniformly random unsigned value of <paramref name="bits"/> bits.</summary>
    public BigInteger Bits(int bits)
    {
        var bytes = new byte[(bits + 7) / 8];
        _random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) & ((BigInteger.One << bits) - 1);
    }

    public long[] SignedVector(int count, int bits) => Enumerable.Range(0, count).Select(_ => Signed(bits)).ToArray();

    /// <summary>Cycles a response is held off by back-pressure: none two times in three, else 1 to 5.</summary>
    public int Stall() => _random.Next(3) == 0 ? 1 + _random.Next(5) : 0;

    /// <summary>Idle cycles after an operation: none three times in four, else 1 to 3.</summary>
    public int Idle() => _random.Next(4) == 0 ? 1 + _random.Next(3) : 0;
}

/// <summary>
/// How a bench paces a request port: each operation is offered the cycle after the previous one was accepted,
/// and is accepted once the DUT is idle again.
/// </summary>
public sealed class RequestTimeline
{
    private long _idleFrom;

    /// <summary>The cycle the next operation is offered.</summary>
    public long Offered { get; private set; }

    /// <summary>Accepts the next operation; returns the cycle it is accepted.</summary>
    public long Accept()
    {
        var accepted = Math.Max(Offered, _idleFrom);
        Offered = accepted + 1;
        return accepted;
    }

    /// <summary>The DUT takes no request before <paramref name="cycle"/>.</summary>
    public void BusyUntil(long cycle) => _idleFrom = cycle;
}
