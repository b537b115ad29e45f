using System.Globalization;
using System.Text;

namespace AttentionLego.Gen.IO;

/// <summary>
/// A user's value as a message quotes it: short, and safe to print on a terminal. Control characters (and the invisible
/// format characters that reorder or hide text, such as U+202E) are written as escapes (<c>\n</c>, <c>\x1B</c>,
/// <c>\u202E</c>), and a value longer than <see cref="Length"/> characters is cut, with its length said:
/// <c>"aaaa..." (104,857,600 characters)</c>. Every message that echoes a value the user gave (a --set value, a key,
/// a preset or module name, a path) goes through here, so a 100 MB string is never printed in full and an escape
/// sequence never reaches the terminal.
/// </summary>
public static class Excerpt
{
    /// <summary>Characters of a value a message quotes before it is cut.</summary>
    public const int Length = 40;

    /// <summary>Characters of a path a message quotes before it is cut (paths are longer, and needed whole more often).</summary>
    public const int PathLength = 200;

    /// <summary>The value, escaped and cut, without quotes: <c>abc</c>, or <c>abcd... (1,000 characters)</c>.</summary>
    public static string Of(string? value, int max = Length)
    {
        value ??= "";
        if (value.Length <= max)
        {
            return Escape(value);
        }

        // Never cut a surrogate pair in half.
        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return Escape(value[..cut]) + "... " + string.Create(CultureInfo.InvariantCulture, $"({value.Length:N0} characters)");
    }

    /// <summary>The value in double quotes, escaped and cut: <c>"abc"</c>, or <c>"abcd..." (1,000 characters)</c>.</summary>
    public static string Quoted(string? value, int max = Length)
    {
        value ??= "";
        if (value.Length <= max)
        {
            return "\"" + Escape(value) + "\"";
        }

        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return "\"" + Escape(value[..cut]) + "...\" " + string.Create(CultureInfo.InvariantCulture, $"({value.Length:N0} characters)");
    }

    /// <summary>A path as a message names it: escaped, and cut only when it is very long.</summary>
    public static string Path(string? path) => Of(path, PathLength);

    /// <summary>
    /// <paramref name="text"/> with every control and format character escaped; with <paramref name="keepNewlines"/> a
    /// line feed stays (a message of several lines). Nothing is cut: for whole messages, whose values are already short.
    /// </summary>
    public static string Escape(string text, bool keepNewlines = false)
    {
        if (!NeedsEscape(text, keepNewlines))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\n' && keepNewlines)
            {
                sb.Append(ch);
            }
            else if (char.IsSurrogate(ch))
            {
                // A valid pair is printable text; a lone half is not.
                if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(ch).Append(text[++i]);
                }
                else
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:X4}");
                }
            }
            else if (IsUnsafe(ch))
            {
                sb.Append(ch switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    '\0' => "\\0",
                    < '\u0100' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)ch:X2}"),
                    _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)ch:X4}"),
                });
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(string text, bool keepNewlines)
    {
        foreach (var ch in text)
        {
            if ((IsUnsafe(ch) && !(ch == '\n' && keepNewlines)) || char.IsSurrogate(ch))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>C0 and C1 controls, DEL, and format characters (bidirectional overrides, zero-width joiners, BOM).</summary>
    private static bool IsUnsafe(char ch) => char.IsControl(ch) || CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.Format;
}
