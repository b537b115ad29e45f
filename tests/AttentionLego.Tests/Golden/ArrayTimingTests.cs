using AttentionLego.Cosim.Benches;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

/// <summary>The array's timing model: what arbitration and the broadcast do to the cycles, and the arbiter's policy.</summary>
public sealed class ArrayTimingTests
{
    [TestCase(1)]
    [TestCase(3)]
    public void A_one_head_array_times_exactly_like_al_top(int latency)
    {
        var config = Presets.Tiny;
        var commands = TopBench.Commands(config, MemoryLayout.ForArray(config), 5);
        var head = new ControlTiming(config, latency, array: false).Run(commands);
        var array = new ControlTiming(config, latency, array: true).Run(commands).Where(e => e.Kind != HeadEventKind.Row).ToList();

        Assert.That(array, Is.EqualTo(head));
    }

    [Test]
    public void Every_row_follows_its_heads_outputs_and_precedes_its_writes()
    {
        var config = Presets.TinyMha4;
        var events = new ControlTiming(config, 3, array: true).Run(TopBench.Commands(config, MemoryLayout.ForArray(config), 4));
        var rows = events.Where(e => e.Kind == HeadEventKind.Row).ToList();
        var layout = MemoryLayout.ForArray(config);
        Assert.That(rows, Has.Count.EqualTo(5), "four tokens, then one more after the clear");
        foreach (var row in rows)
        {
            var outputs = events.Where(e => e.Kind == HeadEventKind.Output && e.Index == row.Index).ToList();
            var writes = events.Where(e => e.Kind == HeadEventKind.MemWrite && e.Index / layout.OutputWords == row.Index).ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(outputs.Select(o => o.Head), Is.EquivalentTo(new[] { 0, 1, 2, 3 }), "every head gives its output");
                Assert.That(outputs.Select(o => o.Cycle).Distinct().Count(), Is.EqualTo(1), "the join takes all heads' outputs at once");
                Assert.That(row.Cycle, Is.GreaterThanOrEqualTo(outputs[0].Cycle + CycleModel.OutputProjectionLatency(config)), "W_O runs in between");
                Assert.That(writes, Has.Count.EqualTo(layout.OutputWords));
                Assert.That(writes.Select(w => w.Cycle), Has.All.GreaterThan(row.Cycle));
            }
        }
    }

    [Test]
    public void Heads_load_their_weights_side_by_side_at_the_bus_rate()
    {
        // tiny: a head writes a whole bus word (four weights) per cycle, so one head already fills the bus, and the heads'
        // loaders share it: n heads take n times one head's words, plus the memory latency.
        long Load(int heads) => HeadPerformance.Measure(Presets.Tiny with { Model = Presets.Tiny.Model with { Heads = heads } }, 1, array: true).LoadCycles;
        var (one, two, four, eight) = (Load(1), Load(2), Load(4), Load(8));
        var words = 3L * 64 * 16 / 4;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(one, Is.InRange(words, words + 16), "one head: one cycle per bus word");
            Assert.That(two, Is.InRange(2 * words, 2 * words + 16));
            Assert.That(four, Is.InRange(4 * words, 4 * words + 32));
            Assert.That(eight, Is.InRange(8 * words, 8 * words + 32));
        }
    }

    [Test]
    public void The_array_decodes_at_most_a_little_slower_than_one_head_and_never_below_the_ideal_bound()
    {
        var head = HeadPerformance.Measure(Presets.Tiny, 8);
        var two = HeadPerformance.Measure(Presets.TinyMha2, 8, array: true);
        var four = HeadPerformance.Measure(Presets.TinyMha4, 8, array: true);
        TestContext.Out.WriteLine($"cycles per token: head {head.CyclesPerToken:0.0}, 2 heads {two.CyclesPerToken:0.0}, 4 heads + W_O {four.CyclesPerToken:0.0}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(two.CyclesPerToken, Is.InRange(head.CyclesPerToken, head.CyclesPerToken * 1.2));
            Assert.That(four.CyclesPerToken, Is.GreaterThanOrEqualTo(four.IdealCyclesPerToken));
            Assert.That(two.CyclesPerToken, Is.GreaterThanOrEqualTo(two.IdealCyclesPerToken));
        }
    }

    [Test]
    public void Round_robin_serves_every_waiting_master_before_any_other_twice()
    {
        var rng = new Random(11);
        const int masters = 5;
        var arbiter = new ArbiterMirror(masters);
        var waiting = new bool[masters];
        var servedWhileWaiting = new int[masters];
        var worst = 0;
        for (var cycle = 0; cycle < 20_000; cycle++)
        {
            // A master keeps its request until it is served (the port protocol); new ones appear at random.
            for (var m = 0; m < masters; m++)
            {
                waiting[m] |= rng.Next(3) == 0;
            }

            arbiter.Comb(waiting);
            var ready = rng.Next(10) < 7;
            if (arbiter.Valid && ready)
            {
                var served = arbiter.Grant;
                Assert.That(waiting[served], Is.True);
                for (var m = 0; m < masters; m++)
                {
                    if (m != served && waiting[m])
                    {
                        worst = Math.Max(worst, ++servedWhileWaiting[m]);
                    }
                }

                waiting[served] = false;
                servedWhileWaiting[served] = 0;
            }

            var grant = arbiter.Grant;
            var valid = arbiter.Valid;
            arbiter.Edge(ready);
            if (valid && !ready)
            {
                arbiter.Comb(waiting);
                Assert.That(arbiter.Grant, Is.EqualTo(grant), "a refused request keeps the grant");
            }
        }

        Assert.That(worst, Is.EqualTo(masters - 1), "a master waits for at most Masters - 1 others, and that happens");
    }
}
