using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class AttentionConfigTests
{
    [Test]
    public void Derives_slices_and_groups_from_the_widths_and_geometry()
    {
        var c = Presets.Paper;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.Slices, Is.EqualTo(2));
            Assert.That(c.Pim.RowGroups, Is.EqualTo(8));
            Assert.That(c.Pim.ColGroups, Is.EqualTo(8));
        }
    }

    [Test]
    public void Two_configs_with_the_same_values_are_equal()
    {
        var copy = Presets.Tiny with { Pim = Presets.Tiny.Pim with { } };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copy.Equals(Presets.Tiny), Is.True);
            Assert.That(copy.GetHashCode(), Is.EqualTo(Presets.Tiny.GetHashCode()));
            Assert.That((copy with { Bus = Presets.Tiny.Bus with { DataWidth = 64 } }).Equals(Presets.Tiny), Is.False);
        }
    }

    [Test]
    public void Prints_a_config_without_recursing_through_its_projection_shape()
    {
        string? text = null;

        Assert.That(() => text = Presets.Tiny.ToString(), Throws.Nothing);
        Assert.That(text, Does.Contain("DModel = 64"));
    }

    [Test]
    public void Prints_a_matrix_shape_without_recursing_through_its_config()
    {
        Assert.That(() => Presets.Tiny.ProjectionShape.ToString(), Throws.Nothing);
    }
}
