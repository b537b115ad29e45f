using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class ConfigExceptionTests
{
    [Test]
    public void Prints_an_error_as_path_problem_and_fix()
    {
        var error = new ConfigError("Pim.Rows", "is 100; it must be a power of two.", "use 128.");

        Assert.That(error.ToString(), Is.EqualTo("Pim.Rows: is 100; it must be a power of two. Fix: use 128."));
    }

    [Test]
    public void Message_counts_and_lists_every_error()
    {
        var exception = new ConfigException(
        [
            new ConfigError("A", "is bad.", "fix a."),
            new ConfigError("B", "is worse.", "fix b."),
        ]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception.Message, Does.StartWith("invalid configuration (2 errors):"));
            Assert.That(exception.Message, Does.Contain("  A: is bad. Fix: fix a."));
            Assert.That(exception.Message, Does.Contain("  B: is worse. Fix: fix b."));
        }
    }

    [Test]
    public void Message_uses_the_singular_for_one_error()
    {
        var exception = new ConfigException([new ConfigError("A", "is bad.", "fix a.")]);

        Assert.That(exception.Message, Does.StartWith("invalid configuration (1 error):"));
    }

    [Test]
    public void A_message_lists_the_first_fifty_errors_and_counts_the_rest()
    {
        var errors = Enumerable.Range(0, 1_000_000).Select(i => new ConfigError($"Faults.StuckAt[{i}].Bit", "is 9.", "use 0..7.")).ToList();
        var message = new ConfigException(errors).Message;

        Assert.That(message, Does.StartWith("invalid configuration (1,000,000 errors):"));
        Assert.That(message, Does.Contain("Faults.StuckAt[49].Bit").And.Not.Contain("Faults.StuckAt[50].Bit"));
        Assert.That(message, Does.EndWith("  ... and 999,950 more errors (the first 50 are listed)."));
        Assert.That(message.Split('\n'), Has.Length.EqualTo(52));
    }

    [Test]
    public void A_control_character_in_an_error_is_escaped()
    {
        var error = new ConfigError("c.json", "malformed JSON: '\u001b' is invalid.", "fix it.");

        Assert.That(error.ToString(), Is.EqualTo("c.json: malformed JSON: '\\x1B' is invalid. Fix: fix it."));
    }
}
