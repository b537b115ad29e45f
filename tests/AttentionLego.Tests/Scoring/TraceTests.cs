using AttentionLego.Cosim.Scoring;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Scoring;

/// <summary>Traces are read as streams (issue 16): bounded lines, a bounded number of kept transactions, the end marker found.</summary>
public sealed class TraceTests
{
    [Test]
    public void A_trace_file_is_read_up_to_its_end_line()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("trace.txt");
        File.WriteAllText(path, "5 y_data_o 01\n\n7 y_data_o 02\n9 end\n12 y_data_o 03\n");
        var trace = Trace.ReadFile(path, CancellationToken.None);
        Assert.That(trace.Transactions.Select(t => (t.Cycle, t.Port, t.Hex)), Is.EqualTo(new[] { (5L, "y_data_o", "01"), (7L, "y_data_o", "02") }));
        Assert.That((trace.End, trace.EndCycle, trace.Dropped), Is.EqualTo((TraceEnd.Finished, 9L, 0L)));
    }

    [Test]
    public void A_last_line_without_its_newline_is_a_truncated_trace_even_when_it_reads_end()
    {
        var trace = Trace.Parse("5 y_data_o 01\n9 end");
        Assert.That((trace.End, trace.Transactions.Count, trace.EndCycle), Is.EqualTo((TraceEnd.Truncated, 1, 5L)));
        Assert.That(Trace.Parse("3 timeout\n").End, Is.EqualTo(TraceEnd.TimedOut));
    }

    [Test]
    public void Only_the_first_transactions_asked_for_are_kept_and_the_rest_are_counted()
    {
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i} y_o {i:x}\n")) + "1000 end\n";
        var trace = Trace.Read(new StringReader(text), CancellationToken.None, keep: 10);
        Assert.That((trace.Transactions.Count, trace.Dropped, trace.End, trace.EndCycle), Is.EqualTo((10, 990L, TraceEnd.Finished, 1000L)));
        Assert.That(trace.Transactions.Select(t => t.Port).Distinct(), Has.Exactly(1).SameAs(trace.Transactions[0].Port), "port names are shared, not one string per line");
    }

    [Test]
    public void An_endless_line_is_refused_after_the_bound_without_reading_on()
    {
        // A reader that never ends: reading it whole would never return; the bound stops it.
        var error = Assert.Throws<FormatException>(() => Trace.Read(new Endless("5 y_data_o "), CancellationToken.None));
        Assert.That(error!.Message, Does.StartWith($"trace line 1 is longer than {Trace.MaxLineLength} characters (it starts \"5 y_data_o aaaa"));
    }

    [Test]
    public void A_malformed_line_is_quoted_short_and_escaped()
    {
        var error = Assert.Throws<FormatException>(() => Trace.Parse("5 y_data_o 01\nx\u0001" + new string('z', 200) + "\n"));
        Assert.That(error!.Message, Does.StartWith("trace line 2 \"x\\u0001zzz").And.Contain("...\" does not start with a cycle number"));
        Assert.That(error.Message, Has.Length.LessThan(150));
        Assert.Throws<FormatException>(() => Trace.Parse("5 y_data_o\n9 end\n"));
    }

    [Test]
    public void Reading_stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => Trace.Read(new Endless("1 y_o 0\n"), cancelled.Token));
    }

    /// <summary>A text that repeats forever: <paramref name="head"/>, then 'a' (or the head again, when it ends in a newline).</summary>
    private sealed class Endless(string head) : TextReader
    {
        private long _at;

        public override int Read(char[] buffer, int index, int count)
        {
            for (var i = 0; i < count; i++, _at++)
            {
                buffer[index + i] = head.EndsWith('\n') ? head[(int)(_at % head.Length)] : _at < head.Length ? head[(int)_at] : 'a';
            }

            return count;
        }
    }
}
