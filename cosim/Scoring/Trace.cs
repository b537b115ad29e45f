using System.Globalization;
using System.Text;

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

/// <summary>
/// A parsed trace file: "&lt;cycle&gt; &lt;port&gt; &lt;hex&gt;" lines, closed by "&lt;cycle&gt; end" or "&lt;cycle&gt; timeout".
/// Read as a stream (<see cref="Read(TextReader, CancellationToken, int)"/>): a runaway simulation can write gigabytes,
/// so no line may be longer than <see cref="MaxLineLength"/> and only the first <c>keep</c> transactions are held
/// (the others are counted in <see cref="Dropped"/>; a caller keeps more than it expects, so a surplus still shows).
/// </summary>
public sealed record Trace(IReadOnlyList<Transaction> Transactions, TraceEnd End, long EndCycle)
{
    /// <summary>
    /// The longest trace line read (characters): a cycle, a port name and the hex of a 4-Mbit value. The benches split
    /// wide outputs into 4096-bit chunks, so a real line is far shorter; a longer one is garbage, not a response.
    /// </summary>
    public const int MaxLineLength = 1 << 20;

    /// <summary>Transactions that were in the trace but not kept (beyond the <c>keep</c> limit of the read).</summary>
    public long Dropped { get; init; }

    /// <summary>Parses a whole trace held in a string (tests, small traces).</summary>
    public static Trace Parse(string text)
    {
        using var reader = new StringReader(text);
        return Read(reader, CancellationToken.None);
    }

    /// <summary>Reads the trace file at <paramref name="path"/> as a stream; <see cref="Read(TextReader, CancellationToken, int)"/>.</summary>
    public static Trace ReadFile(string path, CancellationToken ct, int keep = int.MaxValue)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
        return Read(reader, ct, keep);
    }

    /// <summary>
    /// Reads a trace line by line up to its end line; a last line without a newline (a simulator that died mid-write) is
    /// dropped and the trace is <see cref="TraceEnd.Truncated"/>. Throws a <see cref="FormatException"/> for a line that
    /// is not a trace line or longer than <see cref="MaxLineLength"/>, quoting a short escaped excerpt of it.
    /// </summary>
    public static Trace Read(TextReader reader, CancellationToken ct, int keep = int.MaxValue)
    {
        var transactions = new List<Transaction>();
        var ports = new Dictionary<string, string>(StringComparer.Ordinal);
        var buffer = new char[1 << 16];
        var line = new StringBuilder();
        long number = 0;
        long dropped = 0;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                line.Append(buffer, start, i - start);
                start = i + 1;
                number++;
                CheckLength(line, number);
                var text = line.ToString().Trim();
                line.Clear();
                if (text.Length == 0)
                {
                    continue;
                }

                var (cycle, port, hex) = Split(text, number);
                switch (port)
                {
                    case "end" when hex is null:
                        return new Trace(transactions, TraceEnd.Finished, cycle) { Dropped = dropped };
                    case "timeout" when hex is null:
                        return new Trace(transactions, TraceEnd.TimedOut, cycle) { Dropped = dropped };
                    case not null when hex is not null:
                        if (transactions.Count < keep)
                        {
                            if (!ports.TryGetValue(port, out var shared))
                            {
                                ports[port] = shared = port;
                            }

                            transactions.Add(new Transaction(cycle, shared, hex));
                        }
                        else
                        {
                            dropped++;
                        }

                        break;
                    default:
                        throw new FormatException($"trace line {number} \"{Excerpt(text)}\" is not \"<cycle> <port> <hex>\"");
                }
            }

            line.Append(buffer, start, read - start);
            CheckLength(line, number + 1);
        }

        // What is left in line had no newline: a partial last line, which a simulator that died mid-write leaves.
        return new Trace(transactions, TraceEnd.Truncated, transactions.Count > 0 ? transactions[^1].Cycle : 0) { Dropped = dropped };
    }

    private static (long Cycle, string? Port, string? Hex) Split(string text, long number)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var cycle))
        {
            throw new FormatException($"trace line {number} \"{Excerpt(text)}\" does not start with a cycle number");
        }

        return parts switch
        {
            [_, var word] => (cycle, word, null),
            [_, var port, var hex] => (cycle, port, hex),
            _ => throw new FormatException($"trace line {number} \"{Excerpt(text)}\" is not \"<cycle> <port> <hex>\""),
        };
    }

    private static void CheckLength(StringBuilder line, long number)
    {
        if (line.Length > MaxLineLength)
        {
            throw new FormatException(
                $"trace line {number} is longer than {MaxLineLength} characters (it starts \"{Excerpt(line.ToString(0, 60))}\"): not a trace the bench writes");
        }
    }

    /// <summary>At most 60 characters of <paramref name="text"/>, control characters escaped, for a message.</summary>
    private static string Excerpt(string text)
    {
        var cut = text.Length > 60 ? text[..60] : text;
        var escaped = new StringBuilder();
        foreach (var c in cut)
        {
            escaped.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return escaped + (text.Length > 60 ? "..." : "");
    }
}
