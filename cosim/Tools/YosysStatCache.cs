using System.Globalization;

namespace AttentionLego.Cosim.Tools;

/// <summary>The two reports a <see cref="YosysDriver.Script"/> run writes: <c>stat</c> and <c>check</c>.</summary>
public sealed record YosysReports(string Stat, string Check);

/// <summary>
/// Yosys's reports keyed by content, in the build cache's root (<c>&lt;root&gt;/yosys/</c>, a <see cref="ResultCache"/>):
/// one file per run on a top module, named by the hash of the files Yosys read, the script, and the Yosys (its path, size,
/// modification time and version line). A run on the tiny head takes a minute or more and its reports depend on nothing
/// else, so `report` and the tests that synthesize unchanged RTL take them from here. A failed run is never kept.
/// </summary>
public sealed class YosysStatCache(string root, Action<string>? notes = null)
{
    public const string FolderName = "yosys";

    private const string Header = "attnlego yosys cache entry 1";

    private readonly ResultCache _entries = new(root, FolderName, Header, "run again", notes);

    public string Folder => _entries.Folder;

    /// <summary>The cache the CLI and the tests share: below <see cref="BuildCache.DefaultRoot"/>.</summary>
    public static YosysStatCache Default(Action<string>? notes = null) => new(BuildCache.DefaultRoot(), notes);

    /// <summary>The key of a run of <paramref name="script"/> by the Yosys at <paramref name="executable"/> over <paramref name="sources"/>.</summary>
    public static string Key(string executable, string versionLine, IEnumerable<string> script, IEnumerable<RenderedFile> sources) =>
        ResultCache.Key("yosys", executable, versionLine, script.Select(line => "script " + line), sources);

    public string EntryPath(string key, string top) => _entries.EntryPath(key, top);

    private int _runs;

    /// <summary>Runs of Yosys this cache did not spare (its entries were missing or damaged).</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>The kept reports of this run, or those of the run <paramref name="run"/> makes, then kept.</summary>
    public Task<YosysReports> GetOrRunAsync(string key, string top, Func<Task<YosysReports>> run, CancellationToken ct) =>
        _entries.GetOrComputeAsync(key, top, Read, Lines, () =>
        {
            Interlocked.Increment(ref _runs);
            return run();
        }, ct);

    /// <summary>Each report as its line count, then its lines.</summary>
    private static IEnumerable<string> Lines(YosysReports r)
    {
        foreach (var (name, text) in new[] { ("stat", r.Stat), ("check", r.Check) })
        {
            var lines = text.Split('\n');
            yield return $"{name} {lines.Length.ToString(CultureInfo.InvariantCulture)}";
            foreach (var line in lines)
            {
                yield return line;
            }
        }
    }

    private static YosysReports? Read(IReadOnlyList<string> lines)
    {
        string? Report(string name, int at, out int next)
        {
            next = at;
            if (at >= lines.Count || !lines[at].StartsWith(name + " ", StringComparison.Ordinal) ||
                !int.TryParse(lines[at].AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ||
                at + 1 + count > lines.Count)
            {
                return null;
            }

            next = at + 1 + count;
            return string.Join('\n', lines.Skip(at + 1).Take(count));
        }

        return Report("stat", 0, out var next) is { } stat && Report("check", next, out var end) is { } check && end == lines.Count
            ? new YosysReports(stat, check)
            : null;
    }
}
