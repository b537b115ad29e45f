using AttentionLego.Cosim.Scoring;

namespace AttentionLego.Tests.Scoring;

/// <summary>The scoreboard on hand-written traces: every way a trace can disagree is a failure.</summary>
public sealed class ScoreboardTests
{
    private static Expectation Expect(long cycle, params long[] elements) =>
        new(cycle, "y_data_o", elements, 8, "x vector #0", i => $"output {i}");

    [Test]
    public void A_matching_trace_passes()
    {
        var expected = new[] { Expect(5, 1, -2) };
        var result = Scoreboard.Compare(expected, Trace.Parse($"5 y_data_o {expected[0].Hex}\n9 end\n"));
        Assert.That(result.Passed, Is.True);
        Assert.That(result.Compared, Is.EqualTo(1));
    }

    [Test]
    public void Unknown_bits_are_a_mismatch()
    {
        var result = Scoreboard.Compare([Expect(5, 1, -2)], Trace.Parse("5 y_data_o fex1\n9 end\n"));
        Assert.That(result.FirstMismatch!.Kind, Is.EqualTo("unknown bits"));
    }

    [Test]
    public void A_partial_last_line_is_a_truncated_trace_not_a_crash()
    {
        var expected = Expect(5, 1, -2);
        var result = Scoreboard.Compare([expected], Trace.Parse($"5 y_data_o {expected.Hex}\n9 en"));
        Assert.That(result.FirstMismatch!.Kind, Is.EqualTo("truncated trace"));
    }

    [Test]
    public void An_empty_value_is_not_read_as_zero()
    {
        Assert.Throws<FormatException>(() => Trace.Parse("5 y_data_o\n9 end\n"));
    }

    [Test]
    public void The_element_that_differs_is_named_with_its_bits_and_coordinate()
    {
        var result = Scoreboard.Compare([Expect(5, 1, -2)], Trace.Parse($"5 y_data_o {Expect(5, 1, -3).Hex}\n9 end\n"));
        var mismatch = result.FirstMismatch!;
        Assert.That(mismatch.Kind, Is.EqualTo("value mismatch"));
        Assert.That(mismatch.Signal, Is.EqualTo("y_data_o[15:8]"));
        Assert.That(mismatch.Coordinate, Does.Contain("output 1"));
        Assert.That((mismatch.Expected, mismatch.Actual), Is.EqualTo(("-2", "-3")));
    }

    [Test]
    public void No_expected_and_no_traced_response_is_a_failure_not_a_pass()
    {
        var trace = Trace.Parse("12 end\n");
        var inOrder = Scoreboard.Compare([], trace);
        var perPort = Scoreboard.ComparePerPort([], trace);
        foreach (var result in new[] { inOrder, perPort })
        {
            Assert.That(result.Passed, Is.False, "a run that compared nothing checked nothing");
            Assert.That(result.Compared, Is.Zero);
            Assert.That(result.FirstMismatch!.Kind, Is.EqualTo("nothing compared"));
            Assert.That(result.FirstMismatch.Describe(), Does.Contain("the golden model predicted no response and the trace holds none"));
        }
    }

    [Test]
    public void A_trace_without_responses_fails_when_responses_were_expected()
    {
        var expected = new[] { Expect(5, 1, -2) };
        Assert.That(Scoreboard.Compare(expected, Trace.Parse("40 end\n")).FirstMismatch!.Kind, Is.EqualTo("missing response"));
        Assert.That(Scoreboard.ComparePerPort(expected, Trace.Parse("40 end\n")).FirstMismatch!.Kind, Is.EqualTo("missing response"));
    }

    [Test]
    public void Responses_compared_on_one_port_pass_per_port_and_one_corrupted_value_fails()
    {
        var expected = new[] { Expect(5, 1, -2), Expect(9, 3, 4) };
        var good = Trace.Parse($"5 y_data_o {expected[0].Hex}\n9 y_data_o {expected[1].Hex}\n12 end\n");
        var result = Scoreboard.ComparePerPort(expected, good);
        Assert.That((result.Passed, result.Compared), Is.EqualTo((true, 2)));
        var bad = Trace.Parse($"5 y_data_o {expected[0].Hex}\n9 y_data_o {Expect(9, 3, 5).Hex}\n12 end\n");
        Assert.That(Scoreboard.ComparePerPort(expected, bad).FirstMismatch!.Kind, Is.EqualTo("value mismatch"));
    }

    [Test]
    public void Every_bench_expects_responses_for_the_tiny_preset()
    {
        // No bench legitimately expects silence, so "nothing compared" needs no opt-out: a bench that predicts no
        // response is a bench bug, and the scoreboard fails it.
        foreach (var bench in AttentionLego.Cosim.Benches.ModuleBenches.All)
        {
            Assert.That(bench.Generate(AttentionLego.Gen.Config.Presets.Tiny, 1).Expected, Is.Not.Empty, bench.Module);
        }
    }
}
