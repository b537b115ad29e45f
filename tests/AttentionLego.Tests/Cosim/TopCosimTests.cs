using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// The whole head under Verilator: weights loaded once through the DMA, tokens decoded through the CSRs, every stage's
/// handshake, every memory write and every register read bit-exact and in the cycle ControlTiming predicts; with a stalling
/// memory the same values in the same order. Each case prints its replay command.
/// </summary>
[Category(Tier.Tools)]
public sealed class TopCosimTests
{
    private static readonly (string Name, string[] Overrides)[] Shapes =
    [
        ("tiny", []),
        ("bus64-two-outstanding", ["Bus.DataWidth=64", "Bus.MaxOutstanding=2"]),
        ("bus128-window-softmax", ["Bus.DataWidth=128", "Softmax.Mode=Window"]),
        ("byte-bus-one-macro-cache", ["Bus.DataWidth=8", "Model.MaxSeqLen=16", "Softmax.Lanes=2"]),
        ("square-head-bus256", ["Model.DModel=32", "Model.DHead=32", "Model.MaxSeqLen=64", "Bus.DataWidth=256"]),
        ("lossy-paper-adc", ["Pim.AdcBits=6", "Pim.AdcShift=6"]),
        // A matrix row (d_head 4 of 4-bit weights) narrower than a 32-bit bus word: LOAD writes each word in two writes.
        ("two-writes-per-word", ["Model.DHead=4", "Format.WeightWidth=4", "Pim.Rows=4", "Pim.Cols=4", "Pim.InputLanes=4", "Pim.AdcCount=4"]),
    ];

    private static IEnumerable<TestCaseData> ShapeCases() =>
        from s in Shapes
        from stalls in new[] { false, true }
        select new TestCaseData(s.Overrides, stalls).SetArgDisplayNames(s.Name, stalls ? "stalls" : "no-stalls");

    [TestCaseSource(nameof(ShapeCases))]
    public async Task The_head_decodes_bit_exactly_and_cycle_exactly(string[] overrides, bool stalls) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset("tiny", overrides), "top", 1, 2, new TopOptions(5, 3, stalls)));

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(17, false)]
    [TestCase(32, false)]
    [TestCase(32, true)]
    public async Task Any_token_count_up_to_the_maximum_sequence_is_decoded(int tokens, bool stalls) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset("tiny"), "top", 3, 1, new TopOptions(tokens, 3, stalls)));

    [TestCase(1)]
    [TestCase(17)]
    public async Task The_memory_latency_changes_the_timing_not_the_result(int latency) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset("tiny"), "top", 5, 1, new TopOptions(6, latency)));

    [Test]
    public async Task A_corrupted_output_or_counter_and_a_wrong_cycle_are_reported()
    {
        var output = FirstFailure(await RunTampered(new TopOptions(3), c => CosimHarness.Tamper(c, "o", e => e with { Elements = CosimHarness.Bump(e.Elements) })));
        Assert.That(output.Kind, Is.EqualTo("value mismatch"));
        Assert.That(output.Coordinate, Does.Contain("output of token #"));

        var counter = FirstFailure(await RunTampered(new TopOptions(3), c => CosimHarness.Tamper(c, "csr", e => e with { Elements = CosimHarness.Bump(e.Elements) }, last: true)));
        Assert.That(counter.Kind, Is.EqualTo("value mismatch"));
        Assert.That(counter.Coordinate, Does.Contain("CSR"));

        var late = FirstFailure(await RunTampered(new TopOptions(3), c => CosimHarness.Tamper(c, "p", e => e with { Cycle = e.Cycle + 1 })));
        Assert.That(late.Kind, Is.EqualTo("timing mismatch"));
        Assert.That(late.Signal, Is.EqualTo("p"));
    }

    /// <summary>The backdoor preload: no LOAD, the weights read from files, the decode as after a LOAD (issue 19).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task A_preloaded_head_decodes_without_a_load(bool stalls) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset("tiny"), "top", 1, 2, new TopOptions(5, 3, stalls, Preload: true)));

    [Test]
    public async Task A_corrupted_preload_file_is_reported()
    {
        // One weight of W_Q's first macro changed in its file: the projections that use it must differ from the golden model's.
        var result = await RunTampered(new TopOptions(3, Preload: true), c => c with
        {
            Files = c.Files.Select(f => f.Name.EndsWith("pim_0.hex", StringComparison.Ordinal)
                ? f with { Content = (f.Content[0] == '7' ? "0" : "7") + f.Content[1..] }
                : f).ToList(),
        });
        var mismatch = FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("value mismatch"));
    }

    [Test]
    public async Task With_stalls_a_corrupted_memory_write_is_still_reported()
    {
        var result = await RunTampered(new TopOptions(3, 3, Stalls: true), c => CosimHarness.Tamper(c, "mem_wdata", e => e with { Elements = CosimHarness.Bump(e.Elements) }));
        var mismatch = FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("value mismatch"));
        Assert.That(mismatch.Signal, Does.StartWith("mem_wdata"));
    }

    private static Mismatch FirstFailure(CosimResult result) => CosimHarness.FirstFailure(result);

    private static Task<CosimResult> RunTampered(TopOptions options, Func<BenchCase, BenchCase> tamper) =>
        CosimHarness.RunTampered(new CosimRequest(ConfigSource.FromPreset("tiny"), "top", 1, 1, options), tamper);

    private static Task AssertPasses(CosimRequest request) => CosimHarness.AssertPasses(request, minCompared: 50);
}
