using AttentionLego.Cosim.Tools;

namespace AttentionLego.Tests.Tools;

public sealed class TextExcerptTests
{
    [TestCase("plain", "plain")]
    [TestCase("a\nb\tc\r", "a\\nb\\tc\\r", TestName = "Escapes_line_breaks_and_tabs")]
    [TestCase("\u001b[31mred\u0000", "\\x1b[31mred\\x00", TestName = "Escapes_an_escape_sequence_and_a_nul")]
    [TestCase("say \"hi\" \\o/", "say \\\"hi\\\" \\\\o/", TestName = "Escapes_quotes_and_backslashes")]
    [TestCase("\u0085\u007f", "\\x85\\x7f", TestName = "Escapes_DEL_and_C1_controls")]
    public void Escapes_control_characters_quotes_and_backslashes(string text, string excerpt) =>
        Assert.That(TextExcerpt.Of(text), Is.EqualTo(excerpt));

    [Test]
    public void Cuts_a_long_value_and_says_how_long_it_was()
    {
        var excerpt = TextExcerpt.Of(new string('x', 100_000_000));
        Assert.That(excerpt, Is.EqualTo(new string('x', 40) + "... (100,000,000 characters)"));
    }
}
