using System.Globalization;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Lint results keyed by content, in the build cache's root (<c>&lt;root&gt;/lint/</c>, a <see cref="ResultCache"/>): one
/// file per lint of a top module, named by the hash of the sources Verilator read, the Verilator (its path, size,
/// modification time and version line) and the lint flags.
/// </summary>
public sealed class LintCache(string root, Action<string>? notes = null)
{
    /// <summary>The folder below the cache root that holds the entries.</summary>
    public const string FolderName = "lint";

    private const string Header = "attnlego lint cache entry 1";

    private readonly ResultCache _entries = new(root, FolderName, Header, "linted again", notes);

    public string Folder => _entries.Folder;

    /// <summary>The cache the CLI and the tests share: below <see cref="BuildCache.DefaultRoot"/>.</summary>
    public static LintCache Default(Action<string>? notes = null) => new(BuildCache.DefaultRoot(), notes);

    /// <summary>The key of a lint of <paramref name="top"/> by <paramref name="verilator"/> over <paramref name="sources"/> (what Verilator reads).</summary>
    public static string Key(VerilatorDriver verilator, string top, IEnumerable<RenderedFile> sources) =>
        ResultCache.Key("verilator", verilator.Executable, verilator.VersionLine, ["flags " + string.Join(' ', VerilatorDriver.LintFlags(top))], sources);

    public string EntryPath(string key, string top) => _entries.EntryPath(key, top);

    /// <summary>
    /// The cached result of this lint, or the lint run by <paramref name="lint"/> and kept. The result is Verilator's own
    /// (clean and its diagnostics); notes the caller adds are not part of it.
    /// </summary>
    public Task<LintResult> GetOrLintAsync(string key, string top, Func<Task<LintResult>> lint, CancellationToken ct) =>
        _entries.GetOrComputeAsync(key, top, lines => Read(top, lines), Lines, lint, ct);

    /// <summary>An entry's result, or why it is not one.</summary>
    public static (LintResult? Result, string? Damage) Parse(string text, string key, string top) =>
        ResultCache.Parse(text, Header, FolderName, key, top, lines => Read(top, lines));

    /// <summary>The text of an entry: the lint's key and result, then the SHA-256 of all that.</summary>
    public static string Format(string key, LintResult result) => ResultCache.Format(Header, key, result.TopModule, Lines(result));

    /// <summary>A result's lines: whether it is clean, then the count of diagnostics and each of them.</summary>
    private static IEnumerable<string> Lines(LintResult result) =>
        [result.Clean ? "clean true" : "clean false", "diagnostics " + result.Diagnostics.Count.ToString(CultureInfo.InvariantCulture), .. result.Diagnostics];

    private static LintResult? Read(string top, IReadOnlyList<string> lines) =>
        lines is [var clean and ("clean true" or "clean false"), var count, ..] && count.StartsWith("diagnostics ", StringComparison.Ordinal) &&
        int.TryParse(count.AsSpan("diagnostics ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && lines.Count == 2 + n
            ? new LintResult(top, clean == "clean true", [.. lines.Skip(2)])
            : null;
}
