using System.Numerics;
using AttentionLego.Gen.Golden;
using NUnit.Framework;

namespace AttentionLego.Tests.Golden;

public sealed class FixedPointTests
{
    [TestCase(0L, 8, 0L)]
    [TestCase(127L, 8, 127L)]
    [TestCase(128L, 8, 127L)]
    [TestCase(-128L, 8, -128L)]
    [TestCase(-129L, 8, -128L)]
    [TestCase(5000L, 6, 31L)]
    [TestCase(-5000L, 6, -32L)]
    [TestCase(1L, 1, 0L)]
    [TestCase(-7L, 1, -1L)]
    [TestCase(long.MaxValue, 8, 127L)]
    [TestCase(long.MinValue, 8, -128L)]
    [TestCase(long.MaxValue, 64, long.MaxValue)]
    [TestCase(long.MinValue, 64, long.MinValue)]
    public void SaturateSigned_clamps_to_the_signed_range_of_the_width(long value, int bits, long expected)
    {
        Assert.That(FixedPoint.SaturateSigned(value, bits), Is.EqualTo(expected));
    }

    [Test]
    public void Min_and_max_signed_bound_the_twos_complement_range()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FixedPoint.MinSigned(1), Is.EqualTo(-1L));
            Assert.That(FixedPoint.MaxSigned(1), Is.EqualTo(0L));
            Assert.That(FixedPoint.MinSigned(8), Is.EqualTo(-128L));
            Assert.That(FixedPoint.MaxSigned(8), Is.EqualTo(127L));
            Assert.That(FixedPoint.MinSigned(64), Is.EqualTo(long.MinValue));
            Assert.That(FixedPoint.MaxSigned(64), Is.EqualTo(long.MaxValue));
            Assert.That(FixedPoint.FitsSigned(127, 8), Is.True);
            Assert.That(FixedPoint.FitsSigned(128, 8), Is.False);
            Assert.That(FixedPoint.FitsSigned(-128, 8), Is.True);
            Assert.That(FixedPoint.FitsSigned(-129, 8), Is.False);
        }
    }

    [TestCase(-1L, 2, -1L)]
    [TestCase(-5L, 1, -3L)]
    [TestCase(5L, 1, 2L)]
    [TestCase(-4L, 1, -2L)]
    [TestCase(-65L, 6, -2L)]
    [TestCase(100L, 6, 1L)]
    [TestCase(-64L, 6, -1L)]
    [TestCase(-3L, 0, -3L)]
    public void ArithmeticShiftRight_floors_towards_minus_infinity(long value, int shift, long expected)
    {
        Assert.That(FixedPoint.ArithmeticShiftRight(value, shift), Is.EqualTo(expected));
    }

    [Test]
    public void ArithmeticShiftRight_equals_floor_division_over_a_range()
    {
        for (var shift = 0; shift <= 8; shift++)
        {
            for (long value = -600; value <= 600; value++)
            {
                var expected = (long)Math.Floor(value / (double)(1L << shift));
                Assert.That(FixedPoint.ArithmeticShiftRight(value, shift), Is.EqualTo(expected), $"{value} >> {shift}");
            }
        }
    }

    [TestCase(5L, 1, 3L)]
    [TestCase(-5L, 1, -2L)]
    [TestCase(4L, 1, 2L)]
    [TestCase(6L, 2, 2L)]
    [TestCase(-6L, 2, -1L)]
    [TestCase(-7L, 2, -2L)]
    [TestCase(7L, 2, 2L)]
    [TestCase(-1L, 1, 0L)]
    [TestCase(-3L, 1, -1L)]
    public void RoundShiftRight_rounds_half_up(long value, int shift, long expected)
    {
        Assert.That(FixedPoint.RoundShiftRight(value, shift), Is.EqualTo(expected));
    }

    [TestCase(0L)]
    [TestCase(5L)]
    [TestCase(-5L)]
    [TestCase(long.MaxValue)]
    [TestCase(long.MinValue)]
    public void RoundShiftRight_by_zero_is_the_identity(long value)
    {
        Assert.That(FixedPoint.RoundShiftRight(value, 0), Is.EqualTo(value));
    }

    [Test]
    public void RoundShiftRight_equals_floor_of_value_plus_one_half_over_a_range()
    {
        for (var shift = 1; shift <= 8; shift++)
        {
            for (long value = -600; value <= 600; value++)
            {
                var expected = (long)Math.Floor((value / (double)(1L << shift)) + 0.5);
                Assert.That(FixedPoint.RoundShiftRight(value, shift), Is.EqualTo(expected), $"round({value} / 2^{shift})");
            }
        }
    }

    [Test]
    public void ToBits_and_FromBitsSigned_round_trip_every_width_from_1_to_64()
    {
        var rng = new Random(1);
        for (var bits = 1; bits <= 64; bits++)
        {
            var min = FixedPoint.MinSigned(bits);
            var max = FixedPoint.MaxSigned(bits);
            var values = new List<long> { min, max, 0, -1, Math.Min(1, max), min + 1, max - 1 };
            for (var i = 0; i < 50; i++)
            {
                values.Add(bits == 64 ? rng.NextInt64(long.MinValue, long.MaxValue) : rng.NextInt64(min, max + 1));
            }

            foreach (var value in values)
            {
                var pattern = FixedPoint.ToBits(value, bits);
                Assert.That(bits == 64 || pattern >> bits == 0, Is.True, $"ToBits({value}, {bits}) = {pattern:x} has bits above the width");
                Assert.That(FixedPoint.FromBitsSigned(pattern, bits), Is.EqualTo(value), $"width {bits}, value {value}");
            }
        }
    }

    [Test]
    public void ToBits_of_minus_one_is_all_ones_and_FromBitsSigned_ignores_bits_above_the_width()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FixedPoint.ToBits(-1, 1), Is.EqualTo(1UL));
            Assert.That(FixedPoint.ToBits(-1, 8), Is.EqualTo(0xFFUL));
            Assert.That(FixedPoint.ToBits(-1, 63), Is.EqualTo(ulong.MaxValue >> 1));
            Assert.That(FixedPoint.ToBits(-128, 8), Is.EqualTo(0x80UL));
            Assert.That(FixedPoint.FromBitsSigned(0xF0F, 4), Is.EqualTo(-1L));
            Assert.That(FixedPoint.FromBitsSigned(0x17, 4), Is.EqualTo(7L));
            Assert.That(FixedPoint.FromBitsSigned(0x1, 1), Is.EqualTo(-1L));
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    [TestCase(8)]
    public void Slices_of_every_8_bit_value_reconstruct_it_exactly(int sliceBits)
    {
        const int dataWidth = 8;
        var slices = dataWidth / sliceBits;
        for (long x = -128; x <= 127; x++)
        {
            long sum = 0;
            for (var s = 0; s < slices; s++)
            {
                var top = s == slices - 1;
                var pattern = FixedPoint.SliceBits(x, s, sliceBits);
                var value = FixedPoint.SliceValue(pattern, sliceBits, top);
                Assert.That(pattern >> sliceBits, Is.EqualTo(0UL), $"slice {s} of {x} is wider than {sliceBits} bits");
                var (min, max) = top ? (FixedPoint.MinSigned(sliceBits), FixedPoint.MaxSigned(sliceBits)) : (0L, (1L << sliceBits) - 1);
                Assert.That(value, Is.InRange(min, max), $"slice {s} of {x}");
                sum += value * (1L << (s * sliceBits));
            }

            Assert.That(sum, Is.EqualTo(x), $"slices of {x} at {sliceBits} bits");
        }
    }

    [Test]
    public void A_slice_pattern_of_all_ones_is_fifteen_unsigned_and_minus_one_signed()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FixedPoint.SliceValue(0xF, 4, signedSlice: false), Is.EqualTo(15L));
            Assert.That(FixedPoint.SliceValue(0xF, 4, signedSlice: true), Is.EqualTo(-1L));
            Assert.That(FixedPoint.SliceValue(0x8, 4, signedSlice: true), Is.EqualTo(-8L));
            Assert.That(FixedPoint.SliceBits(-113, 0, 4), Is.EqualTo(0xFUL));
            Assert.That(FixedPoint.SliceBits(-113, 1, 4), Is.EqualTo(0x8UL));
        }
    }

    [Test]
    public void Pack_puts_element_zero_at_the_least_significant_end()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FixedPoint.Pack([1, 2], 4), Is.EqualTo(new BigInteger(0x21)));
            Assert.That(FixedPoint.Pack([-1, 0], 8), Is.EqualTo(new BigInteger(0x00FF)));
            Assert.That(FixedPoint.Pack([0, -1], 8), Is.EqualTo(new BigInteger(0xFF00)));
            Assert.That(FixedPoint.Pack([-128, 127, -1], 8), Is.EqualTo(new BigInteger(0xFF7F80)));
        }
    }

    [Test]
    public void Pack_and_UnpackSigned_round_trip_across_widths_and_counts()
    {
        var rng = new Random(2);
        for (var width = 1; width <= 63; width++)
        {
            foreach (var count in new[] { 1, 2, 3, 17 })
            {
                var min = FixedPoint.MinSigned(width);
                var max = FixedPoint.MaxSigned(width);
                var values = Enumerable.Range(0, count)
                    .Select(i => (i % 4) switch { 0 => min, 1 => max, _ => rng.NextInt64(min, max + 1) })
                    .ToArray();

                var vector = FixedPoint.Pack(values, width);

                Assert.That(vector.Sign, Is.GreaterThanOrEqualTo(0), $"width {width}, count {count}");
                Assert.That(vector < BigInteger.One << (width * count), Is.True, $"width {width}, count {count}");
                Assert.That(FixedPoint.UnpackSigned(vector, count, width), Is.EqualTo(values), $"width {width}, count {count}");
            }
        }
    }

    [TestCase(0x0, 1, "0")]
    [TestCase(0x1, 1, "1")]
    [TestCase(0x0, 8, "00")]
    [TestCase(0x0, 9, "000")]
    [TestCase(0x5, 12, "005")]
    [TestCase(0xFF, 8, "ff")]
    [TestCase(0x3FF, 10, "3ff")]
    [TestCase(0x80, 8, "80")]
    [TestCase(0x80, 16, "0080")]
    public void ToHex_pads_to_one_digit_per_four_bits_rounded_up(long value, int width, string expected)
    {
        Assert.That(FixedPoint.ToHex(new BigInteger(value), width), Is.EqualTo(expected));
    }

    [Test]
    public void ToHex_of_a_wide_packed_vector_keeps_its_leading_zero_digits()
    {
        var vector = FixedPoint.Pack([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 16);

        Assert.That(FixedPoint.ToHex(vector, 160), Is.EqualTo(new string('0', 39) + "1"));
    }

    [Test]
    public void TryParseHex_reads_what_ToHex_writes()
    {
        var vector = FixedPoint.Pack([-128, 127, -1, 0, 5], 8);

        var ok = FixedPoint.TryParseHex(FixedPoint.ToHex(vector, 40), out var parsed);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(parsed, Is.EqualTo(vector));
        }
    }

    [TestCase("ff", 255L)]
    [TestCase("FF", 255L)]
    [TestCase("80", 128L)]
    [TestCase("0", 0L)]
    [TestCase("8000000000000000", long.MinValue)]
    public void TryParseHex_reads_hex_digits_as_a_non_negative_vector(string text, long expectedBits)
    {
        var ok = FixedPoint.TryParseHex(text, out var value);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(value, Is.EqualTo(new BigInteger((ulong)expectedBits)));
        }
    }

    [TestCase("x")]
    [TestCase("z")]
    [TestCase("X")]
    [TestCase("Z")]
    [TestCase("1x")]
    [TestCase("x1")]
    [TestCase("0z0")]
    [TestCase("-1")]
    [TestCase("0x10")]
    public void TryParseHex_rejects_unknown_and_high_impedance_digits(string text)
    {
        Assert.That(FixedPoint.TryParseHex(text, out _), Is.False);
    }

    [TestCase(0L, 8, 8, 0L)]
    [TestCase(127L, 0, 8, 127L)]
    [TestCase(128L, 0, 8, 127L)]
    [TestCase(-129L, 0, 8, -128L)]
    [TestCase(384L, 8, 8, 2L)]
    [TestCase(383L, 8, 8, 1L)]
    [TestCase(-384L, 8, 8, -1L)]
    [TestCase(-385L, 8, 8, -2L)]
    [TestCase(1L << 40, 8, 8, 127L)]
    [TestCase(-(1L << 40), 8, 8, -128L)]
    [TestCase(5L, 48, 8, 0L)]
    public void Requantize_rounds_half_up_then_saturates(long value, int shift, int bits, long expected) =>
        Assert.That(FixedPoint.Requantize(value, shift, bits), Is.EqualTo(expected));
}
