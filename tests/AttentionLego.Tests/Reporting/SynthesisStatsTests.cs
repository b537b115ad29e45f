using AttentionLego.Gen.Reporting;

namespace AttentionLego.Tests.Reporting;

public sealed class SynthesisStatsTests
{
    // The shape of Yosys 0.23's `stat` on a hierarchy: every module, then the design hierarchy with its totals.
    private const string Stat = """

        === $paramod$ab12\al_leaf ===

           Number of wires:                 10
           Number of memories:               1
           Number of memory bits:          256
           Number of cells:                  5
             $add                            2
             $adffe                          3

        === al_mid ===

           Number of memory bits:            0
           Number of cells:                  4
             $mux                            1
             $paramod$ab12\al_leaf           3

        === al_top ===

           Number of memory bits:            0
           Number of cells:                  3
             $and                            1
             al_mid                          2

        === design hierarchy ===

           al_top                            1
             al_mid                          2
               $paramod$ab12\al_leaf         3

           Number of wires:                 99
           Number of memory bits:         1536
           Number of cells:                 33
             $add                           12
             $adffe                         18
             $and                            1
             $mux                            2

        """;

    private const string Check = "Checking module al_top...\nFound and reported 0 problems.\n";

    [Test]
    public void Instances_multiply_along_the_hierarchy_and_the_totals_are_yosyss()
    {
        var stats = SynthesisStats.Parse("al_top", "Yosys 0.23", "script", Stat, Check);
        var leaf = stats.Modules.Single(m => m.Name == "al_leaf");
        Assert.Multiple(() =>
        {
            Assert.That(leaf.Instances, Is.EqualTo(6), "3 in each of 2 al_mid");
            Assert.That((leaf.Cells, leaf.MemoryBits), Is.EqualTo((5L, 256L)));
            Assert.That(stats.Modules.Single(m => m.Name == "al_mid").Cells, Is.EqualTo(1), "own cells only, not the sub-module instances");
            Assert.That(stats.Modules.Single(m => m.Name == "al_top").Instances, Is.EqualTo(1));
            Assert.That((stats.TotalCells, stats.TotalMemoryBits), Is.EqualTo((33L, 1536L)));
            Assert.That(stats.Latches, Is.Zero);
            Assert.That(stats.CheckProblems, Is.Zero);
        });
    }

    [Test]
    public void A_latch_is_counted_and_check_problems_are_read()
    {
        var stat = Stat.Replace("     $mux                            2", "     $mux                            2\n     $dlatch                         4");
        var stats = SynthesisStats.Parse("al_top", "Yosys 0.23", "script", stat,
            "Warning: multiple conflicting drivers for al_top.x\nFound and reported 1 problems.\n");
        Assert.That(stats.Latches, Is.EqualTo(4));
        Assert.That(stats.CheckProblems, Is.EqualTo(1));
        Assert.That(stats.CheckWarnings, Has.Count.EqualTo(1));
    }

    [TestCase("$paramod$1c38bd85\\al_requant", "al_requant")]
    [TestCase("$paramod\\al_requant\\Width=8", "al_requant")]
    [TestCase("al_top", "al_top")]
    public void Parameterized_names_read_as_their_module(string yosysName, string name) =>
        Assert.That(SynthesisStats.BaseName(yosysName), Is.EqualTo(name));

    [Test]
    public void Stat_output_without_the_top_is_refused() =>
        Assert.That(() => SynthesisStats.Parse("al_top", "Yosys", "script", "=== al_other ===\n", Check), Throws.InstanceOf<FormatException>());
}
