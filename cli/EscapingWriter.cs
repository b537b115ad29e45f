using System.Text;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cli;

/// <summary>
/// Standard error as every message reaches it: control characters escaped (a line feed and a tab stay) and any
/// command-line word (or the value of an <c>--option=value</c> word) longer than <see cref="LongWord"/> characters that a
/// message quotes cut to an excerpt (<see cref="Excerpt"/>). The places that echo a value already quote a short excerpt; this is the net under them, so
/// no message, whoever wrote it, prints a 100 KB argument in full or sends an escape sequence to the terminal.
/// </summary>
public sealed class EscapingWriter(TextWriter inner, IEnumerable<string> args) : TextWriter
{
    private readonly TextWriter _inner = inner;

    /// <summary>
    /// Characters of a word printed whole: PATH_MAX, so that a deep but valid path a message names (a work folder to look
    /// at) stays usable, while a 100 KB value is cut.
    /// </summary>
    public const int LongWord = 4096;

    // The words a message could not print whole. System.CommandLine splits --option=value and --option:value, and its
    // messages repeat only the value, so that counts as a word of its own.
    private readonly List<string> _long = [.. args.SelectMany(Words).Where(w => w.Length > LongWord).Distinct().OrderByDescending(w => w.Length)];

    public override Encoding Encoding => _inner.Encoding;

    public override void Write(char value) => _inner.Write(Safe(value.ToString()));

    public override void Write(string? value) => _inner.Write(Safe(value));

    public override void WriteLine(string? value) => _inner.WriteLine(Safe(value));

    public override Task WriteAsync(char value) => _inner.WriteAsync(Safe(value.ToString()));

    public override Task WriteAsync(string? value) => _inner.WriteAsync(Safe(value));

    public override Task WriteLineAsync(string? value) => _inner.WriteLineAsync(Safe(value));

    public override Task WriteLineAsync() => _inner.WriteLineAsync();

    public override void WriteLine() => _inner.WriteLine();

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync() => _inner.FlushAsync();

    public override string ToString() => _inner.ToString() ?? "";

    /// <summary>The text as it may be printed.</summary>
    public string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var word in _long)
        {
            if (text.Contains(word, StringComparison.Ordinal))
            {
                text = text.Replace(word, Excerpt.Path(word), StringComparison.Ordinal);
            }
        }

        return EscapeKeepingLayout(text);
    }

    private static IEnumerable<string> Words(string arg)
    {
        yield return arg;
        if (arg.StartsWith('-') && arg.IndexOfAny(['=', ':']) is var at and > 0)
        {
            yield return arg[(at + 1)..];
        }
    }

    /// <summary>Escapes control characters but keeps line feeds and tabs, which lay a message out.</summary>
    private static string EscapeKeepingLayout(string text)
    {
        if (!text.Contains('\t', StringComparison.Ordinal))
        {
            return Excerpt.Escape(text, keepNewlines: true);
        }

        return string.Join('\t', text.Split('\t').Select(part => Excerpt.Escape(part, keepNewlines: true)));
    }
}
