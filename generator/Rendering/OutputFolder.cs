namespace AttentionLego.Gen.Rendering;

/// <summary>
/// Writes a set of files as a whole or not at all: everything goes into a hidden sibling folder first and is
/// moved into place only when complete, so a failure never leaves partial output behind.
/// </summary>
public static class OutputFolder
{
    public static void WriteAtomically(string folder, IEnumerable<RenderedFile> files, bool replace)
    {
        var target = Path.GetFullPath(folder);
        if (File.Exists(target))
        {
            throw new OutputException($"{folder} is a file, not a folder; choose another --out.");
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (!replace)
            {
                throw new OutputException($"{folder} already exists and is not empty; pass --force to replace it, or choose another --out.");
            }

            // --force replaces only what generate made: a folder holding its manifest, and never the working
            // directory or one of its parents.
            var cwd = Path.GetFullPath(Directory.GetCurrentDirectory()).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (cwd.StartsWith(target.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new OutputException($"{folder} is the current folder or one of its parents; --force will not replace it. Choose another --out.");
            }

            if (!File.Exists(Path.Combine(target, RtlBundle.ManifestName)))
            {
                throw new OutputException($"{folder} was not written by attnlego generate (it has no {RtlBundle.ManifestName}); --force replaces only such folders. Remove it yourself or choose another --out.");
            }
        }

        var parent = Path.GetDirectoryName(target) ?? throw new OutputException($"{folder} has no parent folder.");
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var file in files)
            {
                var path = Path.Combine(staging, file.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Content);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(staging, target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot write {folder}: {ex.Message} Fix: choose a writable --out folder.");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}

public sealed class OutputException(string message) : Exception(message);
