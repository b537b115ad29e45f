using System.Globalization;
using System.Text;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// A short, printable excerpt of untrusted text for a message: at most a few dozen characters, control characters,
/// backslashes and quotes escaped (<c>\n</c>, <c>\x01</c>, <c>\"</c>), and the length said when it was cut, so a
/// 100 MB value or a binary file never reaches the terminal raw.
/// </summary>
public static class TextExcerpt
{
    public const int DefaultLength = 40;

    public static string Of(string text, int max = DefaultLength) => Of(text.AsSpan(), max);

    public static string Of(ReadOnlySpan<char> text, int max = DefaultLength)
    {
        var result = new StringBuilder();
        foreach (var c in text[..Math.Min(text.Length, max)])
        {
            result.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\\' => "\\\\",
                '"' => "\\\"",
                _ when char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => c.ToString(),
            });
        }

        return text.Length <= max ? result.ToString() : result.Append(CultureInfo.InvariantCulture, $"... ({text.Length:N0} characters)").ToString();
    }
}
