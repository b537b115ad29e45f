using AttentionLego.Cosim.Waves;

namespace AttentionLego.Tests.Waves;

/// <summary>The cycle-aligned comparison of two waves.</summary>
public sealed class VcdDiffTests
{
    private static readonly WaveBench Bench = new();

    private static VcdDiffResult Diff(WaveBench a, WaveBench b, VcdDiffOptions? options = null)
    {
        var result = VcdDiff.Compare(VcdReader.Parse(a.Text(), "A.vcd"), VcdReader.Parse(b.Text(), "B.vcd"), options ?? new VcdDiffOptions());
        foreach (var d in result.Divergences)
        {
            TestContext.Out.WriteLine($"{d.Signal} cycle {d.Cycle} time {d.Time}: A={d.Expected} B={d.Actual} {d.Note}");
        }

        return result;
    }

    [Test]
    public void Identical_waves_have_no_divergence_over_every_cycle()
    {
        var result = Diff(Bench, Bench);
        Assert.That(result.Identical, Is.True);
        Assert.That(result.Clock, Is.EqualTo("tb.clk_i"), "found by its leaf name, without TOP");
        Assert.That(result.Cycles.Select(c => c.Number), Is.EqualTo(Enumerable.Range(0, 20).Select(n => (long)n)));
        Assert.That(result.Cycles[3].Time, Is.EqualTo(35));
        Assert.That(result.SignalsCompared, Is.EqualTo(3));
        Assert.That(result.OnlyInA.Concat(result.OnlyInB), Is.Empty);
    }

    [Test]
    public void One_flipped_bit_is_reported_at_exactly_its_signal_and_cycle()
    {
        var result = Diff(Bench, Bench.With("count", 7, WaveBench.Flip(5)));
        Assert.That(result.Divergences, Is.EqualTo(new[] { new VcdDivergence("tb.count", 7, 75, "00000111", "00100111") }));
    }

    [Test]
    public void Divergences_are_sorted_by_cycle_then_name_and_only_the_first_per_signal_is_kept()
    {
        var b = Bench.With("count", 9, WaveBench.Flip(0)).With("count", 12, WaveBench.Flip(1)).With("flag", 4, WaveBench.Flip(0)).With("count", 4, WaveBench.Flip(7));
        var result = Diff(Bench, b);
        Assert.That(result.Divergences.Select(d => (d.Signal, d.Cycle)), Is.EqualTo(new[] { ("tb.count", 4L), ("tb.flag", 4L) }));
    }

    [Test]
    public void X_in_the_expected_wave_matches_anything_only_with_the_wildcard()
    {
        var a = Bench.With("count", 6, v => "xxxx" + v[4..]);
        Assert.That(Diff(a, Bench).Divergences.Select(d => (d.Signal, d.Cycle)), Is.EqualTo(new[] { ("tb.count", 6L) }), "off by default");
        Assert.That(Diff(a, Bench, new VcdDiffOptions { XWildcard = true }).Identical, Is.True);

        var wrongKnownBit = a.With("count", 6, WaveBench.Flip(0));
        Assert.That(Diff(wrongKnownBit, Bench, new VcdDiffOptions { XWildcard = true }).Divergences.Select(d => d.Cycle), Is.EqualTo(new[] { 6L }),
            "the wildcard covers only the x bits");
        Assert.That(Diff(Bench, a, new VcdDiffOptions { XWildcard = true }).Identical, Is.False, "an x in B (actual) is never a wildcard");
    }

    [Test]
    public void Without_the_wildcard_x_equals_x()
    {
        var a = Bench.With("count", 6, _ => "xxxxzzzz");
        Assert.That(Diff(a, a).Identical, Is.True);
        Assert.That(Diff(a, Bench.With("count", 6, _ => "xxxxzzz0")).Identical, Is.False);
    }

    [TestCase(8L, null, null, null, false)]
    [TestCase(null, 6L, null, null, false)]
    [TestCase(null, 7L, null, null, true)]
    [TestCase(7L, 7L, null, null, true)]
    [TestCase(null, null, 76L, null, false)]
    [TestCase(null, null, null, 74L, false)]
    [TestCase(null, null, 75L, 75L, true)]
    public void Windows_limit_the_cycles_compared(long? fromCycle, long? toCycle, long? fromTime, long? toTime, bool found)
    {
        var result = Diff(Bench, Bench.With("flag", 7, WaveBench.Flip(0)),
            new VcdDiffOptions { FromCycle = fromCycle, ToCycle = toCycle, FromTime = fromTime, ToTime = toTime });
        Assert.That(result.Identical, Is.EqualTo(!found));
        Assert.That(result.Cycles, Has.All.Matches<WaveCycle>(c => c.Number >= (fromCycle ?? 0) && c.Number <= (toCycle ?? 99) &&
                                                               c.Time >= (fromTime ?? 0) && c.Time <= (toTime ?? 999)));
    }

    [Test]
    public void Edges_outside_the_range_b_dumps_are_not_compared()
    {
        var windowed = Bench.With("count", 2, WaveBench.Flip(0)).With("flag", 16, WaveBench.Flip(0)).With("count", 9, WaveBench.Flip(3)) with { Window = (40, 120) };
        var result = Diff(Bench, windowed);
        Assert.That(result.Cycles.Select(c => c.Number), Is.EqualTo(new long[] { 4, 5, 6, 7, 8, 9, 10, 11 }), "edges at 45..115, after #40 and up to #120");
        Assert.That(result.Divergences.Select(d => (d.Signal, d.Cycle)), Is.EqualTo(new[] { ("tb.count", 9L) }));
    }

