using AttentionLego.Cli;

namespace AttentionLego.Tests.Cli;

public sealed class EscapingWriterTests
{
    [Test]
    public void Control_characters_are_escaped_and_the_layout_kept()
    {
        var inner = new StringWriter();
        var writer = new EscapingWriter(inner, []);
        writer.WriteLine("error: one\n\tlist item \u001b[2J\r");
        Assert.That(inner.ToString(), Is.EqualTo("error: one\n\tlist item \\x1B[2J\\r" + Environment.NewLine));
    }

    [Test]
    public void A_long_argument_a_message_repeats_is_cut_to_an_excerpt()
    {
        var value = new string('v', 100_000);
        var inner = new StringWriter();
        var writer = new EscapingWriter(inner, ["--signals", value, "short"]);
        writer.Write($"error: --signals \"{value}\" matches no signal; short stays.");
        Assert.That(inner.ToString(), Is.EqualTo($"error: --signals \"{new string('v', 200)}... (100,000 characters)\" matches no signal; short stays."));
    }

    [Test]
    public void A_deep_path_below_path_max_stays_whole_and_the_value_of_an_option_equals_word_is_cut()
    {
        var path = "/tmp/" + new string('d', 3000);
        var value = new string('9', 130_000);
        var inner = new StringWriter();
        var writer = new EscapingWriter(inner, ["--work-dir", path, "--seeds=" + value]);
        writer.Write($"look at {path}; cannot parse '{value}'.");
        Assert.That(inner.ToString(), Is.EqualTo($"look at {path}; cannot parse '{new string('9', 200)}... (130,000 characters)'."));
    }

    [Test]
    public void An_at_argument_is_not_read_as_a_response_file()
    {
        using var folder = new Support.TempFolder();
        var file = Path.Combine(folder.Path, "args.rsp");
        File.WriteAllText(file, "--preset\ntiny\n");
        var error = new StringWriter();
        var code = CliApp.RunAsync(["config", "show", "@" + file], new CliIo(new StringWriter(), error)).GetAwaiter().GetResult();
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error.ToString());
        Assert.That(error.ToString(), Does.Contain("@" + file));
    }

    [Test]
    public void Every_message_of_a_run_goes_through_it()
    {
        var error = new StringWriter();
        var code = CliApp.RunAsync(["config", "show", "--preset", "t\u001b[31miny"], new CliIo(new StringWriter(), error)).GetAwaiter().GetResult();
        Assert.That(code, Is.EqualTo(ExitCodes.InvalidConfig));
        Assert.That(error.ToString(), Does.Contain("--preset t\\x1B[31miny: is not a known preset."));
        Assert.That(error.ToString(), Does.Not.Contain("\u001b"));
    }
}
