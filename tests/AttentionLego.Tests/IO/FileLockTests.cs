using System.Diagnostics;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.IO;

[NonParallelizable] // Scratch.DeleteAll removes every scratch folder of the process, another fixture's too
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

    [Test]
    public void The_holder_is_the_lock_on_the_same_device_and_inode_not_a_waiter_nor_another_file_system()
    {
        string[] locks =
        [
            "1: FLOCK  ADVISORY  WRITE 111 08:01:4242 0 EOF", // the same inode number on another file system
            "2: -> FLOCK  ADVISORY  WRITE 222 fe:00:4242 0 EOF", // a process waiting for the lock holds nothing
            "2: FLOCK  ADVISORY  WRITE 333 fe:00:4242 0 EOF",
        ];
        Assert.That(FileLock.HolderPid(locks, device: 0xfe00, inode: 4242), Is.EqualTo(333));
        Assert.That(FileLock.HolderPid(locks[..2], device: 0xfe00, inode: 4242), Is.Null, "only a waiter and another device's file");
        // Major 259 (0x103), minor 0x12345: glibc's st_dev keeps the low 8 bits of the minor in bits 0..7 and the rest from bit 20.
        Assert.That(FileLock.HolderPid(["5: FLOCK  ADVISORY  WRITE 444 103:12345:7 0 EOF"], device: 0x12310345, inode: 7), Is.EqualTo(444));
    }

    [Test]
    public void A_process_waiting_for_a_held_lock_is_not_named_as_its_holder()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("d.lock");
        using var held = FileLock.TryAcquire(path)!;
        using var waiter = Process.Start("flock", [path, "true"]);
        try
        {
            // Wait until the kernel lists the waiter ("N: -> FLOCK ..."), so the lookup really has one to skip.
            var until = DateTime.UtcNow.AddSeconds(10);
            while (!File.ReadLines("/proc/locks").Any(l => l.Contains("-> FLOCK", StringComparison.Ordinal) && l.Contains($" {waiter.Id} ", StringComparison.Ordinal))
                   && DateTime.UtcNow < until)
            {
                Thread.Sleep(20);
            }

            Assert.That(FileLock.HolderPid(path), Is.EqualTo(Environment.ProcessId));
        }
        finally
        {
            held.Dispose();
            waiter.WaitForExit(10_000);
        }
    }

    private static int Flock(string path)
    {
        using var process = Process.Start("flock", ["-n", path, "true"]);
        process.WaitForExit();
        return process.ExitCode;
    }
}
