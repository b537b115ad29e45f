namespace AttentionLego.Gen.Config;

/// <summary>One violated rule: the key path it concerns, what is wrong, and how to fix it.</summary>
public sealed record ConfigError(string Path, string Problem, string Fix)
{
    public override string ToString() => $"{Path}: {Problem} Fix: {Fix}";
}

/// <summary>Thrown when a configuration cannot be loaded or is invalid; carries every error at once.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(FormatMessage(errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    private static string FormatMessage(IReadOnlyList<ConfigError> errors) =>
        $"invalid configuration ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):" + Environment.NewLine +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
