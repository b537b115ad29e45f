using System.Diagnostics;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.IO;

public sealed class FileLockTests
{
    [Test]
    public void A_held_lock_is_refused_to_a_second_taker_and_names_its_holder()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("a.lock");
        using (var first = FileLock.TryAcquire(path))
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(FileLock.TryAcquire(path), Is.Null, "a second open file description is refused");
            Assert.That(FileLock.HolderPid(path), Is.EqualTo(Environment.ProcessId));
            Assert.That(Flock(path), Is.EqualTo(1), "another process (flock -n) is refused too");
        }

        Assert.That(FileLock.HolderPid(path), Is.Null);
        Assert.That(Flock(path), Is.EqualTo(0), "released on dispose");
        using var again = FileLock.TryAcquire(path);
        Assert.That(again, Is.Not.Null);
    }

    [Test]
    public void A_folder_can_be_locked_without_writing_anything_into_it()
    {
        using var temp = new TempFolder();
        var folder = Directory.CreateDirectory(temp.Combine("out")).FullName;
        using (var held = FileLock.TryAcquire(folder, folder: true))
        {
            Assert.That(held, Is.Not.Null);
            Assert.That(FileLock.TryAcquire(folder, folder: true), Is.Null);
            Assert.That(Flock(folder), Is.EqualTo(1));
        }

        Assert.That(Directory.EnumerateFileSystemEntries(folder), Is.Empty);
    }

    [Test]
    public async Task A_waiting_taker_gets_the_lock_when_the_holder_lets_go_and_is_told_who_held_it()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("b.lock");
        var held = FileLock.TryAcquire(path)!;
        int? told = -1;
        var waiting = FileLock.AcquireAsync(path, CancellationToken.None, pid => told = pid);
        await Task.Delay(300);
        Assert.That(waiting.IsCompleted, Is.False);
        held.Dispose();
        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(told, Is.EqualTo(Environment.ProcessId));
    }

    [Test]
    public void A_lock_dies_with_its_process()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("c.lock");
        using var holder = Process.Start("flock", [path, "sleep", "30"]);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (FileLock.HolderPid(path) is null && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }

        Assert.That(FileLock.TryAcquire(path), Is.Null);
        holder.Kill(entireProcessTree: true);
        holder.WaitForExit();
        FileLock? taken = null;
        for (until = DateTime.UtcNow.AddSeconds(10); taken is null && DateTime.UtcNow < until; Thread.Sleep(20))
        {
            taken = FileLock.TryAcquire(path); // the child sleep held the descriptor too, and may take a moment to go
        }

        using var _ = taken;
        Assert.That(taken, Is.Not.Null, "the kernel released the killed holder's lock");
    }

    [Test]
    public void Scratch_removes_what_is_registered_and_forgets_what_was_released()
    {
        using var temp = new TempFolder();
        var staging = Directory.CreateDirectory(temp.Combine("staging")).FullName;
        File.WriteAllText(Path.Combine(staging, "x"), "partial");
        var done = Directory.CreateDirectory(temp.Combine("done")).FullName;
        using (Scratch.Register(done))
        {
        }

        using var registration = Scratch.Register(staging);
        Scratch.DeleteAll();
        Assert.That(Directory.Exists(staging), Is.False);
        Assert.That(Directory.Exists(done), Is.True);
    }

    private static int Flock(string path)
    {
        using var process = Process.Start("flock", ["-n", path, "true"]);
        process.WaitForExit();
        return process.ExitCode;
    }
}