    [Test]
    public void Signals_in_one_file_only_are_listed_and_not_compared()
    {
        var result = Diff(Bench.Adding("only_a", 3), Bench.Adding("only_b", 1));
        Assert.That(result.OnlyInA, Is.EqualTo(new[] { "tb.only_a" }));
        Assert.That(result.OnlyInB, Is.EqualTo(new[] { "tb.only_b" }));
        Assert.That(result.Identical, Is.True);
        Assert.That(result.SignalsCompared, Is.EqualTo(3));
    }

    [Test]
    public void A_verilator_style_top_scope_and_another_timescale_still_align()
    {
        var icarus = Bench with { Root = "tb" };
        var verilator = Bench with { Timescale = "1ps", Unit = 1000 };
        Assert.That(Diff(icarus, verilator).Identical, Is.True);
        var result = Diff(icarus, verilator.With("count", 11, WaveBench.Flip(2)));
        Assert.That(result.Divergences.Select(d => (d.Signal, d.Cycle, d.Time)), Is.EqualTo(new[] { ("tb.count", 11L, 115L) }), "times in A's units");
    }

    [Test]
    public void A_width_mismatch_is_a_divergence()
    {
        var narrow = Bench with { Signals = [("count", 4, n => WaveBench.Bits(n, 4)), Bench.Signals[1]] };
        var result = Diff(Bench, narrow);
        Assert.That(result.Divergences, Has.Count.EqualTo(1));
        Assert.That(result.Divergences[0].Signal, Is.EqualTo("tb.count"));
        Assert.That(result.Divergences[0].Note, Does.Contain("8 bits").And.Contain("4 bits"));
    }

    [Test]
    public void Signal_globs_choose_what_is_compared()
    {
        var b = Bench.With("count", 3, WaveBench.Flip(0));
        Assert.That(Diff(Bench, b, new VcdDiffOptions { Signals = ["*.flag"] }).Identical, Is.True);
        Assert.That(Diff(Bench, b, new VcdDiffOptions { Signals = ["*.flag", "TOP.tb.cou?t"] }).Divergences.Select(d => d.Signal), Is.EqualTo(new[] { "tb.count" }));
        var ex = Assert.Throws<WaveException>(() => Diff(Bench, b, new VcdDiffOptions { Signals = ["*.nothing"] }))!;
        Assert.That(ex.Message, Does.Contain("*.nothing").And.Contain("Fix:"));
    }

    [Test]
    public void Waves_with_no_signal_in_common_compare_nothing_and_are_not_identical()
    {
        var result = Diff(Bench, Bench with { Root = "TOP.other" });
        Assert.That(result.SignalsCompared, Is.Zero);
        Assert.That(result.Divergences, Is.Empty);
        Assert.That(result.ComparedNothing, Is.True);
        Assert.That(result.Identical, Is.False, "no divergence among no signals is no verdict");
        Assert.That(result.OnlyInB, Has.Count.EqualTo(3));
        var selected = Diff(Bench, Bench.Adding("only_b", 2), new VcdDiffOptions { Signals = ["*.only_b"] });
        Assert.That((selected.SignalsCompared, selected.Identical), Is.EqualTo((0, false)), "a glob that selects only B's signals compares nothing");
        Assert.That(Diff(Bench, Bench).ComparedNothing, Is.False);
    }

    [Test]
    public void An_expected_wave_that_is_all_x_under_the_wildcard_or_only_the_clock_compares_nothing()
    {
        var allX = Bench with { Signals = [.. Bench.Signals.Select(s => (s.Name, s.Width, (Func<int, string>)(_ => new string('x', s.Width))))] };
        var wildcard = Diff(allX, Bench, new VcdDiffOptions { XWildcard = true });
        Assert.That((wildcard.SignalsCompared, wildcard.SignalsChecked, wildcard.ComparedNothing, wildcard.Identical), Is.EqualTo((3, 0, true, false)),
            "every expected x accepts anything: the clock alone was checked, which says nothing");
        Assert.That(Diff(allX, allX).ComparedNothing, Is.False, "without the wildcard x must equal x: a real check");

        var oneKnownBit = allX.With("flag", 5, _ => "1");
        Assert.That(Diff(oneKnownBit, Bench, new VcdDiffOptions { XWildcard = true }).SignalsChecked, Is.EqualTo(1), "one known bit checks its signal");
        var clockOnly = Diff(Bench, Bench, new VcdDiffOptions { Signals = ["*.clk_i"] });
        Assert.That((clockOnly.SignalsCompared, clockOnly.ComparedNothing), Is.EqualTo((1, true)), "the clock the cycles are counted by checks nothing");
    }

    [Test]
    public void A_named_clock_must_exist_and_be_one_bit()
    {
        Assert.That(Diff(Bench, Bench, new VcdDiffOptions { Clock = "TOP.tb.clk_i" }).Cycles, Has.Count.EqualTo(20));
        Assert.That(Diff(Bench, Bench, new VcdDiffOptions { Clock = "*.flag" }).Cycles.Select(c => c.Number), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }),
            "flag rises at cycles 3, 6, ..., 18");
        Assert.That(Assert.Throws<WaveException>(() => Diff(Bench, Bench, new VcdDiffOptions { Clock = "*.nope" }))!.Message, Does.Contain("*.nope"));
        Assert.That(Assert.Throws<WaveException>(() => Diff(Bench, Bench, new VcdDiffOptions { Clock = "*.count" }))!.Message, Does.Contain("not one bit"));
    }
}
