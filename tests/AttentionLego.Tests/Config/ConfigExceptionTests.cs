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
}
