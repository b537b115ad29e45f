using System.Globalization;
using System.Text;

namespace AttentionLego.Gen.IO;

/// <summary>
/// Reads an input file whole, but never more than a limit: a regular file larger than the limit is refused from its size
/// before a byte is read, and anything else (a FIFO, <c>/dev/zero</c>, a file that grows while it is read, a /proc file
/// that reports size 0) is read in chunks and refused as soon as limit + 1 bytes have come. So an endless or huge input
/// costs at most the limit in memory and time, never gigabytes.
/// </summary>
public static class BoundedFile
{
    private const int Chunk = 1 << 16;

    /// <summary>The bytes of <paramref name="path"/>; <see cref="InputTooLargeException"/> when it holds more than <paramref name="limit"/>.</summary>
    public static byte[] ReadAllBytes(string path, long limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length > limit)
        {
            throw new InputTooLargeException(path, limit, stream.Length);
        }

        var buffer = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, limit) : Chunk);
        var chunk = new byte[Chunk];
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // Never ask for more than limit + 1 bytes in all: one byte past the limit is enough to know.
            var want = (int)Math.Min(chunk.Length, limit + 1 - buffer.Length);
            var read = stream.Read(chunk, 0, want);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new InputTooLargeException(path, limit, null);
            }
        }
    }

    /// <summary>
    /// The text of <paramref name="path"/>, decoded as <see cref="File.ReadAllText(string)"/> does (UTF-8, or the
    /// encoding its byte order mark names); <see cref="InputTooLargeException"/> when it holds more than <paramref name="limit"/> bytes.
    /// </summary>
    public static string ReadAllText(string path, long limit, CancellationToken ct = default)
    {
        var bytes = ReadAllBytes(path, limit, ct);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>A size for messages: "256 MiB", or "314,572,801 bytes (300 MiB)" when it is not a round figure.</summary>
    public static string Describe(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var (unit, name) in new[] { (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB") })
        {
            if (bytes >= unit)
            {
                return bytes % unit == 0 ? string.Create(inv, $"{bytes / unit} {name}") : string.Create(inv, $"{bytes:N0} bytes ({bytes / (double)unit:0.#} {name})");
            }
        }

        return string.Create(inv, $"{bytes:N0} bytes");
    }
}

/// <summary>An input file holds more than its limit (<see cref="BoundedFile"/>); <see cref="Size"/> is null when it was not known (a stream that went on).</summary>
public sealed class InputTooLargeException(string path, long limit, long? size)
    : Exception($"{Excerpt.Path(path)}: {Describe(limit, size, "this input")}")
{
    public string FilePath { get; } = path;

    public long Limit { get; } = limit;

    public long? Size { get; } = size;

    /// <summary>What is wrong, without the path: "holds 300 MiB, more than the 256 MiB a configuration file may have."</summary>
    public string Problem(string what) => Describe(Limit, Size, what);

    private static string Describe(long limit, long? size, string what) => size is { } s
        ? $"holds {BoundedFile.Describe(s)}, more than the {BoundedFile.Describe(limit)} {what} may hold."
        : $"goes on past the {BoundedFile.Describe(limit)} {what} may hold (a device, a pipe or a file that grows while it is read).";
}
