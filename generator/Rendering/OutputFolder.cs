using System.Text;
using AttentionLego.Gen.IO;

namespace AttentionLego.Gen.Rendering;

/// <summary>
/// Writes a set of files as a whole or not at all: everything goes into a hidden sibling folder first and is
/// moved into place only when complete, so a failure never leaves partial output behind. <c>--force</c> replaces
/// only a folder the same command wrote (one holding its marker files), never the current folder or a parent of it;
/// the old folder is moved aside first and put back if the new one cannot take its place. Two runs into one folder at
/// once never both win: the final check and move happen under a lock on the parent folder (<see cref="FileLock"/>), so
/// the second sees the first's folder and is refused as it would be after it ("already exists and is not empty").
/// </summary>
public static class OutputFolder
{
    /// <summary><c>generate</c>'s output: its folders hold the manifest.</summary>
    public static void WriteAtomically(string folder, IEnumerable<RenderedFile> files, bool replace, CancellationToken ct = default) =>
        WriteAtomically(folder, files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Content))), replace, "generate", [RtlBundle.ManifestName], ct);

    /// <remarks>The staging folder is in <see cref="Scratch"/> while it exists; <paramref name="ct"/> is checked before each file.</remarks>
    public static void WriteAtomically(string folder, IEnumerable<(string Name, byte[] Content)> files, bool replace, string command,
        IReadOnlyList<string> markers, CancellationToken ct = default)
    {
        var target = CheckTarget(folder, replace, command, markers);
        var parent = Path.GetDirectoryName(target) ?? throw new OutputException($"{folder} has no parent folder.");
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        var old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
        using var scratch = Scratch.Register(staging);
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var (name, content) in files)
            {
                ct.ThrowIfCancellationRequested();
                var path = Path.Combine(staging, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, content);
            }

            // The check at the start was only a courtesy (to fail before the work): another run may have filled the
            // folder since. Under the parent's lock the check and the move are one step for every attnlego run.
            using (LockParent(parent, folder))
            {
                CheckTarget(folder, replace, command, markers);
                if (Directory.Exists(target))
                {
                    Directory.Move(target, old);
                }

                try
                {
                    Directory.Move(staging, target);
                }
                catch (Exception) when (Directory.Exists(old) && !Directory.Exists(target))
                {
                    Directory.Move(old, target);
                    throw;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot write {folder}: {ex.Message} Fix: choose a writable --out folder.");
        }
        finally
        {
            foreach (var leftover in new[] { staging, old }.Where(Directory.Exists))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }
    }

    /// <summary>How long a run waits for another one's check-and-move in the same parent folder (milliseconds, normally).</summary>
    public static readonly TimeSpan ParentLockWait = TimeSpan.FromSeconds(30);

    /// <summary>Takes the lock on <paramref name="parent"/>, waiting for a run that holds it (it moves a folder into place).</summary>
    private static FileLock LockParent(string parent, string folder)
    {
        var until = DateTime.UtcNow + ParentLockWait;
        while (true)
        {
            if (FileLock.TryAcquire(parent, folder: true) is { } held)
            {
                return held;
            }

            if (DateTime.UtcNow > until)
            {
                throw new OutputException($"{folder} cannot be moved into place: its parent folder {parent} is in use by " +
                                          $"{OwnedFolder.DescribeHolder(FileLock.HolderPid(parent))} for more than {ParentLockWait.TotalSeconds:0} s. " +
                                          "Fix: wait for that run to end, or choose another --out.");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// Throws an <see cref="OutputException"/> when <paramref name="folder"/> may not be written (a file; not empty
    /// without <paramref name="replace"/>; not written by <paramref name="command"/>, i.e. lacking one of
    /// <paramref name="markers"/>) and returns its full path: a command checks this before it spends time on its output.
    /// </summary>
    public static string CheckTarget(string folder, bool replace, string command, IReadOnlyList<string> markers)
    {
        var target = CheckFolderPath(folder, "--out");

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (!replace)
            {
                throw new OutputException($"{folder} already exists and is not empty; pass --force to replace it, or choose another --out.");
            }

            var cwd = Path.GetFullPath(Directory.GetCurrentDirectory()).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (cwd.StartsWith(target.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new OutputException($"{folder} is the current folder or one of its parents; --force will not replace it. Choose another --out.");
            }

            if (!markers.All(m => File.Exists(Path.Combine(target, m))))
            {
                throw new OutputException($"{folder} was not written by attnlego {command} (it lacks {string.Join(" or ", markers)}); " +
                                          "--force replaces only such folders. Remove it yourself or choose another --out.");
            }
        }

        return target;
    }

    /// <summary>
    /// Throws an <see cref="OutputException"/> naming <paramref name="option"/> when <paramref name="folder"/> is a file or
    /// cannot be created because a folder above it is a file (the OS says only "could not find a part of the path"),
    /// and returns its full path. Commands check their output, work and cache folders this way before they start.
    /// </summary>
    public static string CheckFolderPath(string folder, string option)
    {
        if (string.IsNullOrWhiteSpace(folder) || folder.Contains('\0', StringComparison.Ordinal))
        {
            throw new OutputException($"{option} \"{folder}\" is not a folder path. Fix: pass a folder, e.g. {option} build/out.");
        }

        var target = Path.GetFullPath(folder);
        if (File.Exists(target))
        {
            throw new OutputException($"{option} {folder} is a file, not a folder. Fix: choose another {option}, or remove the file.");
        }

        for (var above = Path.GetDirectoryName(target); above is not null; above = Path.GetDirectoryName(above))
        {
            if (File.Exists(above))
            {
                throw new OutputException($"{option} {folder} cannot be created: {above} is a file, not a folder. " +
                                          $"Fix: choose another {option} (one whose parents are folders), or remove the file.");
            }

            if (Directory.Exists(above))
            {
                break;
            }
        }

        return target;
    }
}

public sealed class OutputException(string message) : Exception(message);
