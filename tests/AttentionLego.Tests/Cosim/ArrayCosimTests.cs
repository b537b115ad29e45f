using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// al_array end to end under Verilator: every head's stages, every output row and its memory writes, and every register
/// read bit-exact and in the cycle ControlTiming predicts (with stalls: values and order), and the arbiter's fairness.
/// </summary>
[Category(Tier.Tools)]
public sealed class ArrayCosimTests
{
    private static readonly (string Name, string Preset, string[] Overrides)[] Shapes =
    [
        ("1-head", "tiny", []),
        ("1-head-W_O", "tiny", ["Model.OutputProjection=true"]),
        ("2-heads", "tiny-mha2", []),
        ("2-heads-W_O", "tiny-mha2", ["Model.OutputProjection=true"]),
        ("4-heads", "tiny-mha4", ["Model.OutputProjection=false"]),
        ("4-heads-W_O", "tiny-mha4", []),
    ];

    private static IEnumerable<TestCaseData> ShapeCases() =>
        from s in Shapes
        from stalls in new[] { false, true }
        select new TestCaseData(s.Preset, s.Overrides, stalls).SetArgDisplayNames(s.Name, stalls ? "stalls" : "no-stalls");

    [TestCaseSource(nameof(ShapeCases))]
    public async Task The_array_decodes_bit_exactly_and_cycle_exactly(string preset, string[] overrides, bool stalls) =>
        await CosimHarness.AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "array", 1, 2, new TopOptions(5, 3, stalls)),
            minCompared: 50);

    /// <summary>Every head's W_Q, W_K, W_V and W_O from the backdoor preload files, no LOAD (issue 19).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task A_preloaded_array_decodes_without_a_load(bool stalls) =>
        await CosimHarness.AssertPasses(new CosimRequest(ConfigSource.FromPreset("tiny-mha4"), "array", 1, 1, new TopOptions(5, 3, stalls, Preload: true)),
            minCompared: 50);

    [TestCase(1)]
    [TestCase(17)]
    public async Task The_memory_latency_and_a_short_request_window_change_the_timing_not_the_result(int latency) =>
        await CosimHarness.AssertPasses(new CosimRequest(ConfigSource.FromPreset("tiny-mha2", "Bus.MaxOutstanding=2"), "array", 4, 1,
            new TopOptions(6, latency)), minCompared: 50);

    [Test]
    public async Task No_head_starves_under_a_stalling_memory_and_the_fairness_check_can_fail()
    {
        // Four heads and the array's DMA compete for the port during the load while the memory refuses requests at
        // random: the bench reports any master that waits while more than Masters - 1 others are served.
        var request = new CosimRequest(ConfigSource.FromPreset("tiny-mha4"), "array", 7, 1, new TopOptions(3, 3, Stalls: true));
        await CosimHarness.AssertPasses(request, minCompared: 50);

        // The same run with a bound round robin cannot meet (one other request) must be reported.
        var strict = request with { Top = request.Top! with { FairnessBound = 1 } };
        var mismatch = CosimHarness.FirstFailure(await CosimHarness.RunTampered(strict, c => c));
        Assert.That(mismatch.Signal, Is.EqualTo("arb_starve"));
    }

    [Test]
    public async Task A_corrupted_row_and_a_late_head_output_are_reported()
    {
        var request = new CosimRequest(ConfigSource.FromPreset("tiny-mha4"), "array", 1, 1, new TopOptions(3));
        var row = CosimHarness.FirstFailure(await CosimHarness.RunTampered(request, c => CosimHarness.Tamper(c, "row", e => e with { Elements = CosimHarness.Bump(e.Elements) })));
        Assert.That(row.Kind, Is.EqualTo("value mismatch"));
        Assert.That(row.Coordinate, Does.Contain("W_O output row of token #"));

        var late = CosimHarness.FirstFailure(await CosimHarness.RunTampered(request, c => CosimHarness.Tamper(c, "h3.o", e => e with { Cycle = e.Cycle + 1 })));
        Assert.That(late.Kind, Is.EqualTo("timing mismatch"));
        Assert.That(late.Signal, Is.EqualTo("h3.o"));
    }

}
