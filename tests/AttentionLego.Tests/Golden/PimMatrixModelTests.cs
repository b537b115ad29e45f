using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using NUnit.Framework;

namespace AttentionLego.Tests.Golden;

public sealed class PimMatrixModelTests
{
    /// <summary>Hand-picked geometries: one macro, non-square macros, 1-bit slices, SliceBits = DataWidth, stacks.</summary>
    private static readonly Geometry[] HandPickedGeometries =
    [
        new(Rows: 4, Cols: 4, InputLanes: 2, AdcCount: 2, SliceBits: 4, DataWidth: 8, WeightWidth: 8, MacrosIn: 1, MacrosOut: 1),
        new(Rows: 16, Cols: 8, InputLanes: 4, AdcCount: 2, SliceBits: 1, DataWidth: 8, WeightWidth: 8, MacrosIn: 2, MacrosOut: 2),
        new(Rows: 8, Cols: 16, InputLanes: 2, AdcCount: 4, SliceBits: 8, DataWidth: 8, WeightWidth: 8, MacrosIn: 4, MacrosOut: 1),
        new(Rows: 8, Cols: 8, InputLanes: 8, AdcCount: 8, SliceBits: 8, DataWidth: 8, WeightWidth: 4, MacrosIn: 1, MacrosOut: 1),
        new(Rows: 4, Cols: 8, InputLanes: 4, AdcCount: 8, SliceBits: 4, DataWidth: 4, WeightWidth: 4, MacrosIn: 3, MacrosOut: 2),
        new(Rows: 2, Cols: 2, InputLanes: 1, AdcCount: 1, SliceBits: 2, DataWidth: 4, WeightWidth: 8, MacrosIn: 2, MacrosOut: 3),
        new(Rows: 16, Cols: 16, InputLanes: 4, AdcCount: 4, SliceBits: 4, DataWidth: 8, WeightWidth: 8, MacrosIn: 4, MacrosOut: 1),
        new(Rows: 8, Cols: 4, InputLanes: 1, AdcCount: 4, SliceBits: 2, DataWidth: 8, WeightWidth: 4, MacrosIn: 2, MacrosOut: 1),
        new(Rows: 16, Cols: 8, InputLanes: 16, AdcCount: 1, SliceBits: 1, DataWidth: 4, WeightWidth: 8, MacrosIn: 1, MacrosOut: 2),
    ];

    private static IEnumerable<Geometry> IdealGeometries() => HandPickedGeometries.Concat(Enumerable.Range(1, 12).Select(RandomGeometry));

    private static IEnumerable<LossyCase> LossyCases()
    {
        var small = new Geometry(Rows: 8, Cols: 4, InputLanes: 4, AdcCount: 2, SliceBits: 4, DataWidth: 8, WeightWidth: 8, MacrosIn: 2, MacrosOut: 2);
        yield return new LossyCase("paper-like ADC (6 bits, shift 6) on 8x4 macros", small.LossyConfig(adcBits: 6, adcShift: 6), small.InDim, small.OutDim);

        var saturating = new Geometry(Rows: 4, Cols: 4, InputLanes: 2, AdcCount: 2, SliceBits: 2, DataWidth: 8, WeightWidth: 8, MacrosIn: 2, MacrosOut: 1);
        yield return new LossyCase("4-bit ADC without shift (saturation only)", saturating.LossyConfig(adcBits: 4, adcShift: 0), saturating.InDim, saturating.OutDim);

        var flooring = new Geometry(Rows: 8, Cols: 8, InputLanes: 4, AdcCount: 4, SliceBits: 4, DataWidth: 8, WeightWidth: 8, MacrosIn: 1, MacrosOut: 1);
        yield return new LossyCase("wide ADC with shift 3 (floor only)", flooring.LossyConfig(adcBits: 14, adcShift: 3), flooring.InDim, flooring.OutDim);

        var oneBit = new Geometry(Rows: 8, Cols: 8, InputLanes: 8, AdcCount: 2, SliceBits: 1, DataWidth: 4, WeightWidth: 4, MacrosIn: 2, MacrosOut: 2);
        yield return new LossyCase("3-bit ADC with shift 2 on 1-bit slices", oneBit.LossyConfig(adcBits: 3, adcShift: 2), oneBit.InDim, oneBit.OutDim);

        yield return new LossyCase("the paper preset, two stacked 128x128 macros", Presets.Paper, 256, 128);
    }

