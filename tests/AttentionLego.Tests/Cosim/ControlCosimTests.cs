using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// The control modules on their own benches: al_dma, al_controller and al_mem_arbiter run in lockstep with their cycle
/// mirrors under random, protocol-legal stimulus, every output compared in every cycle, so a divergence is named by
/// the module, the cycle and the signal instead of showing up as a whole-head mismatch.
/// </summary>
[Category(Tier.Tools)]
public sealed class ControlCosimTests
{
    private const int Seeds = 2;

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("dma", "tiny", Array.Empty<string>()).SetArgDisplayNames("dma", "tiny");
        yield return new TestCaseData("dma", "tiny", new[] { "Bus.DataWidth=128", "Bus.MaxOutstanding=2" }).SetArgDisplayNames("dma", "wide-bus-two-outstanding");
        yield return new TestCaseData("dma", "tiny", new[] { "Bus.DataWidth=8", "Bus.MaxOutstanding=64" }).SetArgDisplayNames("dma", "byte-bus-64-outstanding");
        // 4-bit weights on a 128-bit bus: a word holds 32 weights, a row of W_Q only 16, so a word is two writes.
        yield return new TestCaseData("dma", "tiny", new[] { "Format.WeightWidth=4", "Bus.DataWidth=128" }).SetArgDisplayNames("dma", "two-writes-per-word");
        yield return new TestCaseData("controller", "tiny", Array.Empty<string>()).SetArgDisplayNames("controller", "tiny");
        yield return new TestCaseData("controller", "paper", Array.Empty<string>()).SetArgDisplayNames("controller", "paper");
        yield return new TestCaseData("mem_arbiter", "tiny", Array.Empty<string>()).SetArgDisplayNames("mem_arbiter", "tiny");
        yield return new TestCaseData("mem_arbiter", "tiny-mha4", Array.Empty<string>()).SetArgDisplayNames("mem_arbiter", "tiny-mha4");
    }

    // Every output of every cycle is compared: the shortest case (two writes per word on a 128-bit bus) still compares
    // about 7,400 values per seed.
    [TestCaseSource(nameof(Cases))]
    public async Task A_control_module_matches_its_cycle_mirror_in_every_output_of_every_cycle(string module, string preset, string[] overrides) =>
        await CosimHarness.AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), module, 1, Seeds), minCompared: 5_000);

    [TestCase("dma", "x_data_o")]
    [TestCase("dma", "w_data_o")]
    [TestCase("dma", "mem_req_addr_o")]
    [TestCase("dma", "token_done_o")]
    [TestCase("controller", "csr_rdata_o")]
    [TestCase("controller", "irq_o")]
    [TestCase("mem_arbiter", "m_req_ready_o")]
    [TestCase("mem_arbiter", "m_rsp_valid_o")]
    public async Task A_corrupted_output_is_named_by_its_cycle_and_signal(string module, string port)
    {
        long cycle = -1;
        var result = await CosimHarness.RunTampered(new CosimRequest(ConfigSource.FromPreset("tiny"), module), c => CosimHarness.Tamper(c, port, e =>
        {
            cycle = e.Cycle;
            return e with { Elements = CosimHarness.Bump(e.Elements) };
        }));
        var mismatch = CosimHarness.FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("value mismatch"));
        Assert.That(mismatch.Signal, Does.StartWith(port + "["));
        Assert.That(mismatch.Cycle, Is.EqualTo(cycle));
        Assert.That(mismatch.Coordinate, Does.StartWith($"al_{module}.{port} in cycle {cycle}"));
    }

    [Test]
    public void A_bench_that_predicts_no_value_for_an_output_leaves_it_unchecked_but_in_order()
    {
        var bench = (LockstepBench)ModuleBenches.Find("dma")!;
        var c = bench.Generate(Presets.Tiny, 1);
        var outputs = bench.Outputs(Presets.Tiny);
        Assert.That(c.Expected, Has.Count.EqualTo(c.Expected.Count / outputs.Count * outputs.Count));
        Assert.That(c.Expected.Take(outputs.Count).Select(e => e.Port), Is.EqualTo(outputs.Select(p => p.Name)), "every output in every cycle, in port order");
        Assert.That(c.Expected.Where(e => e.Port == "x_data_o").Select(e => e.ValueChecked), Has.Some.True.And.Some.False,
            "token data is compared only while x_valid_o is high");
    }
}
