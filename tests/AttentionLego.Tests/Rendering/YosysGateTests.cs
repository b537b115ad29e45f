using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Gen.Reporting;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Rendering;

/// <summary>
/// The synthesis gate: Yosys 0.23 (YosysDriver, the script <c>report</c> runs: read, hierarchy -check, proc, opt -fast,
/// check, stat) takes the tiny head's <c>al_top</c> with no error, infers no latch, and <c>check</c> finds nothing.
/// The negatives show that a latch and a check problem are seen.
/// </summary>
[Category(Tier.Tools)]
public sealed class YosysGateTests
{
    /// <summary>Tiny takes about 10 s on an idle core; the shared machine can make it several times that.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(300);

    private static async Task<SynthesisStats> Synthesize(IReadOnlyList<RenderedFile> modules, string top)
    {
        var yosys = await TestEnvironment.RequireYosysAsync();
        // The reports are kept by content (YosysStatCache, as `report` keeps them): unchanged RTL is not synthesized again.
        var stats = await yosys.StatAsync(modules, top, Limit, cache: YosysStatCache.Default(TestContext.Out.WriteLine));
        TestContext.Out.WriteLine($"{top}: {stats.TotalCells} cells, {stats.Latches} latches, {stats.CheckProblems} check problems ({stats.YosysVersion})");
        foreach (var warning in stats.CheckWarnings)
        {
            TestContext.Out.WriteLine("  " + warning);
        }

        return stats;
    }

    [Test]
    public async Task The_tiny_head_synthesizes_with_no_latch_and_a_clean_check()
    {
        // A rejection (parse or hierarchy error) throws a ToolException with Yosys's ERROR lines: the test fails on it.
        var stats = await Synthesize(RtlGenerator.Render(Presets.Tiny).Modules, "al_top");
        using (Assert.EnterMultipleScope())
        {
            // The projections' macros (words of four cells), the K cache's (transposed) and the V cache's (words of a row) are
            // three parameterizations: Yosys names them "al_pim_macro #1" to "#3".
            Assert.That(stats.Modules.Select(m => m.Name.Split(' ')[0]), Does.Contain("al_pim_macro").And.Contain("al_top"), "the whole hierarchy was elaborated");
            Assert.That(stats.TotalCells, Is.GreaterThan(1000));
            Assert.That(stats.Latches, Is.Zero, "latch cells: " + string.Join(", ", stats.TotalCellTypes.Where(t => SynthesisStats.IsLatch(t.Key))));
            Assert.That(stats.CheckProblems, Is.Zero, string.Join("\n", stats.CheckWarnings));
            Assert.That(stats.CheckWarnings, Is.Empty);
        }
    }

    [Test]
    public async Task An_inferred_latch_is_caught()
    {
        // q keeps its value when en is low in a combinational block: Yosys's proc turns that into a $dlatch.
        var latch = new RenderedFile("al_top.v", """
            module al_top (
              input  wire en_i,
              input  wire d_i,
              output reg  q_o
            );
              always @* begin
                if (en_i) begin
                  q_o = d_i;
                end
              end
            endmodule

            """);
        var stats = await Synthesize([latch], "al_top");
        Assert.That(stats.Latches, Is.EqualTo(1));
    }

    [Test]
    public async Task A_check_problem_is_caught()
    {
        // Two continuous assignments drive one wire: Yosys's check reports the conflicting drivers.
        var conflict = new RenderedFile("al_top.v", """
            module al_top (
              input  wire a_i,
              input  wire b_i,
              output wire y_o
            );
              assign y_o = a_i;
              assign y_o = b_i;
            endmodule

            """);
        var stats = await Synthesize([conflict], "al_top");
        Assert.That(stats.CheckProblems, Is.GreaterThan(0));
        Assert.That(stats.Latches, Is.Zero);
    }
}
