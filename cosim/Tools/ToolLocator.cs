namespace AttentionLego.Cosim.Tools;

/// <summary>Finds an executable: an explicit override (environment variable) first, then the PATH.</summary>
public static class ToolLocator
{
    public static string? Find(string name, string? overrideVariable = null)
    {
        if (overrideVariable is not null && Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } explicitPath)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="Find"/>, or a <see cref="ToolException"/> (missing) that says where it looked (the override's value,
    /// else PATH) and ends in <paramref name="fix"/>.
    /// </summary>
    public static string Require(string name, string overrideVariable, string fix) =>
        Find(name, overrideVariable) ?? throw new ToolException(ToolFailure.Missing,
            (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } v
                ? $"{name} was not found: {overrideVariable}={v} does not exist"
                : $"{name} was not found on PATH") + ". Fix: " + fix);
}
