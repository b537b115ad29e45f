using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class PresetsTests
{
    [TestCase("tiny")]
    [TestCase("paper")]
    [TestCase("paper-exact")]
    [TestCase("tiny-mha2")]
    [TestCase("tiny-mha4")]
    [TestCase("paper-mha")]
    public void Every_preset_is_valid(string name)
    {
        var preset = Presets.Find(name);

        Assert.That(preset, Is.Not.Null);
        Assert.That(ConfigValidator.Validate(preset!.Config), Is.Empty);
    }

    [Test]
    public void Lists_the_presets_by_name_in_order()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Presets.All.Select(p => p.Name), Is.EqualTo(new[] { "tiny", "paper", "paper-exact", "tiny-mha2", "tiny-mha4", "paper-mha" }));
            Assert.That(Presets.Names, Is.EqualTo("tiny, paper, paper-exact, tiny-mha2, tiny-mha4, paper-mha"));
            Assert.That(Presets.All.Select(p => p.Description), Has.All.Not.Empty);
        }
    }

    [Test]
    public void Finds_a_preset_ignoring_case()
    {
        Assert.That(Presets.Find("Paper-Exact")?.Config, Is.SameAs(Presets.PaperExact));
    }

    [Test]
    public void Finds_no_preset_for_an_unknown_name()
    {
        Assert.That(Presets.Find("huge"), Is.Null);
    }

    [Test]
    public void Paper_has_the_published_sizes()
    {
        var c = Presets.Paper;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.Model.DModel, Is.EqualTo(4096));
            Assert.That(c.Model.DHead, Is.EqualTo(128));
            Assert.That(c.Model.MaxSeqLen, Is.EqualTo(2048));
            Assert.That(c.Model.Heads, Is.EqualTo(1));
            Assert.That(c.Format.DataWidth, Is.EqualTo(8));
            Assert.That(c.Format.WeightWidth, Is.EqualTo(8));
            Assert.That(c.Pim.Rows, Is.EqualTo(128));
            Assert.That(c.Pim.Cols, Is.EqualTo(128));
            Assert.That(c.Pim.InputLanes, Is.EqualTo(16));
            Assert.That(c.Pim.AdcCount, Is.EqualTo(16));
            Assert.That(c.Pim.SliceBits, Is.EqualTo(4));
            Assert.That(c.Pim.AdcBits, Is.EqualTo(6));
            Assert.That(c.Pim.AdcShift, Is.EqualTo(6));
            Assert.That(PimMath.IsIdealAdc(c), Is.False);
        }
    }

    [Test]
    public void Paper_exact_is_paper_with_an_unshifted_ideal_adc()
    {
        var c = Presets.PaperExact;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.Pim.AdcShift, Is.Zero);
            Assert.That(c.Pim.AdcBits, Is.EqualTo(16));
            Assert.That(PimMath.IsIdealAdc(c), Is.True);
            Assert.That(c.Equals(Presets.Paper with { Pim = Presets.Paper.Pim with { AdcShift = 0, AdcBits = 16 } }), Is.True);
        }
    }

    [Test]
    public void Tiny_is_small_and_ideal()
    {
        var c = Presets.Tiny;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.Model.DModel, Is.EqualTo(64));
            Assert.That(c.Model.DHead, Is.EqualTo(16));
            Assert.That(c.Model.MaxSeqLen, Is.EqualTo(32));
            Assert.That(c.Pim.Rows, Is.EqualTo(16));
            Assert.That(c.Pim.Cols, Is.EqualTo(16));
            Assert.That(c.Pim.AdcShift, Is.Zero);
            Assert.That(PimMath.IsIdealAdc(c), Is.True);
        }
    }

    [Test]
    public void The_array_presets_are_their_base_head_side_by_side()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Presets.TinyMha2.Equals(Presets.Tiny with { Model = Presets.Tiny.Model with { Heads = 2 } }), Is.True);
            Assert.That(Presets.TinyMha4.Equals(Presets.Tiny with { Model = Presets.Tiny.Model with { Heads = 4, OutputProjection = true } }), Is.True);
            Assert.That(Presets.PaperMha.Equals(Presets.Paper with { Model = Presets.Paper.Model with { Heads = 32, OutputProjection = true } }), Is.True);
            // One LLaMA-7B layer: 32 heads of 128 make d_model 4096, and W_O maps it back to 4096.
            Assert.That(Presets.PaperMha.Model.Heads * Presets.PaperMha.Model.DHead, Is.EqualTo(Presets.PaperMha.Model.DModel));
            Assert.That(Presets.PaperMha.Model.RowElements, Is.EqualTo(4096));
            Assert.That(Presets.TinyMha2.Model.RowElements, Is.EqualTo(32));
            Assert.That(Presets.Tiny.Model.IsArray, Is.False);
            Assert.That(Presets.TinyMha2.Model.IsArray && Presets.TinyMha4.Model.IsArray && Presets.PaperMha.Model.IsArray, Is.True);
        }
    }

    [Test]
    public void WithIdealAdc_uses_just_enough_adc_bits()
    {
        var ideal = Presets.WithIdealAdc(Presets.Paper);
        var oneBitShort = ideal with { Pim = ideal.Pim with { AdcBits = ideal.Pim.AdcBits - 1 } };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PimMath.IsIdealAdc(ideal), Is.True);
            Assert.That(PimMath.IsIdealAdc(oneBitShort), Is.False);
        }
    }

    [Test]
    public void WithIdealAdc_changes_only_the_adc()
    {
        var ideal = Presets.WithIdealAdc(Presets.Paper);

        var expectedPim = Presets.Paper.Pim with { AdcBits = ideal.Pim.AdcBits, AdcShift = 0 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ideal.Pim.Equals(expectedPim), Is.True, "a macro setting other than the ADC changed");
            Assert.That(ideal.Equals(Presets.Paper with { Pim = expectedPim }), Is.True, "a section other than Pim changed");
        }
    }

    [Test]
    public void A_shifted_adc_is_never_ideal_even_with_spare_bits()
    {
        var shifted = Presets.Tiny with { Pim = Presets.Tiny.Pim with { AdcShift = 1, AdcBits = 32 } };

        Assert.That(PimMath.IsIdealAdc(shifted), Is.False);
    }
}
