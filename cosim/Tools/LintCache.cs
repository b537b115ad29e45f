using System.Globalization;
using System.Text;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Lint results keyed by content, in the build cache's root (<c>&lt;root&gt;/lint/</c>): one file per lint of a top module,
/// named by the hash of the sources Verilator read, the Verilator (its path, size, modification time and version line) and
/// the lint flags. An entry is written to a private file and renamed into place, so a reader sees a whole entry or none and
/// concurrent runs that lint the same thing write the same bytes. Each entry ends in the SHA-256 of its text; one that does
/// not verify (truncated, edited, not an entry) is removed and linted again, with a line in <see cref="Notes"/> that says so.
/// The cache is a shortcut, never a source of failure: an entry that cannot be read or written is linted as if absent.
/// </summary>
public sealed class LintCache(string root, Action<string>? notes = null)
{
    /// <summary>The folder below the cache root that holds the entries.</summary>
    public const string FolderName = "lint";

    private const string Header = "attnlego lint cache entry 1";

    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), FolderName);

    /// <summary>Receives the lines a user should see: an entry found damaged and linted again, an entry that could not be kept.</summary>
    public Action<string>? Notes { get; } = notes;

    /// <summary>The cache the CLI and the tests share: below <see cref="BuildCache.DefaultRoot"/>.</summary>
    public static LintCache Default(Action<string>? notes = null) => new(BuildCache.DefaultRoot(), notes);

    /// <summary>The key of a lint of <paramref name="top"/> by <paramref name="verilator"/> over <paramref name="sources"/> (what Verilator reads).</summary>
    public static string Key(VerilatorDriver verilator, string top, IEnumerable<RenderedFile> sources)
    {
        var tool = new FileInfo(verilator.Executable);
        var text = new StringBuilder()
            .Append("verilator ").Append(verilator.Executable).Append(' ').Append(verilator.VersionLine).Append('\n')
            .Append("verilator-file ").Append(tool.Exists ? $"{tool.Length} {tool.LastWriteTimeUtc.Ticks}" : "missing").Append('\n')
            .Append("flags ").Append(string.Join(' ', VerilatorDriver.LintFlags(top))).Append('\n');
        foreach (var file in sources.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("file ").Append(file.Name).Append(' ').Append(GeneratorInfo.Sha256(file.Content)).Append('\n');
        }

        return GeneratorInfo.Sha256(text.ToString())[..32];
    }

    public string EntryPath(string key, string top) => Path.Combine(Folder, $"{top}-{key}.lint");

    /// <summary>
    /// The cached result of this lint, or the lint run by <paramref name="lint"/> and kept. The result is Verilator's own
    /// (clean and its diagnostics); notes the caller adds are not part of it.
    /// </summary>
    public async Task<LintResult> GetOrLintAsync(string key, string top, Func<Task<LintResult>> lint, CancellationToken ct)
    {
        var path = EntryPath(key, top);
        if (Read(path, key, top) is { } cached)
        {
            return cached;
        }

        var result = await lint();
        ct.ThrowIfCancellationRequested();
        Write(path, key, result);
        return result;
    }

    /// <summary>The entry at <paramref name="path"/>, or null when there is none; a damaged one is removed with a note.</summary>
    private LintResult? Read(string path, string key, string top)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Notes?.Invoke($"lint cache entry {path} cannot be read ({ex.Message}); linted again");
            return null;
        }

        var (result, damage) = Parse(text, key, top);
        if (damage is null)
        {
            return result;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Replaced by the write that follows the new lint, or left for the next run to find damaged again.
        }

        Notes?.Invoke($"lint cache entry {path} was damaged ({damage}); linted again");
        return null;
    }

    /// <summary>An entry's result, or why it is not one.</summary>
    public static (LintResult? Result, string? Damage) Parse(string text, string key, string top)
    {
        var end = text.LastIndexOf("sha256 ", StringComparison.Ordinal);
        if (end < 0 || !text.EndsWith('\n'))
        {
            return (null, "it has no checksum line (cut short?)");
        }

        if (GeneratorInfo.Sha256(text[..end]) != text[(end + 7)..].TrimEnd('\n'))
        {
            return (null, "its text does not match its SHA-256");
        }

        var lines = text[..end].Split('\n');
        if (lines is not [Header, var keyLine, var topLine, var cleanLine, var countLine, ..] || keyLine != "key " + key || topLine != "top " + top ||
            cleanLine is not ("clean true" or "clean false") || !countLine.StartsWith("diagnostics ", StringComparison.Ordinal) ||
            !int.TryParse(countLine.AsSpan("diagnostics ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ||
            lines.Length != 5 + count + 1)
        {
            return (null, "it is not an entry for this lint");
        }

        return (new LintResult(top, cleanLine == "clean true", lines[5..(5 + count)]), null);
    }

    /// <summary>The text of an entry: the lint's key and result, then the SHA-256 of all that.</summary>
    public static string Format(string key, LintResult result)
    {
        var text = new StringBuilder().Append(Header).Append('\n')
            .Append("key ").Append(key).Append('\n')
            .Append("top ").Append(result.TopModule).Append('\n')
            .Append("clean ").Append(result.Clean ? "true" : "false").Append('\n')
            .Append("diagnostics ").Append(result.Diagnostics.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var line in result.Diagnostics)
        {
            text.Append(line.Replace('\n', ' ')).Append('\n');
        }

        var body = text.ToString();
        return body + "sha256 " + GeneratorInfo.Sha256(body) + "\n";
    }

    /// <summary>Writes the entry to a private file and renames it into place (a reader sees all of it or nothing).</summary>
    private void Write(string path, string key, LintResult result)
    {
        var temporary = Path.Combine(Folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(temporary, Format(key, result));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Notes?.Invoke($"lint result of {result.TopModule} not kept in {Folder}: {ex.Message}");
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: a stray temporary file is never read as an entry.
            }
        }
    }
}