    [TestCaseSource(nameof(IdealGeometries))]
    public void Ideal_adc_makes_the_matrix_an_exact_matrix_vector_product(Geometry geometry)
    {
        var config = geometry.IdealConfig();
        Assert.That(ConfigValidator.Validate(config), Is.Empty, "the test geometry must be a legal configuration");
        Assert.That(PimMath.IsIdealAdc(config), Is.True);
        var shape = geometry.Shape(config);
        var rng = new Random(geometry.Seed);

        var weightSets = ReferenceMatrix.ExtremeWeights(shape.InDim, shape.OutDim, geometry.WeightWidth)
            .Prepend(ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => ReferenceMatrix.RandomValue(rng, geometry.WeightWidth)))
            .ToList();
        var inputs = ReferenceMatrix.ExtremeInputs(shape.InDim, geometry.DataWidth, geometry.SliceBits)
            .Concat(Enumerable.Range(0, 4).Select(_ => ReferenceMatrix.RandomVector(rng, shape.InDim, geometry.DataWidth)))
            .ToList();

        foreach (var w in weightSets)
        {
            var model = ReferenceMatrix.Load(shape, w);
            Assert.That(ReadAll(model), Is.EqualTo(w), "memory read returns what was written");
            foreach (var x in inputs)
            {
                var exact = ReferenceMatrix.Exact(x, w);
                Assert.That(model.Multiply(x), Is.EqualTo(exact), $"x = [{string.Join(", ", x)}]");
                Assert.That(ReferenceMatrix.Documented(config, x, w), Is.EqualTo(exact), "the reference arithmetic itself is exact with an ideal ADC");
            }
        }
    }

    // Widths 5, 6 and 7 (and the 3-bit slice of 6-bit data) are sound arithmetic, but the validator rejects them
    // because a 32-bit bus beat must carry whole activations and weights; every other rule holds.
    [TestCase(3, 6, 6)]
    [TestCase(2, 6, 5)]
    [TestCase(1, 5, 7)]
    [TestCase(7, 7, 5)]
    public void Ideal_adc_is_exact_for_widths_the_bus_cannot_carry(int sliceBits, int dataWidth, int weightWidth)
    {
        var geometry = new Geometry(Rows: 4, Cols: 4, InputLanes: 2, AdcCount: 2, sliceBits, dataWidth, weightWidth, MacrosIn: 2, MacrosOut: 2);
        // The probabilities feed the V cache in slices too: keep their width a multiple of the slice width.
        var config = geometry.IdealConfig() with { Softmax = geometry.IdealConfig().Softmax with { ProbBits = dataWidth } };
        Assert.That(ConfigValidator.Validate(config).Select(e => e.Path), Has.All.EqualTo("Bus.DataWidth"));
        var shape = geometry.Shape(config);
        var rng = new Random(sliceBits * 100 + dataWidth * 10 + weightWidth);

        foreach (var w in ReferenceMatrix.ExtremeWeights(shape.InDim, shape.OutDim, weightWidth)
                     .Append(ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => ReferenceMatrix.RandomValue(rng, weightWidth))))
        {
            var model = ReferenceMatrix.Load(shape, w);
            foreach (var x in ReferenceMatrix.ExtremeInputs(shape.InDim, dataWidth, sliceBits)
                         .Append(ReferenceMatrix.RandomVector(rng, shape.InDim, dataWidth)))
            {
                Assert.That(model.Multiply(x), Is.EqualTo(ReferenceMatrix.Exact(x, w)), $"x = [{string.Join(", ", x)}]");
            }
        }
    }

    [Test]
    public void Changing_one_weight_changes_only_its_output_by_the_input_times_the_change()
    {
        var config = Presets.Tiny;
        var shape = config.ProjectionShape;
        var rng = new Random(7);
        var w = ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => rng.Next(-100, 100));
        var x = ReferenceMatrix.RandomVector(rng, shape.InDim, config.Format.DataWidth);
        x[37] = -93;
        var model = ReferenceMatrix.Load(shape, w);
        var before = model.Multiply(x);

        // Row 37 lives in the third stacked macro (rows 32..47), column 9 in column group 2.
        model.MemWrite(37, 9, w[37, 9] + 5);
        var after = model.Multiply(x);

        var expected = (long[])before.Clone();
        expected[9] += -93 * 5;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after, Is.Not.EqualTo(before));
            Assert.That(after, Is.EqualTo(expected));
        }
    }

    [Test]
    public void A_unit_input_reads_out_one_row_of_weights_from_the_right_macro()
    {
        var geometry = HandPickedGeometries[1];
        var config = geometry.IdealConfig();
        var shape = geometry.Shape(config);
        var w = ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (r, c) => ((r * 7) + (c * 3)) % 255 - 127);
        var model = ReferenceMatrix.Load(shape, w);

        foreach (var row in new[] { 0, 1, 15, 16, 31 })
        {
            var x = new long[shape.InDim];
            x[row] = 1;
            var expected = Enumerable.Range(0, shape.OutDim).Select(c => w[row, c]).ToArray();
            Assert.That(model.Multiply(x), Is.EqualTo(expected), $"row {row}");
        }
    }

    [TestCaseSource(nameof(LossyCases))]
    public void Lossy_adc_matrix_equals_the_documented_arithmetic(LossyCase lossy)
    {
        Assert.That(ConfigValidator.Validate(lossy.Config), Is.Empty, "the test configuration must be legal");
        Assert.That(PimMath.IsIdealAdc(lossy.Config), Is.False);
        var shape = lossy.Shape;
        var format = lossy.Config.Format;
        var rng = new Random(lossy.Name.Length);

        var weightSets = ReferenceMatrix.ExtremeWeights(shape.InDim, shape.OutDim, format.WeightWidth)
            .Concat(Enumerable.Range(0, 2).Select(_ =>
                ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => ReferenceMatrix.RandomValue(rng, format.WeightWidth))))
            .ToList();
        var inputs = ReferenceMatrix.ExtremeInputs(shape.InDim, format.DataWidth, lossy.Config.Pim.SliceBits)
            .Concat(Enumerable.Range(0, 4).Select(_ => ReferenceMatrix.RandomVector(rng, shape.InDim, format.DataWidth)))
            .ToList();

        var differs = false;
        foreach (var w in weightSets)
        {
            var model = ReferenceMatrix.Load(shape, w);
            foreach (var x in inputs)
            {
                var y = model.Multiply(x);
                Assert.That(y, Is.EqualTo(ReferenceMatrix.Documented(lossy.Config, x, w)), $"x = [{string.Join(", ", x)}]");
                differs |= !y.SequenceEqual(ReferenceMatrix.Exact(x, w));
            }
        }

        Assert.That(differs, Is.True, "a lossy ADC must lose information for some extreme input");
    }

    [Test]
    public void Paper_like_adc_loses_information_on_large_inputs_but_stays_bit_exact()
    {
        var lossy = LossyCases().First();
        var shape = lossy.Shape;
        var w = ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => 127);
        var x = Enumerable.Repeat(127L, shape.InDim).ToArray();
        var model = ReferenceMatrix.Load(shape, w);

        var y = model.Multiply(x);

        // Per group of 4 lanes: slice 0 = 15 gives 4*15*127 = 7620 -> 119 -> 31; slice 1 = 7 gives 3556 -> 55 -> 31.
        // 4 groups along the 16 inputs: y = 4 * 31 * (2^6 + 2^10) = 134912, against the exact 16*127*127 = 258064.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(y, Is.EqualTo(Enumerable.Repeat(134912L, shape.OutDim).ToArray()));
            Assert.That(ReferenceMatrix.Exact(x, w), Is.EqualTo(Enumerable.Repeat(258064L, shape.OutDim).ToArray()));
            Assert.That(y, Is.EqualTo(ReferenceMatrix.Documented(lossy.Config, x, w)));
        }
    }

    [Test]
    public void Paper_like_adc_is_exact_when_every_column_sum_is_a_multiple_of_64_and_small()
    {
        var lossy = LossyCases().First();
        var shape = lossy.Shape;
        var w = ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (r, c) => r == c ? 64 : 0);
        var x = Enumerable.Range(0, shape.InDim).Select(i => (long)(i % 2 == 0 ? 1 : -1)).ToArray();
        var model = ReferenceMatrix.Load(shape, w);

        Assert.That(model.Multiply(x), Is.EqualTo(ReferenceMatrix.Exact(x, w)));
    }

    private static IEnumerable<MatrixShape> AccumulatorShapes()
    {
        yield return Presets.Tiny.ProjectionShape;
        yield return Presets.PaperExact.ProjectionShape;
        yield return Presets.Paper.ProjectionShape;
        foreach (var lossy in LossyCases())
        {
            yield return lossy.Shape;
        }

        foreach (var geometry in HandPickedGeometries)
        {
            yield return geometry.Shape(geometry.IdealConfig());
        }
    }

    [TestCaseSource(nameof(AccumulatorShapes))]
    public void Every_output_for_extreme_inputs_and_weights_fits_the_accumulator_width(MatrixShape shape)
    {
        Assert.That(ConfigValidator.Validate(shape.Config), Is.Empty, "the test configuration must be legal");
        var format = shape.Config.Format;
        foreach (var w in ReferenceMatrix.ExtremeWeights(shape.InDim, shape.OutDim, format.WeightWidth))
        {
            var model = ReferenceMatrix.Load(shape, w);
            foreach (var x in ReferenceMatrix.ExtremeInputs(shape.InDim, format.DataWidth, shape.Pim.SliceBits))
            {
                var y = model.Multiply(x);
                var outside = y.Where(v => !FixedPoint.FitsSigned(v, shape.AccWidth)).ToList();
                Assert.That(outside, Is.Empty, $"outputs outside {shape.AccWidth} signed bits for x[0] = {x[0]}, w[0,0] = {w[0, 0]}");
            }
        }
    }

    [Test]
    public void Paper_projection_reaches_the_top_bit_of_its_accumulator()
    {
        // All inputs and weights at the maximum: every ADC saturates at 31 in both slices, so each of the 256 lane
        // groups adds 31 * (2^6 + 2^10) = 33728 and y = 8634368, which needs 25 signed bits.
        var shape = Presets.Paper.ProjectionShape;
        var model = ReferenceMatrix.Load(shape, ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => 127));

        var y = model.Multiply(Enumerable.Repeat(127L, shape.InDim).ToArray());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.AccWidth, Is.EqualTo(25));
            Assert.That(y, Has.All.EqualTo(8634368L));
            Assert.That(FixedPoint.FitsSigned(y[0], shape.AccWidth), Is.True);
            Assert.That(FixedPoint.FitsSigned(y[0], shape.AccWidth - 1), Is.False);
        }
    }

    [Test]
    public void Running_fewer_column_groups_computes_their_columns_exactly_and_leaves_the_others_zero()
    {
        var geometry = new Geometry(Rows: 8, Cols: 8, InputLanes: 2, AdcCount: 2, SliceBits: 4, DataWidth: 8, WeightWidth: 8, MacrosIn: 2, MacrosOut: 3);
        var config = geometry.IdealConfig();
        var shape = geometry.Shape(config);
        var rng = new Random(geometry.Seed);
        var w = ReferenceMatrix.Fill(shape.InDim, shape.OutDim, (_, _) => ReferenceMatrix.RandomValue(rng, geometry.WeightWidth));
        var model = ReferenceMatrix.Load(shape, w);
        var x = ReferenceMatrix.RandomVector(rng, shape.InDim, geometry.DataWidth);
        var exact = ReferenceMatrix.Exact(x, w);

        for (var groups = 1; groups <= config.Pim.ColGroups; groups++)
        {
            var y = model.Multiply(x, groups);
            for (var c = 0; c < shape.OutDim; c++)
            {
                var run = c % config.Pim.Cols / config.Pim.AdcCount < groups;
                Assert.That(y[c], Is.EqualTo(run ? exact[c] : 0L), $"column {c} with {groups} column group(s) run");
            }
        }

        Assert.That(model.Multiply(x, config.Pim.ColGroups), Is.EqualTo(model.Multiply(x)));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Multiply(x, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Multiply(x, config.Pim.ColGroups + 1));
    }

    [Test]
    public void Multiply_rejects_inputs_of_the_wrong_length_or_width()
    {
        var shape = Presets.Tiny.ProjectionShape;
        var model = new PimMatrixModel(shape);
        var tooHigh = new long[shape.InDim];
        tooHigh[5] = 128;
        var tooLow = new long[shape.InDim];
        tooLow[63] = -129;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => model.Multiply(new long[shape.InDim - 1]), Throws.ArgumentException);
            Assert.That(() => model.Multiply(new long[shape.InDim + 1]), Throws.ArgumentException);
            Assert.That(() => model.Multiply(tooHigh), Throws.ArgumentException);
            Assert.That(() => model.Multiply(tooLow), Throws.ArgumentException);
        }
    }

    [Test]
    public void Matrix_memory_write_rejects_a_weight_wider_than_the_weight_width()
    {
        var model = new PimMatrixModel(Presets.Tiny.ProjectionShape);

        Assert.That(() => model.MemWrite(40, 3, 128), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void DescribeOutput_names_the_macro_column_column_group_and_adc()
    {
        var shape = new MatrixShape(Presets.Tiny, 64, 32);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PimMatrixModel.DescribeOutput(shape, 0), Is.EqualTo("output 0 (macro column 0, column 0, column group 0, ADC 0)"));
            Assert.That(PimMatrixModel.DescribeOutput(shape, 22), Is.EqualTo("output 22 (macro column 1, column 6, column group 1, ADC 2)"));
        }
    }

    private static Geometry RandomGeometry(int seed)
    {
        var rng = new Random(seed);
        var rows = 1 << rng.Next(1, 5);
        var cols = 1 << rng.Next(1, 5);
        var lanes = 1 << rng.Next(0, System.Numerics.BitOperations.Log2((uint)rows) + 1);
        var adcCount = 1 << rng.Next(0, System.Numerics.BitOperations.Log2((uint)cols) + 1);
        var dataWidth = rng.Next(2) == 0 ? 4 : 8;
        var weightWidth = rng.Next(2) == 0 ? 4 : 8;
        var sliceBits = 1 << rng.Next(0, System.Numerics.BitOperations.Log2((uint)dataWidth) + 1);
        return new Geometry(rows, cols, lanes, adcCount, sliceBits, dataWidth, weightWidth, MacrosIn: rng.Next(1, 4), MacrosOut: rng.Next(1, 3));
    }

    private static long[,] ReadAll(PimMatrixModel model)
    {
        var w = new long[model.Shape.InDim, model.Shape.OutDim];
        for (var r = 0; r < model.Shape.InDim; r++)
        {
            for (var c = 0; c < model.Shape.OutDim; c++)
            {
                w[r, c] = model.MemRead(r, c);
            }
        }

        return w;
    }

    public sealed record LossyCase(string Name, AttentionConfig Config, int InDim, int OutDim)
    {
        public MatrixShape Shape => new(Config, InDim, OutDim);

        public override string ToString() => Name;
    }
}
