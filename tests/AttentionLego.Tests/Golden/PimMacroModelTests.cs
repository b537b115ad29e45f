using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using NUnit.Framework;

namespace AttentionLego.Tests.Golden;

public sealed class PimMacroModelTests
{
    /// <summary>A 4x4 macro, 2 lanes of 4-bit slices, 2 ADCs, 8-bit weights, Tiny's ideal 14-bit ADC.</summary>
    private static readonly AttentionConfig TinyMacro = Presets.Tiny with
    {
        Pim = Presets.Tiny.Pim with { Rows = 4, Cols = 4, InputLanes = 2, AdcCount = 2, SliceBits = 4 },
    };

    /// <summary>The same small macro with the paper's lossy ADC (6 bits after a shift by 6).</summary>
    private static readonly AttentionConfig PaperAdcMacro = Presets.Paper with
    {
        Pim = Presets.Paper.Pim with { Rows = 4, Cols = 4, InputLanes = 2, AdcCount = 2 },
    };

    private static readonly long[,] HandWeights =
    {
        { 3, -2, 127, -128 },
        { 5, 7, -1, 0 },
        { -128, 127, 1, 2 },
        { -128, -128, 64, -3 },
    };

    [Test]
    public void The_test_macros_are_legal_configurations()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConfigValidator.Validate(TinyMacro), Is.Empty);
            Assert.That(ConfigValidator.Validate(PaperAdcMacro), Is.Empty);
            Assert.That(PimMath.IsIdealAdc(TinyMacro), Is.True);
            Assert.That(PimMath.IsIdealAdc(PaperAdcMacro), Is.False);
            Assert.That(PaperAdcMacro.Pim.AdcBits, Is.EqualTo(6));
            Assert.That(PaperAdcMacro.Pim.AdcShift, Is.EqualTo(6));
        }
    }

    [Test]
    public void Memory_read_returns_what_was_written_and_unwritten_cells_are_zero()
    {
        var macro = new PimMacroModel(TinyMacro);
        macro.MemWrite(1, 2, -128);
        macro.MemWrite(3, 3, 127);
        macro.MemWrite(3, 3, -7);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(macro.MemRead(1, 2), Is.EqualTo(-128L));
            Assert.That(macro.MemRead(3, 3), Is.EqualTo(-7L));
            Assert.That(macro.MemRead(2, 1), Is.EqualTo(0L));
            Assert.That(macro.MemRead(0, 0), Is.EqualTo(0L));
        }
    }

    [TestCase(128L)]
    [TestCase(-129L)]
    [TestCase(long.MaxValue)]
    [TestCase(long.MinValue)]
    public void Writing_a_weight_that_does_not_fit_the_weight_width_throws(long weight)
    {
        var macro = new PimMacroModel(TinyMacro);

        Assert.That(() => macro.MemWrite(0, 0, weight), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [TestCase(4, 0)]
    [TestCase(0, 4)]
    [TestCase(-1, 0)]
    [TestCase(0, -1)]
    [TestCase(4, 4)]
    public void A_cell_outside_the_macro_throws_on_write_and_read(int row, int col)
    {
        var macro = new PimMacroModel(TinyMacro);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => macro.MemWrite(row, col, 1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => macro.MemRead(row, col), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
    }

    [Test]
    public void Compute_with_the_wrong_number_of_slices_throws()
    {
        var macro = new PimMacroModel(TinyMacro);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => macro.Compute(0, 0, false, [1]), Throws.ArgumentException);
            Assert.That(() => macro.Compute(0, 0, false, [1, 2, 3]), Throws.ArgumentException);
        }
    }

    [Test]
    public void Compute_that_would_drive_rows_or_columns_past_the_macro_throws()
    {
        var macro = new PimMacroModel(TinyMacro);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => macro.Compute(3, 0, false, [1, 1]), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => macro.Compute(0, 3, false, [1, 1]), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
    }

    // Lanes 0 and 1 drive rows row and row+1; ADC j converts column col+j. Expected values by hand from HandWeights.
    // Unsigned slices 15 and 2 on rows 0-1, columns 0-1: 15*3+2*5 and 15*-2+2*7
    [TestCase(0, 0, false, 0xFUL, 0x2UL, 55L, -16L)]
    // Signed slices -1 and 2 on rows 0-1, columns 0-1: -1*3+2*5 and -1*-2+2*7
    [TestCase(0, 0, true, 0xFUL, 0x2UL, 7L, 16L)]
    // Unsigned slices 15 and 2 on rows 0-1, columns 2-3: 15*127+2*-1 and 15*-128+2*0
    [TestCase(0, 2, false, 0xFUL, 0x2UL, 1903L, -1920L)]
    // Signed slices -1 and 2 on rows 0-1, columns 2-3: -1*127+2*-1 and -1*-128+2*0
    [TestCase(0, 2, true, 0xFUL, 0x2UL, -129L, 128L)]
    // Unsigned slices 8 and 8 on rows 2-3, columns 0-1: 8*-128+8*-128 and 8*127+8*-128
    [TestCase(2, 0, false, 0x8UL, 0x8UL, -2048L, -8L)]
    // Signed slices -8 and -8 on rows 2-3, columns 0-1: -8*-128+-8*-128 and -8*127+-8*-128
    [TestCase(2, 0, true, 0x8UL, 0x8UL, 2048L, 8L)]
    // Unsigned slices 15 and 15 on rows 2-3, columns 0-1 reach the most negative column sum exactly
    [TestCase(2, 0, false, 0xFUL, 0xFUL, -3840L, -15L)]
    // Signed slices -1 and -1 on rows 2-3, columns 2-3: -1*1+-1*64 and -1*2+-1*-3
    [TestCase(2, 2, true, 0xFUL, 0xFUL, -65L, 1L)]
    // Zero slices give zero column sums
    [TestCase(2, 2, false, 0x0UL, 0x0UL, 0L, 0L)]
    public void Ideal_macro_returns_the_hand_computed_column_sums(
        int row, int col, bool signedSlices, ulong lane0, ulong lane1, long adc0, long adc1)
    {
        var macro = Load(TinyMacro, HandWeights);

        Assert.That(macro.Compute(row, col, signedSlices, [lane0, lane1]), Is.EqualTo(new[] { adc0, adc1 }));
    }

    [Test]
    public void Compute_leaves_the_weights_unchanged()
    {
        var macro = Load(TinyMacro, HandWeights);

        macro.Compute(0, 0, true, [0xF, 0xF]);

        Assert.That(ReadAll(macro), Is.EqualTo(HandWeights));
    }

    [Test]
    public void Column_sum_register_is_wide_enough_for_every_reachable_column_sum()
    {
        foreach (var config in new[] { TinyMacro, PaperAdcMacro, Presets.Paper, Presets.Tiny })
        {
            var macro = new PimMacroModel(config);
            var needed = PimMath.ColumnSumBits(config.Pim.InputLanes, config.Pim.SliceBits, config.Format.WeightWidth);
            Assert.That(macro.SumWidth, Is.GreaterThanOrEqualTo(needed), $"{config.Pim}");
        }
    }

    [TestCase(0L, 0L)]
    [TestCase(63L, 0L)]
    [TestCase(64L, 1L)]
    [TestCase(100L, 1L)]
    [TestCase(-1L, -1L)]
    [TestCase(-64L, -1L)]
    [TestCase(-65L, -2L)]
    [TestCase(2047L, 31L)]
    [TestCase(2048L, 31L)]
    [TestCase(5000L, 31L)]
    [TestCase(-2048L, -32L)]
    [TestCase(-2049L, -32L)]
    [TestCase(-5000L, -32L)]
    public void Paper_adc_floors_by_64_and_saturates_to_6_bits(long columnSum, long expected)
    {
        var macro = new PimMacroModel(Presets.Paper);

        Assert.That(macro.Adc(columnSum), Is.EqualTo(expected));
    }

    [Test]
    public void Ideal_adc_passes_every_reachable_column_sum_through()
    {
        var macro = new PimMacroModel(TinyMacro);
        var (min, max) = PimMath.ColumnSumRange(2, 4, 8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(macro.Adc(min), Is.EqualTo(min));
            Assert.That(macro.Adc(max), Is.EqualTo(max));
            Assert.That(macro.Adc(-1), Is.EqualTo(-1L));
            Assert.That(macro.Adc(100), Is.EqualTo(100L));
        }
    }

    // Weights on rows 0-1: column 0 = (25, 0), column 1 = (127, 127), column 2 = (-128, -128), column 3 = (65, 1).
    // Paper ADC: 4*25 = 100 floors to 1 and 4*127 = 508 to 7
    [TestCase(0, false, 0x4UL, 0x0UL, 1L, 7L)]
    // Paper ADC: 15*25 = 375 floors to 5 and 15*127*2 = 3810 saturates to 31
    [TestCase(0, false, 0xFUL, 0xFUL, 5L, 31L)]
    // Paper ADC: 15*-128*2 = -3840 saturates to -32 and 15*65+15 = 990 floors to 15
    [TestCase(2, false, 0xFUL, 0xFUL, -32L, 15L)]
    // Paper ADC: signed -1*-128 = 128 gives 2 and -1*65 = -65 floors to -2
    [TestCase(2, true, 0xFUL, 0x0UL, 2L, -2L)]
    // Paper ADC: signed -1*-128 = 128 gives 2 and -1*1 = -1 floors to -1
    [TestCase(2, true, 0x0UL, 0xFUL, 2L, -1L)]
    public void Paper_adc_macro_floors_and_saturates_the_column_sums(
        int col, bool signedSlices, ulong lane0, ulong lane1, long adc0, long adc1)
    {
        var macro = Load(PaperAdcMacro, new long[,]
        {
            { 25, 127, -128, 65 },
            { 0, 127, -128, 1 },
            { 0, 0, 0, 0 },
            { 0, 0, 0, 0 },
        });

        Assert.That(macro.Compute(0, col, signedSlices, [lane0, lane1]), Is.EqualTo(new[] { adc0, adc1 }));
    }

    [Test]
    public void Full_paper_macro_saturates_sixteen_lanes_of_extreme_products()
    {
        var macro = new PimMacroModel(Presets.Paper);
        for (var r = 0; r < 16; r++)
        {
            for (var c = 0; c < 16; c++)
            {
                macro.MemWrite(r, c, c % 2 == 0 ? 127 : -128);
            }
        }

        var allOnes = Enumerable.Repeat(0xFUL, 16).ToArray();
        var unsigned = macro.Compute(0, 0, false, allOnes);
        var signed = macro.Compute(0, 0, true, allOnes);

        using (Assert.EnterMultipleScope())
        {
            // 16*15*127 = 30480 -> 476 -> 31; 16*15*-128 = -30720 -> -480 -> -32.
            Assert.That(unsigned, Is.EqualTo(Enumerable.Range(0, 16).Select(c => c % 2 == 0 ? 31L : -32L).ToArray()));
            // 16*-1*127 = -2032 -> -32 (floor -31.75); 16*-1*-128 = 2048 -> 32 -> 31.
            Assert.That(signed, Is.EqualTo(Enumerable.Range(0, 16).Select(c => c % 2 == 0 ? -32L : 31L).ToArray()));
        }
    }

    private static PimMacroModel Load(AttentionConfig config, long[,] weights)
    {
        var macro = new PimMacroModel(config);
        for (var r = 0; r < weights.GetLength(0); r++)
        {
            for (var c = 0; c < weights.GetLength(1); c++)
            {
                macro.MemWrite(r, c, weights[r, c]);
            }
        }

        return macro;
    }

    private static long[,] ReadAll(PimMacroModel macro)
    {
        var weights = new long[macro.Pim.Rows, macro.Pim.Cols];
        for (var r = 0; r < macro.Pim.Rows; r++)
        {
            for (var c = 0; c < macro.Pim.Cols; c++)
            {
                weights[r, c] = macro.MemRead(r, c);
            }
        }

        return weights;
    }
}
