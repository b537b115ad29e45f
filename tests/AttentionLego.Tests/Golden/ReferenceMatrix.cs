using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

/// <summary>
/// Independent re-implementations the golden model is checked against. They use division and multiplication
/// where the model uses shifts and masks, and they do not share the model's helpers for slicing or the ADC.
/// </summary>
internal static class ReferenceMatrix
{
    /// <summary>y[c] = sum over r of x[r] * w[r, c], in plain 64-bit arithmetic.</summary>
    public static long[] Exact(IReadOnlyList<long> x, long[,] w)
    {
        var y = new long[w.GetLength(1)];
        for (var c = 0; c < y.Length; c++)
        {
            for (var r = 0; r < x.Count; r++)
            {
                y[c] += x[r] * w[r, c];
            }
        }

        return y;
    }

    /// <summary>
    /// The documented PIM arithmetic: for every slice s and every group of InputLanes consecutive inputs, the
    /// column sum of slice values times weights goes through the ADC (floor division by 2^AdcShift, then clamp
    /// to AdcBits signed bits); the ADC outputs of all groups (row groups of every stacked macro) are summed and
    /// scaled by 2^(s*SliceBits + AdcShift). Summation order does not matter: nothing is rounded after the ADC.
    /// </summary>
    public static long[] Documented(AttentionConfig config, IReadOnlyList<long> x, long[,] w)
    {
        var pim = config.Pim;
        var slices = config.Format.DataWidth / pim.SliceBits;
        var y = new long[w.GetLength(1)];
        for (var c = 0; c < y.Length; c++)
        {
            for (var s = 0; s < slices; s++)
            {
                long adcTotal = 0;
                for (var group = 0; group < x.Count / pim.InputLanes; group++)
                {
                    long columnSum = 0;
                    for (var l = 0; l < pim.InputLanes; l++)
                    {
                        var r = (group * pim.InputLanes) + l;
                        columnSum += Slice(x[r], s, pim.SliceBits, top: s == slices - 1) * w[r, c];
                    }

                    adcTotal += Adc(columnSum, pim.AdcBits, pim.AdcShift);
                }

                y[c] += adcTotal * Pow2(s * pim.SliceBits + pim.AdcShift);
            }
        }

        return y;
    }

    /// <summary>Slice s of x: floor(x / 2^(s*sliceBits)) reduced modulo 2^sliceBits, except the top slice.</summary>
    public static long Slice(long x, int s, int sliceBits, bool top)
    {
        var shifted = FloorDiv(x, Pow2(s * sliceBits));
        return top ? shifted : shifted - (FloorDiv(shifted, Pow2(sliceBits)) * Pow2(sliceBits));
    }

    public static long Adc(long columnSum, int adcBits, int adcShift)
    {
        var q = FloorDiv(columnSum, Pow2(adcShift));
        var max = Pow2(adcBits - 1) - 1;
        var min = -Pow2(adcBits - 1);
        return q > max ? max : q < min ? min : q;
    }

    public static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return a % b != 0 && (a < 0) != (b < 0) ? q - 1 : q;
    }

    public static long Pow2(int n)
    {
        long p = 1;
        for (var i = 0; i < n; i++)
        {
            p *= 2;
        }

        return p;
    }

    public static long[,] Fill(int rows, int cols, Func<int, int, long> weight)
    {
        var w = new long[rows, cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                w[r, c] = weight(r, c);
            }
        }

        return w;
    }

    /// <summary>A random signed value that is the minimum or the maximum half of the time.</summary>
    public static long RandomValue(Random rng, int bits) => rng.Next(4) switch
    {
        0 => FixedPoint.MinSigned(bits),
        1 => FixedPoint.MaxSigned(bits),
        _ => rng.NextInt64(FixedPoint.MinSigned(bits), FixedPoint.MaxSigned(bits) + 1),
    };

    public static long[] RandomVector(Random rng, int count, int bits) =>
        Enumerable.Range(0, count).Select(_ => RandomValue(rng, bits)).ToArray();

    /// <summary>A matrix model loaded with <paramref name="w"/> through its memory port.</summary>
    public static PimMatrixModel Load(MatrixShape shape, long[,] w)
    {
        var model = new PimMatrixModel(shape);
        for (var r = 0; r < shape.InDim; r++)
        {
            for (var c = 0; c < shape.OutDim; c++)
            {
                model.MemWrite(r, c, w[r, c]);
            }
        }

        return model;
    }

    /// <summary>
    /// Input vectors that stress the slicing: all minimum, all maximum, -1, the top slice at its minimum with
    /// all-ones lower slices, the top slice at its maximum with all-zero lower slices, alternating extremes.
    /// </summary>
    public static IEnumerable<long[]> ExtremeInputs(int count, int dataWidth, int sliceBits)
    {
        var min = FixedPoint.MinSigned(dataWidth);
        var max = FixedPoint.MaxSigned(dataWidth);
        var lowerOnes = Pow2(dataWidth - sliceBits) - 1;
        yield return Enumerable.Repeat(min, count).ToArray();
        yield return Enumerable.Repeat(max, count).ToArray();
        yield return Enumerable.Repeat(-1L, count).ToArray();
        yield return Enumerable.Repeat(min + lowerOnes, count).ToArray();
        yield return Enumerable.Repeat(max - lowerOnes, count).ToArray();
        yield return Enumerable.Range(0, count).Select(i => i % 2 == 0 ? min : max).ToArray();
    }

    /// <summary>Weight matrices at the extremes: all minimum, all maximum, and min/max checkerboards by row and column.</summary>
    public static IEnumerable<long[,]> ExtremeWeights(int rows, int cols, int weightWidth)
    {
        var min = FixedPoint.MinSigned(weightWidth);
        var max = FixedPoint.MaxSigned(weightWidth);
        yield return Fill(rows, cols, (_, _) => min);
        yield return Fill(rows, cols, (_, _) => max);
        yield return Fill(rows, cols, (r, _) => r % 2 == 0 ? min : max);
        yield return Fill(rows, cols, (r, c) => (r + c) % 2 == 0 ? min : max);
    }
}
