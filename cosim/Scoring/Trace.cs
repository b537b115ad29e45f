using System.Globalization;

namespace AttentionLego.Cosim.Scoring;

/// <summary>One response seen on a DUT output port: the cycle it was valid, the port, its value in hex.</summary>
public sealed record Transaction(long Cycle, string Port, string Hex);

/// <summary>How a simulation's trace ended.</summary>
public enum TraceEnd
{
    /// <summary>The bench ran out of operations and saw every response.</summary>
    Finished,

    /// <summary>The bench gave up after its cycle budget: the DUT hung or stopped answering.</summary>
    TimedOut,

    /// <summary>No end line: the simulator stopped early (crash, $fatal, killed).</summary>
    Truncated,
}

/// <summary>A parsed trace file: "&lt;cycle&gt; &lt;port&gt; &lt;hex&gt;" lines, closed by "&lt;cycle&gt; end" or "&lt;cycle&gt; timeout".</summary>
public sealed record Trace(IReadOnlyList<Transaction> Transactions, TraceEnd End, long EndCycle)
{
    public static Trace Parse(string text)
    {
        var transactions = new List<Transaction>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            // A simulator that dies mid-write leaves a partial last line (no newline): that is a truncated trace.
            if (i == lines.Length - 1 && !text.EndsWith('\n'))
            {
                break;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var cycle))
            {
                throw new FormatException($"trace line \"{line}\" does not start with a cycle number");
            }

            switch (parts)
            {
                case [_, "end"]:
                    return new Trace(transactions, TraceEnd.Finished, cycle);
                case [_, "timeout"]:
                    return new Trace(transactions, TraceEnd.TimedOut, cycle);
                case [_, var port, var hex]:
                    transactions.Add(new Transaction(cycle, port, hex));
                    break;
                default:
                    throw new FormatException($"trace line \"{line}\" is not \"<cycle> <port> <hex>\"");
            }
        }

        return new Trace(transactions, TraceEnd.Truncated, transactions.Count > 0 ? transactions[^1].Cycle : 0);
    }
}
