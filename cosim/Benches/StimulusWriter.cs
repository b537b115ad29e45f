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

/// <summary>
/// How a bench paces a DUT built on one <c>al_pim_matrix</c> (al_pim_matrix, al_qkv, al_score, al_context): each
/// operation is offered the cycle after the previous one was accepted; memory operations (writes, reads, appends, clears)
/// are taken while no compute step runs and no read response waits, computes when <see cref="MatrixMirror"/> takes x.
/// The bench's one stall register holds the responses off: a read or compute accepted sets it, and it counts down while a
/// response is on offer, so a response may wait out the stall of a later compute that was accepted before it. Operations
/// are recorded first; <see cref="Run"/> then plays them cycle by cycle and gives each response its cycle.
/// </summary>
public sealed class MatrixTimeline
{
    private enum Kind
    {
        Memory,
        Read,
        Compute,
    }

    private sealed record Op(Kind Kind, int Steps, int Stall, Expectation[] Responses);

    private readonly List<Op> _ops = [];

    /// <summary>A write, an append or a clear.</summary>
    public void Memory() => _ops.Add(new Op(Kind.Memory, 0, 0, []));

    /// <summary>A read whose data is <paramref name="response"/> (its cycle is filled in by <see cref="Run"/>).</summary>
    public void Read(int stall, Expectation response) => _ops.Add(new Op(Kind.Read, 0, stall, [response]));

    /// <summary>A product of <paramref name="steps"/> compute steps whose results (one per output port) are <paramref name="responses"/>.</summary>
    public void Compute(int steps, int stall, params Expectation[] responses) => _ops.Add(new Op(Kind.Compute, steps, stall, responses));

    /// <summary>Plays the operations; returns the responses in the order they are taken, and the cycle after the last one.</summary>
    public (List<Expectation> Expected, long End) Run()
    {
        var matrix = new MatrixMirror();
        var expected = new List<Expectation>();
        var products = new Queue<Expectation[]>();
        Expectation[] read = [];
        var (rValid, stall, next) = (false, 0, 0);
        long cycle = 0;
        for (; next < _ops.Count || rValid || matrix.Pending; cycle++)
        {
            var respReady = stall == 0;
            var op = next < _ops.Count ? _ops[next] : null;
            var free = matrix.MemReady && !rValid;
            var fire = op is not null && free && (op.Kind != Kind.Compute || matrix.XReady(respReady));
            var (readFire, xFire) = (fire && op!.Kind == Kind.Read, fire && op!.Kind == Kind.Compute);
            // In the bench's trace order: a read's response before a product's in the same cycle.
            if (rValid && respReady)
            {
                expected.AddRange(read.Select(e => e with { Cycle = cycle }));
            }

            if (matrix.YValid && respReady)
            {
                expected.AddRange(products.Dequeue().Select(e => e with { Cycle = cycle }));
            }

            stall = readFire || xFire ? op!.Stall : (rValid || matrix.YValid) && stall != 0 ? stall - 1 : stall;
            matrix.Edge(xFire, op?.Steps ?? 0, respReady);
            rValid = readFire || (rValid && !respReady);
            read = readFire ? op!.Responses : read;
            if (xFire)
            {
                products.Enqueue(op!.Responses);
            }

            next += fire ? 1 : 0;
        }

        return (expected, cycle);
    }
}
