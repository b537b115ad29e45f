using AttentionLego.Gen.IO;

namespace AttentionLego.Tests.IO;

public sealed class ExcerptTests
{
    [Test]
    public void A_short_printable_value_is_quoted_as_it_is()
    {
        Assert.That(Excerpt.Of("Pim.Rows=64"), Is.EqualTo("Pim.Rows=64"));
        Assert.That(Excerpt.Quoted("tiny"), Is.EqualTo("\"tiny\""));
        Assert.That(Excerpt.Of("grüße, ünïcødé 𝄞"), Is.EqualTo("grüße, ünïcødé 𝄞"), "printable non-ASCII text and a valid surrogate pair stay");
    }

    [Test]
    public void Control_characters_are_escaped_so_none_reaches_the_terminal()
    {
        var escaped = Excerpt.Of("a\u001b[31mb\nc\rd\te\0f\u007fg\u202Eh\u200Bi");
        Assert.That(escaped, Is.EqualTo("a\\x1B[31mb\\nc\\rd\\te\\0f\\x7Fg\\u202Eh\\u200Bi"));
        Assert.That(escaped.Any(char.IsControl), Is.False);
        Assert.That(Excerpt.Of("\uD800x"), Is.EqualTo("\\uD800x"), "a lone surrogate is escaped");
    }

    [Test]
    public void A_long_value_is_cut_and_its_length_said()
    {
        var value = new string('x', 100 * 1024 * 1024);
        var excerpt = Excerpt.Of(value);
        Assert.That(excerpt, Is.EqualTo(new string('x', Excerpt.Length) + "... (104,857,600 characters)"));
        Assert.That(Excerpt.Quoted(value), Is.EqualTo("\"" + new string('x', Excerpt.Length) + "...\" (104,857,600 characters)"));
        Assert.That(Excerpt.Of(new string('y', Excerpt.Length)), Has.Length.EqualTo(Excerpt.Length), "a value of exactly the length is not cut");
    }

    [Test]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var value = new string('a', Excerpt.Length - 1) + "𝄞" + new string('b', 10);
        Assert.That(Excerpt.Of(value), Does.StartWith(new string('a', Excerpt.Length - 1) + "..."));
    }

    [Test]
    public void Escaping_a_message_keeps_its_lines_and_is_idempotent()
    {
        var message = "error: two\nlines \u001b[2J";
        var once = Excerpt.Escape(message, keepNewlines: true);
        Assert.That(once, Is.EqualTo("error: two\nlines \\x1B[2J"));
        Assert.That(Excerpt.Escape(once, keepNewlines: true), Is.EqualTo(once));
        Assert.That(Excerpt.Escape(message), Is.EqualTo("error: two\\nlines \\x1B[2J"));
    }
}
