using AttentionLego.Gen.IO;

namespace AttentionLego.Gen.Config;

/// <summary>One violated rule: the key path it concerns, what is wrong, and how to fix it.</summary>
public sealed record ConfigError(string Path, string Problem, string Fix)
{
    // The parts quote user values as short excerpts already; escaping here keeps a control character that slipped
    // through (e.g. in a JSON parser's message) off the terminal.
    public override string ToString() => $"{Excerpt.Escape(Path)}: {Excerpt.Escape(Problem)} Fix: {Excerpt.Escape(Fix)}";
}

/// <summary>Thrown when a configuration cannot be loaded or is invalid; carries every error at once.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(FormatMessage("invalid configuration", errors))
{
    /// <summary>Errors a message lists; the rest are counted (a fault map of a million bad entries is not a million lines).</summary>
    public const int MaxListed = 50;

    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    /// <summary>"&lt;what&gt; (N errors):" and one indented line per error, at most <see cref="MaxListed"/> of them.</summary>
    public static string FormatMessage(string what, IReadOnlyList<ConfigError> errors)
    {
        var listed = errors.Take(MaxListed).Select(e => "  " + e);
        var rest = errors.Count > MaxListed ? [$"  ... and {errors.Count - MaxListed:N0} more errors (the first {MaxListed} are listed)."] : Array.Empty<string>();
        return $"{what} ({errors.Count:N0} error{(errors.Count == 1 ? "" : "s")}):" + Environment.NewLine +
               string.Join(Environment.NewLine, listed.Concat(rest));
    }
}
