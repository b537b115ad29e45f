using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_softmax</c> (docs/NUMERICS.md, "Softmax"): the MaxSeqLen scores of the score stage and
/// a token count n in, n unsigned ProbBits-bit probabilities out (0 for t &gt;= n). Every step is integer:
/// <list type="number">
/// <item>reference m: the maximum of s_0..s_{n-1} (<see cref="SoftmaxMode.Stable"/>) or the fixed window top
///   <see cref="WindowTop"/> (<see cref="SoftmaxMode.Window"/>);</item>
/// <item>LUT index i_t = RoundShiftRight(m - s_t, IndexShift): the logit difference in steps of 2^-LutFracBits;
///   stable mode reads exp 0 past the LUT's end, window mode clamps i_t into the LUT (the fixed input window);</item>
/// <item>e_t = Lut[i_t], S = sum of e_t;</item>
/// <item>r = floor(2^RecipShift / S) by restoring division (all ones when S = 0);</item>
/// <item>p_t = min(2^ProbBits - 1, RoundShiftRight(e_t * r, RecipShift - ProbBits)).</item>
/// </list>
/// </summary>
public sealed class SoftmaxModel
{
    /// <summary>Fraction bits of the reciprocal beyond ExpBits + ProbBits: its truncation costs under 2^-8 LSB of p.</summary>
    public const int RecipGuardBits = 8;

    private long[]? _lut;

    public SoftmaxModel(AttentionConfig config) => Config = config;

    public AttentionConfig Config { get; }

    private SoftmaxConfig S => Config.Softmax;

    /// <summary>The exp LUT: entry i is min(2^ExpBits - 1, round(2^ExpBits * exp(-i / 2^LutFracBits))).</summary>
    /// <remarks>Built on first use: the widths and the cycle model do not need it.</remarks>
    public IReadOnlyList<long> Lut => _lut ??= BuildLut(S);

    /// <summary>Width of a score: the score stage's accumulator.</summary>
    public int ScoreWidth => Config.ScoreShape.AccWidth;

    /// <summary>Effective token count: the count port, at most MaxSeqLen.</summary>
    public int Tokens(long count) => (int)Math.Clamp(count, 0, Config.Model.MaxSeqLen);

    /// <summary>Window mode's fixed reference: the window's top logit (2^(LutAddrBits-1) - 1) / 2^LutFracBits, as a score.</summary>
    public long WindowTop => ((1L << (S.LutAddrBits - 1)) - 1) << S.IndexShift;

    /// <summary>Signed width of m - s_t plus the rounding term, for every reachable score and reference.</summary>
    public int DiffWidth => Math.Max(Math.Max(ScoreWidth, S.IndexShift), PimMath.SignedBitsFor(0, WindowTop)) + 2;

    /// <summary>Width of the exp sum: n entries below 2^ExpBits each.</summary>
    public int SumWidth => S.ExpBits + PimMath.AddressBits(Config.Model.MaxSeqLen + 1);

    /// <summary>K: the reciprocal is 2^K / S.</summary>
    public int RecipShift => S.ExpBits + S.ProbBits + RecipGuardBits;

    /// <summary>
    /// Bits of the reciprocal. Stable mode: S &gt;= Lut[0] = 2^ExpBits - 1 (the maximum's own entry), so 2^K / S
    /// fits K - ExpBits + 1 bits. Window mode: any S &gt;= 1 is possible, so K + 1 bits.
    /// </summary>
    public int RecipWidth => S.Mode == SoftmaxMode.Stable ? RecipShift - S.ExpBits + 1 : RecipShift + 1;

    /// <summary>One cycle per quotient bit.</summary>
    public int DivideCycles => RecipWidth;

    /// <summary>What LUT entry <paramref name="index"/> approximates: 2^ExpBits * exp(-index / 2^LutFracBits).</summary>
    public static double IdealExp(SoftmaxConfig s, int index) =>
        Math.ScaleB(Math.Exp(-index / Math.ScaleB(1.0, s.LutFracBits)), s.ExpBits);

    public static long[] BuildLut(SoftmaxConfig s)
    {
        var max = (1L << s.ExpBits) - 1;
        return [.. Enumerable.Range(0, 1 << s.LutAddrBits).Select(i =>
            Math.Min(max, (long)Math.Round(IdealExp(s, i), MidpointRounding.AwayFromZero)))];
    }

