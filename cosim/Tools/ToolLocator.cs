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
}
