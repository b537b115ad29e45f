namespace AttentionLego.Gen.IO;

/// <summary>
/// A folder this run owns: made when missing and held by a <see cref="FileLock"/> on the folder itself until disposed
/// (or until the process dies, when the kernel lets go). Two runs never share one: the second is told which process
/// holds it (<see cref="TryClaim"/>: an explicit <c>--out</c> is refused) or takes the next free name
/// (<see cref="ClaimFirstFree"/>: a default folder, a cosim case folder). Only the owner clears, fills or removes it.
/// </summary>
/// <remarks>
/// The lock is on the folder's inode, so the owner may remove the folder while it holds it: a run that opened the old
/// folder just before sees it gone when it gets the lock (<see cref="FileLock"/> compares inodes) and makes it again.
/// </remarks>
public sealed class OwnedFolder : IDisposable
{
    private readonly FileLock _lock;

    private OwnedFolder(string path, FileLock held, IReadOnlyList<string> made)
    {
        Path = path;
        _lock = held;
        Made = made;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The folders the claim made, the folder itself and any missing parents, deepest first.</summary>
    public IReadOnlyList<string> Made { get; }

    /// <summary>
    /// Makes <paramref name="path"/> when missing and takes it, or returns null with the pid of the live process that
    /// holds it (<paramref name="holder"/>; null when it cannot be told).
    /// </summary>
    public static OwnedFolder? TryClaim(string path, out int? holder)
    {
        var full = System.IO.Path.GetFullPath(path);
        for (var attempt = 0; ; attempt++)
        {
            var made = Missing(full);
            FileLock? taken;
            try
            {
                Directory.CreateDirectory(full);
                taken = FileLock.TryAcquire(full, folder: true);
            }
            catch (IOException) when (attempt < 16 && !Directory.Exists(full))
            {
                continue; // its owner removed it between our making and locking it: make it again
            }

            if (taken is null)
            {
                holder = FileLock.HolderPid(full);
                return null;
            }

            holder = null;
            return new OwnedFolder(full, taken, made);
        }
    }

    /// <summary>
    /// Takes the first of <paramref name="candidates"/> that no live run holds; <paramref name="skipped"/> lists the ones
    /// in use, with their holders. Null when every candidate is in use.
    /// </summary>
    public static OwnedFolder? ClaimFirstFree(IEnumerable<string> candidates, out IReadOnlyList<(string Path, int? Holder)> skipped)
    {
        var busy = new List<(string, int?)>();
        skipped = busy;
        foreach (var candidate in candidates)
        {
            if (TryClaim(candidate, out var holder) is { } owned)
            {
                return owned;
            }

            busy.Add((System.IO.Path.GetFullPath(candidate), holder));
        }

        return null;
    }

    /// <summary>Removes what an earlier run (finished, or killed) left in the folder; the folder stays, and stays held.</summary>
    public void Clear()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path).ToList())
        {
            if (Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    /// <summary>Removes the folder and all it holds (only its owner may), then lets go of it.</summary>
    public void Remove()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }

        Dispose();
    }

    /// <summary>
    /// Removes the folders this claim made (<see cref="Made"/>) that are empty now, deepest first, best effort: a parent
    /// another run has put something into since stays.
    /// </summary>
    public void RemoveMadeIfEmpty()
    {
        foreach (var folder in Made)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return; // not empty any more (another run uses it), or not ours to remove: neither are its parents
            }
        }
    }

    /// <summary>
    /// "pid N (attnlego regress)": the holder and, from <c>/proc/N/cmdline</c>, what it runs (an attnlego command by its
    /// name, else the program), for "in use by" messages.
    /// </summary>
    public static string DescribeHolder(int? pid)
    {
        if (pid is not { } p)
        {
            return "another process";
        }

        try
        {
            var words = File.ReadAllText($"/proc/{p}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var cli = Array.FindIndex(words, w => System.IO.Path.GetFileName(w) is "attnlego.dll" or "attnlego");
            if (cli >= 0)
            {
                var command = words.Skip(cli + 1).TakeWhile(w => !w.StartsWith('-')).Take(2);
                return $"pid {p} ({string.Join(' ', ["attnlego", .. command])})";
            }

            return words.Length > 0 ? $"pid {p} ({System.IO.Path.GetFileName(words[0])})" : $"pid {p}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"pid {p}";
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary><paramref name="full"/> and its parents that do not exist yet, deepest first.</summary>
    private static List<string> Missing(string full)
    {
        var missing = new List<string>();
        for (var folder = full; folder is not null && !Directory.Exists(folder); folder = System.IO.Path.GetDirectoryName(folder))
        {
            missing.Add(folder);
        }

        return missing;
    }
}
