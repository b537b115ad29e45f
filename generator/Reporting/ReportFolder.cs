using AttentionLego.Gen.Rendering;

namespace AttentionLego.Gen.Reporting;

/// <summary>
/// Writes a report's files as a whole or not at all, like <see cref="OutputFolder"/>: into a hidden sibling folder
/// first, moved into place only when complete. <c>--force</c> replaces only a folder <c>attnlego report</c> wrote (it
/// holds report.md and cycles.png), never the current folder or one of its parents.
/// </summary>
public static class ReportFolder
{
    public static void WriteAtomically(string folder, IReadOnlyList<ReportFile> files, bool replace)
    {
        var target = CheckTarget(folder, replace);
        string staging;
        try
        {
            var parent = Path.GetDirectoryName(target) ?? throw new OutputException($"{folder} has no parent folder.");
            Directory.CreateDirectory(parent);
            staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot write {folder}: {ex.Message} Fix: choose a writable --out folder.");
        }

        try
        {
            foreach (var file in files)
            {
                File.WriteAllBytes(Path.Combine(staging, file.Name), file.Content);
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

    /// <summary>
    /// Throws an <see cref="OutputException"/> when <paramref name="folder"/> may not be written (a file; not empty
    /// without <paramref name="replace"/>; not a report folder) and returns its full path: a command checks this before
    /// it spends time on the report.
    /// </summary>
    public static string CheckTarget(string folder, bool replace)
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

            var cwd = Path.GetFullPath(Directory.GetCurrentDirectory()).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (cwd.StartsWith(target.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new OutputException($"{folder} is the current folder or one of its parents; --force will not replace it. Choose another --out.");
            }

            if (!File.Exists(Path.Combine(target, ConfigReport.MarkdownName)) || !File.Exists(Path.Combine(target, ConfigReport.CyclesPlotName)))
            {
                throw new OutputException($"{folder} was not written by attnlego report (it lacks {ConfigReport.MarkdownName} or {ConfigReport.CyclesPlotName}); " +
                                          "--force replaces only such folders. Remove it yourself or choose another --out.");
            }
        }

        return target;
    }
}
