using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class MatrixShapeTests
{
    [Test]
    public void Tiny_projection_stacks_four_macros_along_d_model()
    {
        var shape = Presets.Tiny.ProjectionShape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.InDim, Is.EqualTo(64));
            Assert.That(shape.OutDim, Is.EqualTo(16));
            Assert.That(shape.MacrosIn, Is.EqualTo(4));
            Assert.That(shape.MacrosOut, Is.EqualTo(1));
            Assert.That(shape.MacroCount, Is.EqualTo(4));
            Assert.That(shape.ComputeSteps, Is.EqualTo(4 * 4 * 2));
            Assert.That(shape.AccWidth, Is.EqualTo(PimMath.AccumulatorWidth(Presets.Tiny, 64)));
            Assert.That(shape.AdcRange, Is.EqualTo(PimMath.AdcOutputRange(Presets.Tiny)));
        }
    }

    [Test]
    public void Paper_projection_uses_32_macros_of_128_steps()
    {
        var shape = Presets.Paper.ProjectionShape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.MacroCount, Is.EqualTo(32));
            Assert.That(shape.ComputeSteps, Is.EqualTo(8 * 8 * 2));
        }
    }

    [Test]
    public void A_single_macro_matrix_has_one_macro()
    {
        var shape = new MatrixShape(Presets.Tiny, 16, 16);

        Assert.That(shape.MacroCount, Is.EqualTo(1));
    }

    /// <summary>K cache shapes: tiny, one ADC per macro with three cache macros, one column group, one macro, 2x2 macros.</summary>
    private static IEnumerable<TestCaseData> CacheShapes()
    {
        var tiny = Presets.Tiny;
        yield return new TestCaseData(tiny.ScoreShape).SetArgDisplayNames("tiny");
        yield return new TestCaseData((tiny with { Model = tiny.Model with { MaxSeqLen = 48 }, Pim = tiny.Pim with { AdcCount = 1 } }).ScoreShape)
            .SetArgDisplayNames("one-adc-three-macros");
        yield return new TestCaseData((tiny with { Pim = tiny.Pim with { AdcCount = 16 } }).ScoreShape).SetArgDisplayNames("one-column-group");
        yield return new TestCaseData((tiny with { Model = tiny.Model with { MaxSeqLen = 16 } }).ScoreShape).SetArgDisplayNames("one-macro");
        yield return new TestCaseData((tiny with { Pim = tiny.Pim with { Rows = 2, Cols = 2, InputLanes = 1, AdcCount = 1 } }).ScoreShape)
            .SetArgDisplayNames("2x2-macros");
        yield return new TestCaseData(Presets.Paper.ScoreShape).SetArgDisplayNames("paper");
    }

    [TestCaseSource(nameof(CacheShapes))]
    public void Token_columns_are_a_bijection_onto_the_columns(MatrixShape shape)
    {
        var columns = Enumerable.Range(0, shape.OutDim).Select(shape.TokenColumn).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(columns, Is.All.InRange(0, shape.OutDim - 1));
            Assert.That(columns.Distinct().Count(), Is.EqualTo(shape.OutDim), "no two tokens share a column");
        }
    }

    [TestCaseSource(nameof(CacheShapes))]
    public void Tokens_fill_column_group_0_of_every_macro_before_the_next_group(MatrixShape shape)
    {
        var pim = shape.Pim;
        var perGroup = pim.AdcCount * shape.MacrosOut;
        for (var t = 0; t < shape.OutDim; t++)
        {
            var column = shape.TokenColumn(t);
            var group = column % pim.Cols / pim.AdcCount;
            Assert.That(group, Is.EqualTo(t / perGroup), $"column group of token {t} (column {column})");
            Assert.That(shape.ColumnGroupsFor(t + 1), Is.EqualTo(group + 1), $"column groups for {t + 1} tokens");
        }

        Assert.That(shape.ColumnGroupsFor(0), Is.EqualTo(1), "a product runs at least one column group");
        Assert.That(shape.ColumnGroupsFor(shape.OutDim), Is.EqualTo(pim.ColGroups), "a full cache runs them all");
    }

    [Test]
    public void Tiny_cache_places_tokens_lane_then_macro_then_column_group()
    {
        // 4 ADCs, 2 macros of 16 columns: tokens 0-3 in macro 0, 4-7 in macro 1, 8-11 in group 1 of macro 0.
        var shape = Presets.Tiny.ScoreShape;
        int[] tokens = [0, 3, 4, 7, 8, 12, 31];
        Assert.That(tokens.Select(shape.TokenColumn), Is.EqualTo(new[] { 0, 3, 16, 19, 4, 20, 31 }));
    }

    [Test]
    public void Compute_steps_scale_with_the_column_groups_run()
    {
        var shape = Presets.Tiny.ScoreShape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.ComputeStepsFor(1), Is.EqualTo(4 * 2));
            Assert.That(shape.ComputeStepsFor(shape.Pim.ColGroups), Is.EqualTo(shape.ComputeSteps));
            Assert.Throws<ArgumentOutOfRangeException>(() => shape.ComputeStepsFor(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => shape.ComputeStepsFor(shape.Pim.ColGroups + 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => shape.TokenColumn(shape.OutDim));
            Assert.Throws<ArgumentOutOfRangeException>(() => shape.ColumnGroupsFor(-1));
        }
    }
}
