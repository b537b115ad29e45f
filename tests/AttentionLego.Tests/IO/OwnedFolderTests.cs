using System.Diagnostics;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.IO;

public sealed class OwnedFolderTests
{
    [Test]
    public void A_folder_is_made_and_owned_once_and_a_second_claim_is_told_its_holder()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("a", "b");
        using (var owned = OwnedFolder.TryClaim(path, out var none))
        {
            Assert.That(owned, Is.Not.Null);
            Assert.That(none, Is.Null);
            Assert.That(Directory.Exists(path), Is.True);
            Assert.That(owned!.Made, Is.EqualTo(new[] { path, temp.Combine("a") }), "the folder and the parent it made, deepest first");
            Assert.That(OwnedFolder.TryClaim(path, out var holder), Is.Null, "a second claim, even from this process, is refused");
            Assert.That(holder, Is.EqualTo(Environment.ProcessId));
            Assert.That(Flock(path), Is.EqualTo(1), "another process (flock -n) is refused too");
        }

        using var again = OwnedFolder.TryClaim(path, out _);
        Assert.That(again, Is.Not.Null, "let go on dispose");
        Assert.That(again!.Made, Is.Empty, "nothing was made this time");
    }

    [Test]
    public void The_first_free_name_is_taken_while_another_process_holds_the_first_and_its_holder_is_named()
    {
        using var temp = new TempFolder();
        var first = Directory.CreateDirectory(temp.Combine("seed-1")).FullName;
        File.WriteAllText(Path.Combine(first, "theirs.txt"), "another run's artifacts");
        using var holder = FolderHolder.Start(first);
        using var owned = OwnedFolder.ClaimFirstFree([first, temp.Combine("seed-1.2")], out var skipped);
        Assert.That(owned!.Path, Is.EqualTo(temp.Combine("seed-1.2")));
        Assert.That(skipped, Is.EqualTo(new[] { (first, (int?)holder.Pid) }));
        Assert.That(OwnedFolder.DescribeHolder(holder.Pid), Is.EqualTo($"pid {holder.Pid} (flock)"));
        Assert.That(File.ReadAllText(Path.Combine(first, "theirs.txt")), Is.EqualTo("another run's artifacts"), "the held folder is not touched");
        Assert.That(OwnedFolder.ClaimFirstFree([first], out _), Is.Null, "no free name: null");
    }

    [Test]
    public void The_owner_clears_what_an_earlier_run_left_and_may_remove_the_folder_which_a_later_claim_makes_again()
    {
        using var temp = new TempFolder();
        var path = Directory.CreateDirectory(temp.Combine("case")).FullName;
        File.WriteAllText(Path.Combine(path, "old.txt"), "x");
        Directory.CreateDirectory(Path.Combine(path, "sub", "deeper"));
        var owned = OwnedFolder.TryClaim(path, out _)!;
        owned.Clear();
        Assert.That(Directory.EnumerateFileSystemEntries(path), Is.Empty);
        Assert.That(OwnedFolder.TryClaim(path, out _), Is.Null, "still held after clearing");
        owned.Remove();
        Assert.That(Directory.Exists(path), Is.False);
        using var again = OwnedFolder.TryClaim(path, out _);
        Assert.That(again, Is.Not.Null);
        Assert.That(Directory.Exists(path), Is.True);
    }

    [Test]
    public void A_claim_waiting_on_a_folder_its_owner_removes_makes_it_again_and_owns_the_new_one()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("case");
        for (var round = 0; round < 50; round++)
        {
            var owned = OwnedFolder.TryClaim(path, out _)!;
            var remover = Task.Run(owned.Remove);
            OwnedFolder? mine = null;
            for (var until = DateTime.UtcNow.AddSeconds(10); mine is null && DateTime.UtcNow < until;)
            {
                mine = OwnedFolder.TryClaim(path, out _);
            }

            remover.Wait();
            Assert.That(mine, Is.Not.Null);
            Assert.That(Directory.Exists(path), Is.True, "the folder it owns exists: not the removed one");
            Assert.That(OwnedFolder.TryClaim(path, out _), Is.Null, "and it holds it");
            mine!.Remove();
        }
    }

    [Test]
    public void Only_the_folders_a_claim_made_are_removed_and_only_while_they_are_empty()
    {
        using var temp = new TempFolder();
        var existing = Directory.CreateDirectory(temp.Combine("work")).FullName;
        var owned = OwnedFolder.TryClaim(Path.Combine(existing, "module", "seed-1"), out _)!;
        Assert.That(owned.Made, Is.EqualTo(new[] { Path.Combine(existing, "module", "seed-1"), Path.Combine(existing, "module") }));
        File.WriteAllText(Path.Combine(existing, "module", "another-run.txt"), "x");
        Directory.Delete(owned.Path);
        owned.RemoveMadeIfEmpty();
        Assert.That(Directory.Exists(Path.Combine(existing, "module")), Is.True, "a parent another run put something into stays");
        File.Delete(Path.Combine(existing, "module", "another-run.txt"));
        owned.RemoveMadeIfEmpty();
        owned.Dispose();
        Assert.That(Directory.Exists(Path.Combine(existing, "module")), Is.False);
        Assert.That(Directory.Exists(existing), Is.True, "a folder that was there before is not the claim's to remove");
    }

    private static int Flock(string path)
    {
        using var process = Process.Start("flock", ["-n", path, "true"]);
        process.WaitForExit();
        return process.ExitCode;
    }
}
