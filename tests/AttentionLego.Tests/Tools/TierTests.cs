using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;
using NUnit.Framework.Internal;

namespace AttentionLego.Tests.Tools;

public sealed class TierTests
{
    private static NUnit.Framework.Interfaces.ITest Current => TestExecutionContext.CurrentContext.CurrentTest;

    [Test]
    public void A_test_without_the_category_does_not_carry_it()
    {
        Assert.That(Tier.Carries(Current, Tier.Tools), Is.False);
        Assert.That(Tier.Carries(Current, Tier.Large), Is.False);
    }

    [Test]
    [Category(Tier.Tools)]
    public void A_test_with_the_category_carries_it() => Assert.That(Tier.Carries(Current, Tier.Tools), Is.True);

    [TestCase(1, Category = Tier.Large)]
    public void A_case_carries_its_own_category_and_not_the_others(int _)
    {
        Assert.That(Tier.Carries(Current, Tier.Large), Is.True);
        Assert.That(Tier.Carries(Current, Tier.Tools), Is.False);
    }

    [TestCase("paper", true)]
    [TestCase("paper-exact", true)]
    [TestCase("paper-mha", true)]
    [TestCase("tiny", false)]
    [TestCase("tiny-mha4", false)]
    public void The_paper_sized_presets_are_large_and_the_tiny_ones_are_not(string preset, bool large) =>
        Assert.That(Tier.IsLarge(Presets.Find(preset)!.Config), Is.EqualTo(large));

    [Test]
    public void The_widest_tiny_shape_the_lint_tests_use_is_not_large()
    {
        var tiny = Presets.Tiny;
        var wide = tiny with
        {
            Model = tiny.Model with { Heads = 2, DModel = 128, DHead = 640, MaxSeqLen = 128 },
            Format = tiny.Format with { DataWidth = 16 },
            Pim = tiny.Pim with { Rows = 128, Cols = 128 },
        };
        Assert.That(Tier.IsLarge(wide), Is.False);
    }
}
