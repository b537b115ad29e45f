using System.Security.Cryptography;
using System.Text;
using AttentionLego.Cosim.Benches;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

/// <summary>
/// The one timing model against frozen figures: the same events in the same cycles, and the same counters. They were first
/// frozen from the two models it replaced (HeadTiming for al_top, ArrayTiming for al_array, at commit 2162ae1), and frozen
/// again when LOAD went from one weight to one bus word per cycle (a write of the weight port carries
/// MatrixShape.WriteCells weights): every figure of a decode stayed, the load's cycles and the cycles after them moved.
/// Frozen a third time when the stages began to overlap (issue 18: one-write appends, output registers, products taken in
/// the drain cycle): the decode figures moved, LOAD stayed.
/// Co-simulation (TopCosimTests,
/// ArrayCosimTests) holds the RTL to the same model.
/// </summary>
public sealed class ControlTimingTests
{
    private static readonly AttentionConfig Wide = Presets.Tiny with { Bus = Presets.Tiny.Bus with { DataWidth = 128 } };

    private static IEnumerable<TestCaseData> Traces()
    {
        yield return new TestCaseData(Presets.Tiny, 1, false, 5, 114, 1459L, "8E37933E6D77D515").SetArgDisplayNames("tiny", "latency 1");
        yield return new TestCaseData(Presets.Tiny, 3, false, 5, 114, 1473L, "F5DCE9CA2B111B9B").SetArgDisplayNames("tiny", "latency 3");
        yield return new TestCaseData(Wide, 2, false, 3, 86, 776L, "1BF79917AECBDB2D").SetArgDisplayNames("tiny, 128-bit bus", "latency 2");
        yield return new TestCaseData(Presets.Tiny, 3, true, 5, 120, 1473L, "C72AAF28C3ACAF4C").SetArgDisplayNames("tiny as a one-head array", "latency 3");
        yield return new TestCaseData(Presets.TinyMha2, 3, true, 4, 151, 2217L, "95C61E222644E383").SetArgDisplayNames("tiny-mha2", "latency 3");
        yield return new TestCaseData(Presets.TinyMha4, 1, true, 4, 231, 4892L, "961C6BCBE97B8C8C").SetArgDisplayNames("tiny-mha4", "latency 1");
    }

    [TestCaseSource(nameof(Traces))]
    public void The_bench_commands_give_the_frozen_events_in_the_frozen_cycles(AttentionConfig config, int latency, bool array, int tokens,
        int count, long lastCycle, string hash)
    {
        var layout = array ? MemoryLayout.ForArray(config) : MemoryLayout.For(config);
        var events = new ControlTiming(config, latency, array).Run(TopBench.Commands(config, layout, tokens));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(events, Has.Count.EqualTo(count));
            Assert.That(events[^1].Cycle, Is.EqualTo(lastCycle));
            Assert.That(Fingerprint(events), Is.EqualTo(hash), "every event's cycle, kind, index, value, offset and head");
        }
    }

    private static IEnumerable<TestCaseData> Counters()
    {
        yield return new TestCaseData(Presets.Tiny, 8, 3, false, false, new[] { 775L, 368, 33, 176, 264, 72, 172, 264, 64 }).SetArgDisplayNames("tiny", "8 tokens");
        yield return new TestCaseData(Presets.Tiny, 3, 1, false, false, new[] { 773L, 194, 33, 54, 99, 27, 60, 99, 18 }).SetArgDisplayNames("tiny", "3 tokens, latency 1");
        yield return new TestCaseData(Presets.TinyMha2, 8, 3, true, false, new[] { 1543L, 372, 33, 192, 264, 72, 172, 264, 96 }).SetArgDisplayNames("tiny-mha2", "8 tokens");
        yield return new TestCaseData(Presets.TinyMha4, 8, 2, true, false, new[] { 4102L, 419, 34, 198, 264, 72, 172, 264, 152 }).SetArgDisplayNames("tiny-mha4", "8 tokens, latency 2");
        yield return new TestCaseData(Presets.Paper, 4, 3, false, true, new[] { 0L, 4551, 1061, 4208, 516, 68, 80, 516, 144 }).SetArgDisplayNames("paper", "4 tokens, loaded");
        yield return new TestCaseData(Presets.PaperMha, 2, 3, true, true, new[] { 0L, 4544, 2053, 3080, 258, 34, 40, 258, 2056 }).SetArgDisplayNames("paper-mha", "2 tokens, loaded");
    }

    [TestCaseSource(nameof(Counters))]
    public void The_counters_read_the_frozen_figures(AttentionConfig config, int tokens, int latency, bool array, bool skipLoad, long[] expected)
    {
        var p = HeadPerformance.Measure(config, tokens, latency, array, skipLoad);
        Assert.That(new[] { p.LoadCycles, p.DecodeCycles, p.LastTokenCycles, p.Fetch, p.Qkv, p.Score, p.Softmax, p.Context, p.Write },
            Is.EqualTo(expected), "LOAD's cycles, then DECODE's: cycles, last token, fetch, qkv, score, softmax, context, write");
    }

    [Test]
    public void A_one_master_arbiter_passes_every_request_through()
    {
        var arbiter = new ArbiterMirror(1);
        foreach (var (request, ready) in new[] { (true, false), (true, true), (false, true), (true, true) })
        {
            arbiter.Comb([request]);
            Assert.That((arbiter.Grant, arbiter.Valid), Is.EqualTo((0, request)));
            arbiter.Edge(ready);
        }
    }

    private static string Fingerprint(IEnumerable<HeadEvent> events) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join("\n", events.Select(e => $"{e.Cycle} {e.Kind} {e.Index} {e.Value} {e.Offset} {e.Head}")))))[..16];
}
