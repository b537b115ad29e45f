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
}
