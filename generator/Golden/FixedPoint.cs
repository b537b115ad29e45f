using System.Globalization;
using System.Numerics;

namespace AttentionLego.Gen.Golden;

/// <summary>Two's complement helpers named after the RTL operation they mirror.</summary>
public static class FixedPoint
{
    public static long MinSigned(int bits) => -(1L << (bits - 1));

    public static long MaxSigned(int bits) => (1L << (bits - 1)) - 1;

    public static bool FitsSigned(long value, int bits) => value >= MinSigned(bits) && value <= MaxSigned(bits);

    /// <summary>Clamp to the signed range of <paramref name="bits"/> (the RTL's overflow check on the top bits).</summary>
    public static long SaturateSigned(long value, int bits) => Math.Clamp(value, MinSigned(bits), MaxSigned(bits));

    /// <summary>Arithmetic shift right: floor division by 2^shift, as Verilog's <c>&gt;&gt;&gt;</c> on a signed value.</summary>
    public static long ArithmeticShiftRight(long value, int shift) => value >> shift;

    /// <summary>Round half up (add 2^(shift-1), then floor), as the requantizers do.</summary>
    public static long RoundShiftRight(long value, int shift) =>
        shift == 0 ? value : (long)(((Int128)value + ((Int128)1 << (shift - 1))) >> shift);

    /// <summary>
    /// Requantization (<c>al_requant</c>): round half up by <paramref name="shift"/> bits, then saturate to
    /// <paramref name="bits"/> signed bits.
    /// </summary>
    public static long Requantize(long value, int shift, int bits) => SaturateSigned(RoundShiftRight(value, shift), bits);

    /// <summary>The low <paramref name="bits"/> bits of <paramref name="value"/>, as an unsigned pattern.</summary>
    public static ulong ToBits(long value, int bits) => bits >= 64 ? (ulong)value : (ulong)value & ((1UL << bits) - 1);

    /// <summary>Reads an unsigned <paramref name="bits"/>-bit pattern as a signed value.</summary>
    public static long FromBitsSigned(ulong pattern, int bits)
    {
        var value = (long)(pattern & (bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1));
        return bits < 64 && (value & (1L << (bits - 1))) != 0 ? value - (1L << bits) : value;
    }

    /// <summary>Slice <paramref name="slice"/> of <paramref name="value"/>: bits [s*sliceBits, (s+1)*sliceBits), unsigned.</summary>
    public static ulong SliceBits(long value, int slice, int sliceBits) => ((ulong)value >> (slice * sliceBits)) & ((1UL << sliceBits) - 1);

    /// <summary>The value of a slice pattern: signed for the top slice of a signed input, else unsigned.</summary>
    public static long SliceValue(ulong pattern, int sliceBits, bool signedSlice) =>
        signedSlice ? FromBitsSigned(pattern, sliceBits) : (long)pattern;

    /// <summary>
    /// Packs elements into one vector, element 0 at the least significant end (the RTL's bus order). The bits go into a
    /// little-endian byte buffer that becomes one BigInteger: shifting a growing vector once per element took time
    /// quadratic in the elements, and was most of the time a tiny head's bench spent on its memory image.
    /// </summary>
    public static BigInteger Pack(IReadOnlyList<long> values, int width)
    {
        var bytes = new byte[(((long)values.Count * width) + 7) / 8];
        for (var i = 0; i < values.Count; i++)
        {
            var bits = ToBits(values[i], width);
            for (long pos = (long)i * width, left = width; left > 0 && bits != 0;)
            {
                var offset = (int)(pos & 7);
                var take = (int)Math.Min(8 - offset, left);
                bytes[pos >> 3] |= (byte)((bits & ((1UL << take) - 1)) << offset);
                (bits, pos, left) = (bits >> take, pos + take, left - take);
            }
        }

        return new BigInteger(bytes, isUnsigned: true);
    }

    /// <summary>Splits a packed vector into <paramref name="count"/> signed elements of <paramref name="width"/> bits.</summary>
    public static long[] UnpackSigned(BigInteger vector, int count, int width)
    {
        var mask = (BigInteger.One << width) - 1;
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = FromBitsSigned((ulong)((vector >> (i * width)) & mask), width);
        }

        return values;
    }

    /// <summary>Lower-case hex of exactly ceil(width/4) digits, as Verilog's <c>%h</c> prints a vector.</summary>
    public static string ToHex(BigInteger vector, int width)
    {
        var digits = (width + 3) / 4;
        var hex = vector.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        return hex.PadLeft(digits, '0');
    }

    /// <summary>Parses hex digits (no prefix); returns false on any non-hex character, such as an x or z bit.</summary>
    public static bool TryParseHex(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        return text.Length > 0 && BigInteger.TryParse("0" + text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
