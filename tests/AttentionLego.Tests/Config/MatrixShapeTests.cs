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
}
