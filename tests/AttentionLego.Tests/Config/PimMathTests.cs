using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class PimMathTests
{
    [TestCase(0L, 0L, 1)]
    [TestCase(-1L, 0L, 1)]
    [TestCase(-1L, -1L, 1)]
    [TestCase(0L, 1L, 2)]
    [TestCase(-2L, 1L, 2)]
    [TestCase(-128L, 127L, 8)]
    [TestCase(-129L, 127L, 9)]
    [TestCase(-128L, 128L, 9)]
    [TestCase(0L, 255L, 9)]
    [TestCase(-32768L, 32767L, 16)]
    [TestCase(-30720L, 30480L, 16)]
    [TestCase(-1040384L, 1048576L, 22)]
    [TestCase(long.MinValue, long.MaxValue, 64)]
    public void SignedBitsFor_returns_the_smallest_twos_complement_width(long min, long max, int expected)
    {
        Assert.That(PimMath.SignedBitsFor(min, max), Is.EqualTo(expected));
    }

    [TestCase(0, 1)]
    [TestCase(1, 1)]
    [TestCase(2, 1)]
    [TestCase(3, 2)]
    [TestCase(16, 4)]
    [TestCase(17, 5)]
    [TestCase(2048, 11)]
    public void AddressBits_is_the_ceiling_log2_and_at_least_one(int count, int expected)
    {
        Assert.That(PimMath.AddressBits(count), Is.EqualTo(expected));
    }

    [TestCase(1, true)]
    [TestCase(2, true)]
    [TestCase(1024, true)]
    [TestCase(0, false)]
    [TestCase(-8, false)]
    [TestCase(12, false)]
    [TestCase(int.MinValue, false)]
    public void IsPowerOfTwo_accepts_only_positive_powers_of_two(int value, bool expected)
    {
        Assert.That(PimMath.IsPowerOfTwo(value), Is.EqualTo(expected));
    }

    [Test]
    public void A_lower_slice_is_unsigned_and_the_top_slice_signed()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PimMath.SliceRange(4, signedSlice: false), Is.EqualTo((0L, 15L)));
            Assert.That(PimMath.SliceRange(4, signedSlice: true), Is.EqualTo((-8L, 7L)));
            Assert.That(PimMath.SliceRange(1, signedSlice: true), Is.EqualTo((-1L, 0L)));
        }
    }

    [Test]
    public void Column_sum_of_16_lanes_of_4_bit_slices_and_8_bit_weights_is_exact()
    {
        // Extremes: 16 x 15 x -128 = -30720 and 16 x 15 x 127 = 30480 (an unsigned slice times a weight);
        // the signed top slice only reaches 16 x -8 x -128 = 16384.
        var range = PimMath.ColumnSumRange(16, 4, 8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(range, Is.EqualTo((-30720L, 30480L)));
            Assert.That(PimMath.ColumnSumBits(16, 4, 8), Is.EqualTo(16));
            Assert.That(PimMath.IdealAdcBits(Presets.Paper.Pim, Presets.Paper.Format), Is.EqualTo(16));
        }
    }

    [Test]
    public void Column_sum_includes_the_signed_top_slice_when_it_reaches_further()
    {
        // One lane of 1-bit slices: the signed slice -1 times weight -128 gives +128, beyond 1 x 127.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PimMath.ColumnSumRange(1, 1, 8), Is.EqualTo((-128L, 128L)));
            Assert.That(PimMath.ColumnSumRange(1, 1, 8, slicesMayBeSigned: false), Is.EqualTo((-128L, 127L)));
            Assert.That(PimMath.ColumnSumBits(1, 1, 8), Is.EqualTo(9));
        }
    }

    [Test]
    public void Tiny_has_a_14_bit_ideal_adc()
    {
        // 4 lanes x 15 x -128 = -7680 and 4 x 15 x 127 = 7620 need 14 bits.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PimMath.ColumnSumRange(4, 4, 8), Is.EqualTo((-7680L, 7620L)));
            Assert.That(Presets.Tiny.Pim.AdcBits, Is.EqualTo(14));
        }
    }

    [Test]
    public void An_ideal_adc_passes_the_whole_column_sum_range()
    {
        var c = Presets.PaperExact;

        Assert.That(PimMath.AdcOutputRange(c), Is.EqualTo(PimMath.ColumnSumRange(16, 4, 8)));
    }

    [Test]
    public void The_lossy_paper_adc_output_fits_its_six_bits()
    {
        // (-30720 >> 6, 30480 >> 6) = (-480, 476), clipped to the 6-bit range.
        var range = PimMath.AdcOutputRange(Presets.Paper);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(range, Is.EqualTo((-32L, 31L)));
            Assert.That(PimMath.SignedBitsFor(range.Min, range.Max), Is.EqualTo(6));
        }
    }

    [Test]
    public void A_shifted_adc_output_floors_negative_sums()
    {
        var c = Presets.Tiny with { Pim = Presets.Tiny.Pim with { AdcShift = 3 } };

        // -7680 >> 3 = -960 and 7620 >> 3 = 952 (floor), both inside 14 bits.
        Assert.That(PimMath.AdcOutputRange(c), Is.EqualTo((-960L, 952L)));
    }

    [Test]
    public void Tiny_projection_accumulator_holds_the_exact_product_bound()
    {
        // 64 inputs of 8-bit activations times 8-bit weights reach 64 x 128 x 128 = 2^20 (and 64 x -128 x 127).
        var exactBits = PimMath.SignedBitsFor(64L * -128 * 127, 64L * 128 * 128);

        var width = PimMath.AccumulatorWidth(Presets.Tiny, Presets.Tiny.Model.DModel);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exactBits, Is.EqualTo(22));
            Assert.That(width, Is.AtLeast(exactBits));
            Assert.That(width, Is.EqualTo(22));
        }
    }

    [Test]
    public void Paper_exact_projection_accumulator_holds_the_exact_product_bound()
    {
        var exactBits = PimMath.SignedBitsFor(4096L * -128 * 127, 4096L * 128 * 128);

        var width = PimMath.AccumulatorWidth(Presets.PaperExact, 4096);

        Assert.That(width, Is.AtLeast(exactBits).And.EqualTo(28));
    }

    [Test]
    public void The_lossy_paper_adc_needs_a_narrower_accumulator_than_the_exact_product()
    {
        // 256 row groups x (-32 x 2^6 + -32 x 2^10) = -8912896 needs 25 bits; the exact product needs 28.
        var exactBits = PimMath.SignedBitsFor(4096L * -128 * 127, 4096L * 128 * 128);

        var width = PimMath.AccumulatorWidth(Presets.Paper, 4096);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(width, Is.EqualTo(25));
            Assert.That(width, Is.LessThan(exactBits));
        }
    }

    [Test]
    public void Accumulator_of_a_single_row_group_is_the_shifted_slice_sum()
    {
        // Tiny with d_model 4: one row group, two slices: (-7680, 7620) x (1 + 16) = (-130560, 129540) -> 18 bits.
        Assert.That(PimMath.AccumulatorWidth(Presets.Tiny, 4), Is.EqualTo(18));
    }
}
