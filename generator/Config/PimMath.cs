namespace AttentionLego.Gen.Config;

/// <summary>Width and range arithmetic shared by the validator, the golden model and the renderer.</summary>
public static class PimMath
{
    /// <summary>Smallest two's complement width that holds every value in [min, max].</summary>
    public static int SignedBitsFor(long min, long max)
    {
        for (var bits = 1; bits < 64; bits++)
        {
            var lo = -(1L << (bits - 1));
            var hi = (1L << (bits - 1)) - 1;
            if (min >= lo && max <= hi)
            {
                return bits;
            }
        }

        return 64;
    }

    /// <summary>Address width for <paramref name="count"/> locations; at least 1 so every port has a bit.</summary>
    public static int AddressBits(int count)
    {
        var bits = 0;
        while ((1L << bits) < count)
        {
            bits++;
        }

        return Math.Max(1, bits);
    }

    public static bool IsPowerOfTwo(int value) => value > 0 && (value & (value - 1)) == 0;

    /// <summary>Range of one slice: unsigned [0, 2^s-1] for lower slices, signed for the top slice.</summary>
    public static (long Min, long Max) SliceRange(int sliceBits, bool signedSlice) =>
        signedSlice ? (-(1L << (sliceBits - 1)), (1L << (sliceBits - 1)) - 1) : (0, (1L << sliceBits) - 1);

    /// <summary>Exact range of an analog column sum: InputLanes products of a slice and a weight.</summary>
    public static (long Min, long Max) ColumnSumRange(int inputLanes, int sliceBits, int weightWidth, bool slicesMayBeSigned = true)
    {
        long wMin = -(1L << (weightWidth - 1));
        long wMax = (1L << (weightWidth - 1)) - 1;
        long min = 0;
        long max = 0;
        foreach (var signedSlice in slicesMayBeSigned ? new[] { false, true } : new[] { false })
        {
            var (sMin, sMax) = SliceRange(sliceBits, signedSlice);
            long[] products = [sMin * wMin, sMin * wMax, sMax * wMin, sMax * wMax];
            min = Math.Min(min, products.Min() * inputLanes);
            max = Math.Max(max, products.Max() * inputLanes);
        }

        return (min, max);
    }

    /// <summary>Width of the column-sum register inside the macro (exact, never wraps).</summary>
    public static int ColumnSumBits(int inputLanes, int sliceBits, int weightWidth)
    {
        var (min, max) = ColumnSumRange(inputLanes, sliceBits, weightWidth);
        return SignedBitsFor(min, max);
    }

    /// <summary>ADC bits that make the macro lossless (with AdcShift 0): the "ideal" ADC.</summary>
    public static int IdealAdcBits(PimConfig pim, FormatConfig format) =>
        ColumnSumBits(pim.InputLanes, pim.SliceBits, format.WeightWidth);

    /// <summary>True when the ADC neither shifts nor saturates any reachable column sum.</summary>
    public static bool IsIdealAdc(AttentionConfig config) =>
        config.Pim.AdcShift == 0 && config.Pim.AdcBits >= IdealAdcBits(config.Pim, config.Format);

    /// <summary>Reachable ADC output range: the column-sum range shifted (floor) and clipped to AdcBits.</summary>
    public static (long Min, long Max) AdcOutputRange(AttentionConfig config)
    {
        var (min, max) = ColumnSumRange(config.Pim.InputLanes, config.Pim.SliceBits, config.Format.WeightWidth);
        var adcMin = -(1L << (config.Pim.AdcBits - 1));
        var adcMax = (1L << (config.Pim.AdcBits - 1)) - 1;
        return (Math.Max(adcMin, min >> config.Pim.AdcShift), Math.Min(adcMax, max >> config.Pim.AdcShift));
    }

    /// <summary>
    /// Width of the full-precision accumulator of a matrix with <paramref name="inDim"/> inputs: the sum over
    /// every slice s, row group and stacked macro of adc &lt;&lt; (s*SliceBits + AdcShift).
    /// </summary>
    public static int AccumulatorWidth(AttentionConfig config, int inDim)
    {
        var pim = config.Pim;
        var groupsAlongInput = (long)(inDim / pim.InputLanes);
        var (aMin, aMax) = AdcOutputRange(config);
        Int128 min = 0;
        Int128 max = 0;
        for (var s = 0; s < config.Slices; s++)
        {
            var weight = (Int128)1 << (s * pim.SliceBits + pim.AdcShift);
            min += aMin * weight;
            max += aMax * weight;
        }

        min *= groupsAlongInput;
        max *= groupsAlongInput;
        for (var bits = 1; bits < 127; bits++)
        {
            var lo = -((Int128)1 << (bits - 1));
            var hi = ((Int128)1 << (bits - 1)) - 1;
            if (min >= lo && max <= hi)
            {
                // Never narrower than one ADC output, which the reduction sign-extends into AccWidth bits.
                return Math.Max(bits, pim.AdcBits);
            }
        }

        return 127;
    }
}
