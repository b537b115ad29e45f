using System.Text;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// What a tool said about some input, kept by content in a folder below the build cache's root (<see cref="LintCache"/>,
/// <see cref="YosysStatCache"/>): one file per result, named by what it is about and the hash of everything that decides
/// it. An entry is a header line, <c>key &lt;key&gt;</c>, <c>top &lt;top module&gt;</c>, the result's lines, then the
/// SHA-256 of all that. It is written to a private file and renamed into place, so a reader sees a whole entry or none and
/// concurrent runs that compute the same result write the same bytes. One that does not verify (truncated, edited, not an
/// entry) is removed and computed again, with a line in <see cref="Notes"/> that says so. The cache is a shortcut, never a
/// source of failure: an entry that cannot be read or written is computed as if absent.
/// </summary>
/// <param name="root">The build cache's root.</param>
/// <param name="kind">What the entries hold, in the folder's and the files' names and in the notes ("lint", "yosys").</param>
/// <param name="header">An entry's first line, which names its format.</param>
/// <param name="again">What a damaged entry's note says happens instead ("linted again").</param>
public sealed class ResultCache(string root, string kind, string header, string again, Action<string>? notes = null)
{
    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), kind);

    /// <summary>Receives the lines a user should see: an entry found damaged and computed again, a result that could not be kept.</summary>
    public Action<string>? Notes { get; } = notes;

    /// <summary>
    /// A key: the hash of the tool (<paramref name="tool"/>'s path, size, modification time and version line), the
    /// <paramref name="settings"/> lines (flags, a script) and the name and SHA-256 of every file it reads.
    /// </summary>
    public static string Key(string tool, string executable, string versionLine, IEnumerable<string> settings, IEnumerable<RenderedFile> sources)
    {
        var file = new FileInfo(executable);
        var text = new StringBuilder()
            .Append(tool).Append(' ').Append(executable).Append(' ').Append(versionLine).Append('\n')
            .Append(tool).Append("-file ").Append(file.Exists ? $"{file.Length} {file.LastWriteTimeUtc.Ticks}" : "missing").Append('\n');
        foreach (var line in settings)
        {
            text.Append(line).Append('\n');
        }

        foreach (var source in sources.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("file ").Append(source.Name).Append(' ').Append(GeneratorInfo.Sha256(source.Content)).Append('\n');
        }

        return GeneratorInfo.Sha256(text.ToString())[..32];
    }

    public string EntryPath(string key, string top) => Path.Combine(Folder, $"{top}-{key}.{kind}");

    /// <summary>
    /// The cached result for (<paramref name="key"/>, <paramref name="top"/>), or the one <paramref name="compute"/> returns,
    /// then kept. <paramref name="parse"/> reads an entry's lines back (null: not a result), <paramref name="format"/> writes them.
    /// </summary>
    public async Task<T> GetOrComputeAsync<T>(string key, string top, Func<IReadOnlyList<string>, T?> parse, Func<T, IEnumerable<string>> format,
        Func<Task<T>> compute, CancellationToken ct)
        where T : class
    {
        var path = EntryPath(key, top);
        if (Read(path, key, top, parse) is { } cached)
        {
            return cached;
        }

        var result = await compute();
        ct.ThrowIfCancellationRequested();
        Write(path, top, Format(header, key, top, format(result)));
        return result;
    }

    /// <summary>The text of an entry: the header, the key and top, the result's lines, then the SHA-256 of all that.</summary>
    public static string Format(string header, string key, string top, IEnumerable<string> lines)
    {
        var text = new StringBuilder().Append(header).Append('\n').Append("key ").Append(key).Append('\n').Append("top ").Append(top).Append('\n');
        foreach (var line in lines)
        {
            text.Append(line.Replace('\n', ' ')).Append('\n');
        }

        var body = text.ToString();
        return body + "sha256 " + GeneratorInfo.Sha256(body) + "\n";
    }

    /// <summary>An entry's result, or why <paramref name="text"/> is not an entry of this kind for (<paramref name="key"/>, <paramref name="top"/>).</summary>
    public static (T? Result, string? Damage) Parse<T>(string text, string header, string kind, string key, string top, Func<IReadOnlyList<string>, T?> parse)
        where T : class
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
        var result = lines is [var first, var keyLine, var topLine, .., ""] && first == header && keyLine == "key " + key && topLine == "top " + top
            ? parse(lines[3..^1])
            : null;
        return result is null ? (null, $"it is not an entry for this {kind}") : (result, null);
    }

    /// <summary>The entry at <paramref name="path"/>, or null when there is none; a damaged one is removed with a note.</summary>
    private T? Read<T>(string path, string key, string top, Func<IReadOnlyList<string>, T?> parse)
        where T : class
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
            Notes?.Invoke($"{kind} cache entry {path} cannot be read ({ex.Message}); {again}");
            return null;
        }

        var (result, damage) = Parse(text, header, kind, key, top, parse);
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
            // Replaced by the write that follows the new result, or left for the next run to find damaged again.
        }

        Notes?.Invoke($"{kind} cache entry {path} was damaged ({damage}); {again}");
        return null;
    }

    /// <summary>Writes the entry to a private file and renames it into place (a reader sees all of it or nothing).</summary>
    private void Write(string path, string top, string text)
    {
        var temporary = Path.Combine(Folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Notes?.Invoke($"{kind} result of {top} not kept in {Folder}: {ex.Message}");
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
