using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;
using R = AttentionLego.Gen.Config.CsrMap;

namespace AttentionLego.Tests.Golden;

/// <summary>
/// The head's timing model against the per-stage formulas of CycleModel: a stage counter counts the cycles its array runs a
/// product's steps and drain cycle (the softmax: its passes and divider), whatever the overlap, and the controller refuses
/// misuse without changing anything.
/// </summary>
public sealed class HeadTimingTests
{
    private static readonly AttentionConfig Tiny = Presets.Tiny;

    /// <summary>A matrix row narrower than a bus word: d_head 4 of 4-bit weights on a 32-bit bus, so a word takes two writes.</summary>
    private static readonly AttentionConfig NarrowRows = Tiny with
    {
        Model = Tiny.Model with { DHead = 4 },
        Format = Tiny.Format with { WeightWidth = 4 },
        Pim = Tiny.Pim with { Rows = 4, Cols = 4, InputLanes = 4, AdcCount = 4 },
    };

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(13)]
    [TestCase(32)]
    public void Stage_counters_count_each_arrays_steps_and_drain_cycles(int tokens)
    {
        var c = Tiny;
        var perf = HeadPerformance.Measure(c, tokens);
        var counts = Enumerable.Range(1, tokens).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(perf.Qkv, Is.EqualTo(tokens * (c.ProjectionShape.ComputeSteps + 1L)));
            Assert.That(perf.Score, Is.EqualTo(counts.Sum(n => CycleModel.ScoreSteps(c, n) + 1L)));
            Assert.That(perf.Softmax, Is.EqualTo(counts.Sum(n => CycleModel.SoftmaxLatency(c, n) - 1L)));
            Assert.That(perf.Context, Is.EqualTo(tokens * (c.ContextShape.ComputeSteps + 1L)));
        }
    }

    [Test]
    public void Loading_the_weights_takes_one_cycle_per_bus_word_plus_the_memory_latency()
    {
        var perf = HeadPerformance.Measure(Tiny, 1, memoryLatency: 3);
        var words = 3L * Tiny.Model.DModel * Tiny.Model.DHead * Tiny.Format.WeightWidth / Tiny.Bus.DataWidth;
        Assert.That(Tiny.ProjectionShape.WriteCells, Is.EqualTo(Tiny.Bus.DataWidth / Tiny.Format.WeightWidth), "a write carries a whole bus word");
        Assert.That(perf.LoadCycles, Is.InRange(words, words + 10));
    }

    /// <summary>Issue 18's configurations: the head and the array at the paper's bus and at wider ones.</summary>
    private static IEnumerable<TestCaseData> ThroughputCases()
    {
        AttentionConfig Bus(AttentionConfig c, int width) => c with { Bus = c.Bus with { DataWidth = width } };
        yield return new TestCaseData(Presets.Tiny).SetArgDisplayNames("tiny");
        yield return new TestCaseData(Presets.TinyMha4).SetArgDisplayNames("tiny-mha4");
        foreach (var width in new[] { 32, 128, 512 })
        {
            yield return new TestCaseData(Bus(Presets.PaperExact, width)).SetArgDisplayNames($"paper-exact, {width}-bit bus");
        }

        yield return new TestCaseData(Bus(Presets.PaperMha, 512)).SetArgDisplayNames("paper-mha, 512-bit bus");
    }

    /// <summary>
    /// The sustained cost of a token (each token after the first of an 8-token decode) stays within 10 % of the ideal
    /// bound, as issue 18 asks: cycles from the exact timing model, not a time. scripts/bench.sh reports the figures.
    /// </summary>
    [TestCaseSource(nameof(ThroughputCases))]
    public void A_token_costs_at_most_ten_percent_more_than_the_ideal_bound(AttentionConfig config)
    {
        var array = config.Model.IsArray;
        var perf = HeadPerformance.Measure(config, 8, array: array, skipLoad: true);
        TestContext.Out.WriteLine($"{perf.CyclesPerToken:0.0} cycles per token sustained, bound {perf.IdealCyclesPerToken:0.0}, first token {perf.FirstTokenCycles}");
        Assert.That(perf.CyclesPerToken, Is.InRange(perf.IdealCyclesPerToken, perf.IdealCyclesPerToken * 1.10));
    }

    private static IEnumerable<TestCaseData> LoadCases()
    {
        foreach (var preset in Presets.All.Where(p => p.Name != "paper-mha"))
        {
            yield return new TestCaseData(preset.Config).SetArgDisplayNames(preset.Name);
        }

        foreach (var bus in new[] { 128, 512 })
        {
            yield return new TestCaseData(Presets.PaperExact with { Bus = Presets.PaperExact.Bus with { DataWidth = bus } })
                .SetArgDisplayNames($"paper-exact, {bus}-bit bus");
        }

        yield return new TestCaseData(Presets.Paper with { Model = Presets.Paper.Model with { Heads = 2 } }).SetArgDisplayNames("two paper heads");
        yield return new TestCaseData(NarrowRows).SetArgDisplayNames("d_head narrower than a bus word");
    }

    /// <summary>
    /// LOAD at the bus's rate (issue 18): within 5 % of the bus beats of the weights, for every preset but paper-mha (whose
    /// 16.8 million load cycles take the model minutes; scripts/bench.sh measures it). A word that a write cannot carry
    /// whole costs more than one cycle: the last case shows the limit.
    /// </summary>
    [TestCaseSource(nameof(LoadCases))]
    public void Loading_takes_at_most_five_percent_more_than_the_bus_bound(AttentionConfig config)
    {
        Assert.That(ConfigValidator.Validate(config), Is.Empty, "a valid configuration");
        var array = config.Model.IsArray;
        var load = HeadPerformance.Measure(config, 1, array: array).LoadCycles;
        var beats = CycleModel.LoadBusBeats(config, array);
        var writesPerBeat = config.Bus.DataWidth / config.Format.WeightWidth / config.ProjectionShape.WriteCells;
        TestContext.Out.WriteLine($"LOAD {load} cycles, {beats} bus beats, {writesPerBeat} write(s) per beat");
        Assert.That(load, Is.InRange(beats * writesPerBeat, (long)(beats * writesPerBeat * 1.05)));
    }

    [Test]
    public void Later_tokens_overlap_with_earlier_ones()
    {
        var perf = HeadPerformance.Measure(Tiny, 16);
        var serial = HeadPerformance.Measure(Tiny, 1).DecodeCycles;
        Assert.That(perf.CyclesPerToken, Is.LessThan(serial), "a token in a long run costs less than a token alone");
        Assert.That(perf.LastTokenCycles, Is.LessThan(serial));
    }

    [Test]
    public void The_first_token_alone_is_a_decode_of_one_token_and_outlasts_the_cost_per_token()
    {
        var perf = HeadPerformance.Measure(Tiny, 8);
        var one = HeadPerformance.Measure(Tiny, 1);
        Assert.That(perf.FirstTokenCycles, Is.EqualTo(one.DecodeCycles), "TOKEN_CYCLES of a one-token decode on empty caches");
        Assert.That(perf.FirstTokenCycles, Is.EqualTo(132), "frozen: tiny's fetch, projection, scores, softmax, context and write");
        Assert.That(perf.FirstTokenCycles, Is.GreaterThan(perf.CyclesPerToken), "a token's latency exceeds its cost in a run that overlaps tokens");
    }

    [Test]
    public void A_wider_bus_fetches_a_token_in_fewer_cycles()
    {
        var narrow = HeadPerformance.Measure(Tiny with { Bus = Tiny.Bus with { DataWidth = 8 } }, 8);
        var wide = HeadPerformance.Measure(Tiny with { Bus = Tiny.Bus with { DataWidth = 128 } }, 8);
        Assert.That(wide.Fetch, Is.LessThan(narrow.Fetch));
        Assert.That(wide.DecodeCycles, Is.LessThan(narrow.DecodeCycles));
    }

    [Test]
    public void A_decode_longer_than_the_cache_is_refused_and_changes_nothing()
    {
        var reads = Reads(
            new HeadCommand.Write(R.Ctrl, R.CtrlLoad), new HeadCommand.WaitIrq(),
            new HeadCommand.Write(R.Tokens, 3), new HeadCommand.Write(R.Ctrl, R.CtrlDecode), new HeadCommand.WaitIrq(),
            new HeadCommand.Write(R.Tokens, (uint)Tiny.Model.MaxSeqLen - 2), new HeadCommand.Write(R.Ctrl, R.CtrlDecode), new HeadCommand.WaitIrq(),
            new HeadCommand.Read(R.Error), new HeadCommand.Read(R.Status), new HeadCommand.Read(R.SeqLen), new HeadCommand.Read(R.TokensDone));
        Assert.That(reads, Is.EqualTo(new[] { R.ErrOverflow, R.StatusDone | R.StatusError | R.StatusWeights, 3u, 3u }));
    }

    [Test]
    public void A_decode_before_the_weights_and_a_command_while_busy_are_refused()
    {
        var reads = Reads(
            new HeadCommand.Write(R.Tokens, 1), new HeadCommand.Write(R.Ctrl, R.CtrlDecode), new HeadCommand.Read(R.Error),
            new HeadCommand.Write(R.Error, 0x1f), new HeadCommand.Read(R.Error),
            new HeadCommand.Write(R.Ctrl, R.CtrlLoad), new HeadCommand.Write(R.Ctrl, R.CtrlClear), new HeadCommand.Read(R.Error),
            new HeadCommand.Read(R.Status));
        Assert.That(reads, Is.EqualTo(new[] { R.ErrNoWeights, 0u, R.ErrBusy, R.StatusBusy | R.StatusError }));
    }

    [Test]
    public void Done_is_acknowledged_by_writing_one_to_it_and_lowers_the_interrupt()
    {
        var reads = Reads(
            new HeadCommand.Write(R.Ctrl, R.CtrlClear), new HeadCommand.WaitIrq(), new HeadCommand.Read(R.Status),
            new HeadCommand.Write(R.Status, R.StatusDone), new HeadCommand.Read(R.Status));
        Assert.That(reads, Is.EqualTo(new[] { R.StatusDone, 0u }));
    }

    [TestCase(0u)]
    [TestCase(3u)]
    [TestCase(9u)]
    [TestCase(0x80000002u)]
    public void A_control_value_other_than_one_command_bit_is_refused(uint value)
    {
        var reads = Reads(new HeadCommand.Write(R.Ctrl, value), new HeadCommand.Read(R.Error), new HeadCommand.Read(R.Status));
        Assert.That(reads, Is.EqualTo(new[] { R.ErrCommand, R.StatusError }));
    }

    [Test]
    public void Every_accepted_command_restarts_the_counters()
    {
        var reads = Reads(
            new HeadCommand.Write(R.Ctrl, R.CtrlLoad), new HeadCommand.WaitIrq(), new HeadCommand.Read(R.Cycles),
            new HeadCommand.Write(R.Ctrl, R.CtrlClear), new HeadCommand.WaitIrq(), new HeadCommand.Read(R.Cycles));
        Assert.That(reads[0], Is.GreaterThan(700u), "LOAD: 768 bus words");
        Assert.That(reads[1], Is.EqualTo(0u));
    }

    [Test]
    public void Registers_read_their_reset_values_and_identify_the_configuration()
    {
        var reads = Reads([.. R.Registers.Select(r => (HeadCommand)new HeadCommand.Read(r.Offset))]);
        var hash = ConfigHash.Register(Tiny);
        var expected = R.Registers.Select(r => r.Offset switch
        {
            R.Id => R.IdValue,
            R.ConfigHash => hash,
            R.MaxSeqLen => (uint)Tiny.Model.MaxSeqLen,
            _ => 0u,
        });
        Assert.That(reads, Is.EqualTo(expected));
    }

    [Test]
    public void The_ideal_bound_is_the_bus_or_the_busiest_array_with_its_appends()
    {
        Assert.That(CycleModel.BusBeatsPerToken(Presets.Paper), Is.EqualTo((4096 + 128) * 8 / 32));
        Assert.That(CycleModel.IdealTokenCycles(Presets.Paper, 1), Is.EqualTo(1056));
        var wide = Presets.Paper with { Bus = Presets.Paper.Bus with { DataWidth = 1024 } };
        // A wide bus leaves the PIM arrays as the bound: the busiest is the V cache's, which appends v (one row write)
        // and computes the context (128 steps) for every token; the projection array computes for 128 steps only.
        Assert.That(Presets.Paper.ContextShape.ComputeSteps, Is.EqualTo(128));
        Assert.That(Presets.Paper.ProjectionShape.ComputeSteps, Is.EqualTo(128));
        Assert.That(CycleModel.IdealTokenCycles(wide, 1), Is.EqualTo(1 + 128), "appends count as the array's busy cycles");
    }

    private static uint[] Reads(params HeadCommand[] commands) =>
        [.. new ControlTiming(Tiny, 3, array: false).Run(commands).Where(e => e.Kind == HeadEventKind.CsrRead).Select(e => (uint)e.Value)];
}
