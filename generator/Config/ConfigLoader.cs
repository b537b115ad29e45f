using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;

namespace AttentionLego.Gen.Config;

/// <summary>
/// Where a configuration comes from: a preset, a JSON file, or a random draw (<c>S:i</c>, <see cref="RandomConfigs"/>),
/// then <c>--set</c> overrides.
/// </summary>
public sealed record ConfigSource(string? Preset, string? ConfigFile, IReadOnlyList<string> Overrides, string? RandomDraw = null)
{
    public static ConfigSource FromPreset(string preset, params string[] overrides) => new(preset, null, overrides);

    /// <summary>The command-line words that reproduce this source (for replay commands).</summary>
    public string ToArguments()
    {
        var words = new List<string>();
        if (ConfigFile is not null)
        {
            words.Add("--config " + Quote(ConfigFile));
        }
        else if (RandomDraw is not null)
        {
            words.Add("--random-config " + Quote(RandomDraw));
        }
        else
        {
            words.Add("--preset " + (Preset ?? ConfigLoader.DefaultPreset));
        }

        words.AddRange(Overrides.Select(o => "--set " + Quote(o)));
        return string.Join(' ', words);
    }

    /// <summary>A short human name: the preset, or the file name.</summary>
    public string DisplayName => (ConfigFile is not null ? Path.GetFileNameWithoutExtension(ConfigFile)
        : RandomDraw is not null ? "random " + RandomDraw
        : Preset ?? ConfigLoader.DefaultPreset) + (Overrides.Count > 0 && ConfigFile is null ? "+overrides" : "");

    /// <summary>
    /// <paramref name="s"/> as one POSIX shell word: unchanged when it holds only characters no shell treats specially,
    /// else in single quotes (a path with a space, a <c>--set</c> value with <c>$</c> or <c>;</c>), so a printed replay
    /// command pastes back as it ran.
    /// </summary>
    public static string Quote(string s) => s.Length > 0 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '/' or ':' or '=' or '@' or '%' or '+' or ',' or '-')
        ? s
        : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>Loads, overrides, binds and validates a configuration; every problem is reported at once.</summary>
public static class ConfigLoader
{
    public const string DefaultPreset = "tiny";

    public static AttentionConfig Load(ConfigSource source)
    {
        if (source.Preset is not null && source.ConfigFile is not null)
        {
            throw new ConfigException([new ConfigError("--preset/--config", "both were given.", "pass either --preset or --config, not both.")]);
        }

        if (source.RandomDraw is not null && (source.Preset is not null || source.ConfigFile is not null))
        {
            throw new ConfigException([new ConfigError("--random-config", $"was given with {(source.Preset is not null ? "--preset" : "--config")}.",
                "pass one of --preset, --config or --random-config.")]);
        }

        var obj = source.ConfigFile is not null ? ReadFile(source.ConfigFile)
            : source.RandomDraw is not null ? RandomObject(source.RandomDraw)
            : PresetObject(source.Preset ?? DefaultPreset);
        var errors = new List<ConfigError>();
        foreach (var assignment in source.Overrides)
        {
            ConfigJson.ApplyOverride(obj, assignment, errors);
        }

        // Report everything at once: bad overrides, then binding errors, then (if it binds) every rule.
        AttentionConfig? config = null;
        try
        {
            config = ConfigJson.Bind(obj);
        }
        catch (ConfigException ex)
        {
            errors.AddRange(ex.Errors);
        }

        if (config is not null)
        {
            errors.AddRange(ConfigValidator.Validate(config));
        }

        return errors.Count == 0 ? config! : throw new ConfigException(errors);
    }

    private static System.Text.Json.Nodes.JsonObject PresetObject(string name)
    {
        var preset = Presets.Find(name) ?? throw new ConfigException([new ConfigError("--preset " + Excerpt.Of(name),
            "is not a known preset.", $"use one of: {Presets.Names} (`attnlego presets` lists them).")]);
        return ConfigJson.ToJsonObject(preset.Config);
    }

    private static System.Text.Json.Nodes.JsonObject RandomObject(string draw) =>
        RandomConfigs.TryParse(draw, out var seed, out var index)
            ? ConfigJson.ToJsonObject(RandomConfigs.Draw(seed, index))
            : throw new ConfigException([new ConfigError("--random-config " + Excerpt.Of(draw), "is not of the form S:i.",
                "write the master seed and the draw's index as two non-negative integers, e.g. --random-config 1:3.")]);

    private static System.Text.Json.Nodes.JsonObject ReadFile(string path)
    {
        string text;
        var name = Excerpt.Path(path);
        if (Directory.Exists(path))
        {
            throw new ConfigException([new ConfigError(name, "is a folder, not a JSON file.",
                "pass the path of the configuration file inside it (`attnlego config show --preset tiny > my.json` writes one).")]);
        }

        try
        {
            // Read with a cap: /dev/zero, a FIFO that never ends or a huge file is refused after Limits.MaxConfigBytes, not read whole.
            text = BoundedFile.ReadAllText(path, Limits.MaxConfigBytes);
        }
        catch (InputTooLargeException ex)
        {
            throw new ConfigException([new ConfigError(name, ex.Problem("a configuration file"),
                $"pass a JSON configuration file: one is under 1 KiB, about 140 bytes more per fault-map entry (at most {Limits.MaxFaults:N0} entries); " +
                "`attnlego config show --preset tiny > my.json` writes one.")]);
        }
        catch (ArgumentException)
        {
            throw new ConfigException([new ConfigError($"--config {Excerpt.Quoted(path, Excerpt.PathLength)}", "is not a valid file path.",
                "pass the path of a readable JSON file.")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var problem = ex is FileNotFoundException or DirectoryNotFoundException ? "does not exist." : $"cannot be read: {Excerpt.Of(ex.Message, 2 * Excerpt.PathLength)}";
            throw new ConfigException([new ConfigError(name, problem,
                "pass the path of a readable JSON file (`attnlego config show --preset tiny > my.json` writes one).")]);
        }

        return ConfigJson.ParseObject(text, name);
    }
}
