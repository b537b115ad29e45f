using System.Diagnostics;
using System.Text;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.IO;

public sealed class BoundedFileTests
{
    [Test]
    public void A_file_within_the_limit_is_read_whole_with_its_encoding()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("a.json");
        File.WriteAllText(path, "{ \"ä\": 1 }", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.That(BoundedFile.ReadAllText(path, 100), Is.EqualTo("{ \"ä\": 1 }"), "the byte order mark is dropped, as File.ReadAllText does");
        var exact = temp.Combine("exact");
        File.WriteAllBytes(exact, new byte[64]);
        Assert.That(BoundedFile.ReadAllBytes(exact, 64), Has.Length.EqualTo(64), "exactly the limit is allowed");
    }

    [Test]
    public void A_regular_file_over_the_limit_is_refused_from_its_size()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("big");
        File.WriteAllBytes(path, new byte[65]);
        var ex = Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadAllBytes(path, 64))!;
        Assert.That(ex.Size, Is.EqualTo(65));
        Assert.That(ex.Problem("a test file"), Is.EqualTo("holds 65 bytes, more than the 64 bytes a test file may hold."));
    }

    [Test]
    public void An_endless_device_is_read_only_to_the_limit()
    {
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadAllBytes("/dev/zero", 1 << 20))!;
        Assert.That(ex.Size, Is.Null, "a device's size is not known");
        Assert.That(ex.Problem("a configuration file"), Does.Contain("goes on past the 1 MiB a configuration file may hold"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void A_fifo_that_never_ends_is_refused_at_the_limit_and_one_that_ends_is_read()
    {
        using var temp = new TempFolder();
        var fifo = temp.Combine("fifo");
        Assert.That(Process.Start("mkfifo", [fifo]).WaitForExitAsync().Wait(TimeSpan.FromSeconds(10)), Is.True);
        // A writer that never stops: `yes` writes "y\n" until its reader goes away.
        using (var writer = Process.Start(new ProcessStartInfo("sh", ["-c", $"exec yes > '{fifo}'"]) { UseShellExecute = false })!)
        {
            var ex = Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadAllBytes(fifo, 1 << 20))!;
            Assert.That(ex.Size, Is.Null);
            Assert.That(writer.WaitForExit(10_000), Is.True, "the writer ends once the reader closed the pipe (SIGPIPE)");
        }

        using (var writer = Process.Start(new ProcessStartInfo("sh", ["-c", $"printf 'short' > '{fifo}'"]) { UseShellExecute = false })!)
        {
            Assert.That(BoundedFile.ReadAllText(fifo, 1 << 20), Is.EqualTo("short"));
            writer.WaitForExit(10_000);
        }
    }

    [Test]
    public void Sizes_read_as_round_figures_when_they_are()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BoundedFile.Describe(256L << 20), Is.EqualTo("256 MiB"));
            Assert.That(BoundedFile.Describe((256L << 20) + 1), Is.EqualTo("268,435,457 bytes (256 MiB)"));
            Assert.That(BoundedFile.Describe(4L << 30), Is.EqualTo("4 GiB"));
            Assert.That(BoundedFile.Describe(1000), Is.EqualTo("1,000 bytes"));
        });
    }
}