    /// <summary>The reference m: the maximum stored score (stable) or the window top (window).</summary>
    public long Reference(IReadOnlyList<long> scores, int n) =>
        S.Mode == SoftmaxMode.Window ? WindowTop : n == 0 ? FixedPoint.MinSigned(ScoreWidth) : scores.Take(n).Max();

    /// <summary>exp of one score against the reference, from the LUT.</summary>
    public long Exp(long score, long reference)
    {
        var index = (long)(((Int128)reference - score + (S.IndexShift == 0 ? 0 : (Int128)1 << (S.IndexShift - 1))) >> S.IndexShift);
        var last = Lut.Count - 1;
        if (S.Mode == SoftmaxMode.Window)
        {
            return Lut[(int)Math.Clamp(index, 0, last)];
        }

        return index > last ? 0 : Lut[(int)index];
    }

    /// <summary>
    /// Restoring division of 2^K by <paramref name="sum"/>, RecipWidth quotient bits, as the RTL runs it: the
    /// partial remainder starts at 2^K &gt;&gt; RecipWidth and takes one bit of 2^K per cycle. Equals floor(2^K / S)
    /// for every sum the datapath can produce; S = 0 gives all ones.
    /// </summary>
    public ulong Reciprocal(long sum)
    {
        var k = RecipShift;
        var width = RecipWidth;
        var dividend = (UInt128)1 << k;
        var remainder = dividend >> width;
        ulong quotient = 0;
        for (var bit = width - 1; bit >= 0; bit--)
        {
            remainder = (remainder << 1) | ((dividend >> bit) & 1);
            quotient <<= 1;
            if (remainder >= (UInt128)sum)
            {
                remainder -= (UInt128)sum;
                quotient |= 1;
            }
        }

        return quotient;
    }

    /// <summary>p = min(2^ProbBits - 1, round half up of e * r / 2^(K - ProbBits)).</summary>
    public long Normalize(long exp, ulong reciprocal)
    {
        var shift = RecipShift - S.ProbBits;
        var rounded = ((UInt128)(ulong)exp * reciprocal + ((UInt128)1 << (shift - 1))) >> shift;
        var max = (1L << S.ProbBits) - 1;
        return rounded > (UInt128)max ? max : (long)rounded;
    }

    /// <summary>The probabilities of <paramref name="scores"/> (MaxSeqLen of them) with <paramref name="count"/> tokens.</summary>
    public SoftmaxResult Run(IReadOnlyList<long> scores, long count)
    {
        if (scores.Count != Config.Model.MaxSeqLen)
        {
            throw new ArgumentException($"expected {Config.Model.MaxSeqLen} scores (the port's width), got {scores.Count}", nameof(scores));
        }

        var n = Tokens(count);
        var reference = Reference(scores, n);
        var exps = new long[scores.Count];
        long sum = 0;
        for (var t = 0; t < n; t++)
        {
            exps[t] = Exp(scores[t], reference);
            sum += exps[t];
        }

        var reciprocal = Reciprocal(sum);
        var p = new long[scores.Count];
        for (var t = 0; t < n; t++)
        {
            p[t] = Normalize(exps[t], reciprocal);
        }

        return new SoftmaxResult(n, reference, exps, sum, reciprocal, p);
    }

    /// <summary>The probabilities alone.</summary>
    public long[] Probabilities(IReadOnlyList<long> scores, long count) => Run(scores, count).Probabilities;

    /// <summary>
    /// Double-precision softmax of the same integer scores (logit s / 2^ScoreShift) over the first n, in units of
    /// the probability LSB (1.0 = 2^ProbBits): what the integer softmax approximates.
    /// </summary>
    public double[] IdealProbabilities(IReadOnlyList<long> scores, long count)
    {
        var n = Tokens(count);
        var result = new double[scores.Count];
        if (n == 0)
        {
            return result;
        }

        var p = FloatReference.Softmax([.. scores.Take(n).Select(s => Math.ScaleB(s, -S.ScoreShift))]);
        for (var t = 0; t < n; t++)
        {
            result[t] = Math.ScaleB(p[t], S.ProbBits);
        }

        return result;
    }
}

/// <summary>Every intermediate of one softmax: effective count, reference, exps, their sum, the reciprocal, p.</summary>
public sealed record SoftmaxResult(int Tokens, long Reference, long[] Exps, long Sum, ulong Reciprocal, long[] Probabilities);
