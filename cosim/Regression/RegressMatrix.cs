using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AttentionLego.Cosim.Benches;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cosim.Regression;

/// <summary>A regression matrix or its options are wrong; carries every problem at once, each with its path and a fix.</summary>
public sealed class MatrixException(IReadOnlyList<ConfigError> errors) : Exception(ConfigException.FormatMessage("invalid regression matrix", errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}

/// <summary>
/// Expands a regression into its ordered list of cases: from a matrix file (docs/CLI.md, "Matrix file"), or from
/// random configurations. The order is deterministic (entries in file order, then modules, then seeds), every case id
/// is unique, and every configuration is loaded and validated before anything runs.
/// </summary>
public static partial class RegressMatrix
{
    public const string AllModules = "all";

    /// <summary>The strict JSON of a matrix file: trailing commas allowed, problems named "file: path".</summary>
    public static readonly JsonDocumentKind Document = new("a regression matrix", "docs/CLI.md, \"Matrix file\", has an example",
        TrailingCommas: true, SourceInPaths: true);

    private static readonly string[] EntryKeys = ["name", "preset", "config", "random", "set", "modules", "seeds", "top"];
    private static readonly string[] TopKeys = ["tokens", "memLatency", "stalls", "preload"];

    /// <summary>Reads and expands a matrix file; configuration files are found relative to it.</summary>
    public static IReadOnlyList<RegressCase> Load(string path)
    {
        string text;
        var name = Excerpt.Path(path);
        try
        {
            // Read with a cap: a device, an endless FIFO or a huge file is refused after Limits.MaxMatrixBytes.
            text = BoundedFile.ReadAllText(path, Limits.MaxMatrixBytes);
        }
        catch (InputTooLargeException ex)
        {
            throw new MatrixException([new ConfigError(name, ex.Problem("a matrix file"),
                "pass a regression matrix: one entry per configuration, a few KiB at most (regress/ci.json is an example); put large configurations in files that entries name with \"config\".")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            var problem = ex is FileNotFoundException or DirectoryNotFoundException ? "does not exist."
                : Directory.Exists(path) ? "is a folder, not a matrix file." : $"cannot be read: {ex.Message}";
            throw new MatrixException([new ConfigError(name, problem, "pass the path of a readable matrix file (regress/ci.json is an example).")]);
        }

        return Parse(text, name, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Expands matrix text; <paramref name="baseDir"/> resolves relative <c>config</c> paths.</summary>
    public static IReadOnlyList<RegressCase> Parse(string text, string sourceName, string baseDir)
    {
        JsonNode? root;
        try
        {
            root = JsonFields.Parse(text, sourceName, Document);
        }
        catch (ConfigException ex)
        {
            throw new MatrixException(ex.Errors);
        }

        var errors = new List<ConfigError>();
        var cases = new List<RegressCase>();
        if (root is not JsonObject obj || obj["entries"] is not JsonArray entries)
        {
            throw new MatrixException([new ConfigError(sourceName, "is not an object with an \"entries\" array.",
                "write { \"entries\": [ { \"preset\": \"tiny\", \"modules\": \"all\" } ] }.")]);
        }

        JsonFields.RejectUnknownKeys(obj, ["entries"], $"{sourceName}: ", "a matrix key", errors);

        if (entries.Count == 0)
        {
            errors.Add(new ConfigError($"{sourceName}: entries", "is empty.", "add at least one entry."));
        }

        var labels = new Dictionary<string, (string Path, string Hash)>(StringComparer.Ordinal);
        long total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var path = $"{sourceName}: entries[{i}]";
            if (entries[i] is not JsonObject entry)
            {
                errors.Add(new ConfigError(path, "is not an object.", "write { \"preset\": \"tiny\", \"modules\": [\"softmax\"] }."));
                continue;
            }

            // Count before expanding: a matrix of a million seeds is refused, not listed.
            var planned = PlannedCases(entry);
            total += planned;
            if (total > Limits.MaxCases)
            {
                errors.Add(new ConfigError(path, $"brings the regression to {total:N0} cases or more (with {planned:N0} of its own: configurations x modules x seeds), " +
                    $"more than the {Limits.MaxCases:N0} one regression runs.", "split the matrix into several files, or list fewer seeds or modules."));
                break;
            }

            // A backstop for a count that missed: the expansion itself stops one past the bound and is refused.
            cases.AddRange(Entry(entry, path, baseDir, labels, errors).Take(Limits.MaxCases - cases.Count + 1));
            if (cases.Count > Limits.MaxCases)
            {
                errors.Add(new ConfigError(path, $"brings the regression to more than the {Limits.MaxCases:N0} cases one regression runs (configurations x modules x seeds).",
                    "split the matrix into several files, or list fewer seeds or modules."));
                break;
            }
        }

        var duplicate = cases.GroupBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            errors.Add(new ConfigError(sourceName, $"lists case {duplicate.Key} more than once.",
                "remove the repeated seeds or give one of the entries a distinct \"name\"."));
        }

        return errors.Count == 0 ? cases : throw new MatrixException(errors);
    }

    /// <summary>
    /// The most random configurations one regression draws (about 120,000 cases with every module): each is built and
    /// simulated, so more is a campaign to split by master seed, and 2^31 would only spin in drawing them.
    /// </summary>
    public const int MaxRandomConfigs = 10_000;

    /// <summary>
    /// <paramref name="count"/> random configurations of master seed <paramref name="seed"/>, each with
    /// <paramref name="modules"/> and seeds 1..<paramref name="seeds"/>. The <c>top</c> bench's options are drawn too
    /// (tokens 1..MaxSeqLen, memory latency 1..16, stalls or not), from a stream of their own.
    /// </summary>
    public static IReadOnlyList<RegressCase> Random(int seed, int count, IReadOnlyList<string> modules, int seeds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxRandomConfigs);
        var cases = new List<RegressCase>();
        for (var i = 0; i < count; i++)
        {
            var draw = RandomConfigs.Format(seed, i);
            var config = RandomConfigs.Draw(seed, i);
            var r = RandomConfigs.Stream(seed, i, purpose: 1);
            var top = new TopOptions(r.Next(1, config.Model.MaxSeqLen), r.Next(1, 16), r.Next(0, 1) == 1);
            var source = new ConfigSource(null, null, [], draw);
            var label = string.Create(CultureInfo.InvariantCulture, $"random-{seed}-{i}");
            foreach (var module in modules)
            {
                for (var s = 1; s <= seeds; s++)
                {
                    cases.Add(new RegressCase(label, source, module, s, ModuleBenches.IsWhole(module) ? top : null));
                }
            }
        }

        return cases;
    }

    /// <summary>Parses a module list ("all", or names separated by commas); null and the problem when a name is unknown.</summary>
    public static IReadOnlyList<string>? Modules(IEnumerable<string> words, out string? problem)
    {
        var names = words.SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Contains(AllModules))
        {
            problem = names.Count == 1 ? null : $"\"{AllModules}\" cannot be combined with other modules.";
            return problem is null ? ModuleBenches.All.Select(b => b.Module).ToList() : null;
        }

        var unknown = names.Where(n => ModuleBenches.Find(n) is null).ToList();
        problem = unknown.Count > 0 ? $"unknown module{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Take(5).Select(u => $"'{Excerpt.Of(u)}'"))}{(unknown.Count > 5 ? $" and {unknown.Count - 5:N0} more" : "")}; known: {ModuleBenches.Names} or {AllModules}."
            : names.Count == 0 ? "no module given." : null;
        return problem is null ? names.Distinct(StringComparer.Ordinal).ToList() : null;
    }

    private static IEnumerable<RegressCase> Entry(JsonObject entry, string path, string baseDir,
        Dictionary<string, (string Path, string Hash)> labels, List<ConfigError> errors)
    {
        var before = errors.Count;
        JsonFields.RejectUnknownKeys(entry, EntryKeys, path + ".", "an entry key", errors);

        var preset = String(entry, "preset", path, errors);
        var file = String(entry, "config", path, errors);
        var random = String(entry, "random", path, errors);
        var name = String(entry, "name", path, errors);
        var given = new[] { preset, file, random }.Count(s => s is not null);
        if (given != 1)
        {
            errors.Add(new ConfigError(path, given == 0 ? "names no configuration." : "names more than one configuration.",
                "give exactly one of \"preset\" (e.g. \"tiny\"), \"config\" (a JSON file relative to the matrix) or \"random\" (\"S:i\")."));
        }

        if (preset is not null && Presets.Find(preset) is null)
        {
            errors.Add(new ConfigError($"{path}.preset", $"{Excerpt.Quoted(preset)} is not a known preset.", $"use one of: {Presets.Names}."));
        }

        if (random is not null && !RandomConfigs.TryParse(random, out _, out _))
        {
            errors.Add(new ConfigError($"{path}.random", $"{Excerpt.Quoted(random)} is not of the form S:i.", "write the master seed and the draw's index, e.g. \"1:3\"."));
        }

        if (name is not null && !LabelPattern().IsMatch(name))
        {
            errors.Add(new ConfigError($"{path}.name", $"{Excerpt.Quoted(name)} is not a folder-safe name.", "use letters, digits, '.', '_', '+' and '-' only."));
        }

        var overrides = StringList(entry, "set", path, errors);
        var modules = ModuleList(entry, path, errors);
        var seeds = SeedList(entry, path, errors);
        var top = TopOptionsOf(entry, path, modules, errors);
        if (errors.Count > before)
        {
            yield break;
        }

        var fullFile = file is null ? null : Path.GetFullPath(Path.Combine(baseDir, file));
        var source = new ConfigSource(preset is null ? null : Presets.Find(preset)!.Name, fullFile is null ? null : ShortPath(fullFile), overrides, random);
        AttentionConfig config;
        try
        {
            config = ConfigLoader.Load(source);
        }
        catch (ConfigException ex)
        {
            errors.AddRange(ex.Errors.Select(e => e with { Path = $"{path}: {e.Path}" }));
            yield break;
        }

        var hash = ConfigHash.Of(config);
        var label = name ?? (preset is not null ? source.Preset! : file is not null ? Path.GetFileNameWithoutExtension(file) : "random-" + random!.Replace(':', '-'))
            + (name is null && overrides.Count > 0 ? "-" + hash[..8] : "");
        if (!LabelPattern().IsMatch(label))
        {
            errors.Add(new ConfigError(path, $"gets the label {Excerpt.Quoted(label)}, which is not folder-safe.", "give the entry a \"name\" of letters, digits, '.', '_', '+' and '-'."));
            yield break;
        }

        if (labels.TryGetValue(label, out var other) && other.Hash != hash)
        {
            errors.Add(new ConfigError(path, $"is labelled {Excerpt.Quoted(label)} like {other.Path}, but its configuration differs.", "give one of them a distinct \"name\"."));
            yield break;
        }

        labels[label] = (path, hash);
        if (top?.Tokens is { } tokens && tokens > config.Model.MaxSeqLen)
        {
            errors.Add(new ConfigError($"{path}.top.tokens", $"is {tokens}, more than the caches hold (Model.MaxSeqLen = {config.Model.MaxSeqLen}).",
                $"use 1..{config.Model.MaxSeqLen}."));
            yield break;
        }

        foreach (var module in modules!)
        {
            foreach (var seed in seeds!)
            {
                yield return new RegressCase(label, source, module, seed, ModuleBenches.IsWhole(module) ? top : null);
            }
        }
    }

    private static string? String(JsonObject entry, string key, string path, List<ConfigError> errors)
    {
        if (!entry.TryGetPropertyValue(key, out var node))
        {
            return null;
        }

        if (JsonFields.String(node) is { Length: > 0 } s)
        {
            return s;
        }

        errors.Add(new ConfigError($"{path}.{key}", $"must be a non-empty string, not {JsonFields.Describe(node)}.", $"write \"{key}\": \"...\"."));
        return null;
    }

    private static List<string> StringList(JsonObject entry, string key, string path, List<ConfigError> errors)
    {
        if (!entry.TryGetPropertyValue(key, out var node))
        {
            return [];
        }

        if (JsonFields.Strings(node) is { } strings)
        {
            return strings;
        }

        errors.Add(new ConfigError($"{path}.{key}", $"must be an array of strings, not {JsonFields.Describe(node)}.", $"write \"{key}\": [\"Pim.Rows=8\"]."));
        return [];
    }

    private static IReadOnlyList<string>? ModuleList(JsonObject entry, string path, List<ConfigError> errors)
    {
        var node = entry["modules"];
        var words = ModuleWords(node) is { Count: > 0 } given ? given : null;
        if (words is null)
        {
            errors.Add(new ConfigError($"{path}.modules", node is null ? "is missing." : "must be \"all\" or a non-empty array of module names.",
                $"write \"modules\": \"all\" or e.g. [\"softmax\", \"top\"] (modules: {ModuleBenches.Names})."));
            return null;
        }

        var modules = Modules(words, out var problem);
        if (problem is not null)
        {
            errors.Add(new ConfigError($"{path}.modules", problem, $"use \"all\" or names from: {ModuleBenches.Names}."));
        }

        return modules;
    }

    private static IReadOnlyList<int>? SeedList(JsonObject entry, string path, List<ConfigError> errors)
    {
        const string fix = "write \"seeds\": [1, 5, 9] or { \"first\": 1, \"count\": 3 } (seeds are 1 .. 2147483647).";
        switch (entry["seeds"])
        {
            case null:
                return [1];
            case JsonArray a:
                var list = a.Select(n => Int(n)).ToList();
                if (list.Count == 0 || list.Any(s => s is null or < 1))
                {
                    errors.Add(new ConfigError($"{path}.seeds", "must be a non-empty array of whole numbers of at least 1.", fix));
                    return null;
                }

                if (list.Count > Limits.MaxSeeds)
                {
                    errors.Add(new ConfigError($"{path}.seeds", $"lists {list.Count:N0} seeds, more than the {Limits.MaxSeeds:N0} one entry may run.", "list fewer seeds, or split them over several regressions."));
                    return null;
                }

                if (list.Distinct().Count() != list.Count)
                {
                    errors.Add(new ConfigError($"{path}.seeds", "repeats a seed.", "list each seed once."));
                    return null;
                }

                return list.Select(s => s!.Value).ToList();
            case JsonObject o:
                var unknown = o.Select(kv => kv.Key).Where(k => k is not ("first" or "count")).ToList();
                var first = o.ContainsKey("first") ? Int(o["first"]) : 1;
                var count = Int(o["count"]);
                if (unknown.Count > 0 || first is null or < 1 || count is null or < 1 || (long)first + count - 1 > int.MaxValue)
                {
                    errors.Add(new ConfigError($"{path}.seeds", unknown.Count > 0 ? $"has the unknown key{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}."
                        : "needs \"count\" of at least 1 and an optional \"first\" of at least 1 (default 1).", fix));
                    return null;
                }

                if (count > Limits.MaxSeeds)
                {
                    errors.Add(new ConfigError($"{path}.seeds.count", $"is {count:N0}, more than the {Limits.MaxSeeds:N0} seeds one entry may run.",
                        $"use a count of at most {Limits.MaxSeeds:N0}, or split the seeds over several regressions (\"first\" picks where each starts)."));
                    return null;
                }

                return Enumerable.Range(first.Value, count.Value).ToList();
            default:
                errors.Add(new ConfigError($"{path}.seeds", "must be an array or an object.", fix));
                return null;
        }
    }

    private static TopOptions? TopOptionsOf(JsonObject entry, string path, IReadOnlyList<string>? modules, List<ConfigError> errors)
    {
        if (!entry.TryGetPropertyValue("top", out var node))
        {
            return null;
        }

        if (node is not JsonObject o)
        {
            errors.Add(new ConfigError($"{path}.top", "must be an object.", "write \"top\": { \"tokens\": 8, \"memLatency\": 5, \"stalls\": true }."));
            return null;
        }

        if (modules is not null && !modules.Any(ModuleBenches.IsWhole))
        {
            errors.Add(new ConfigError($"{path}.top", "is given, but the entry does not run module top or array.", "add \"top\" or \"array\" to \"modules\" or drop \"top\"."));
        }

        JsonFields.RejectUnknownKeys(o, TopKeys, $"{path}.top.", "a top option", errors);

        int? tokens = null;
        if (o.ContainsKey("tokens") && (tokens = Int(o["tokens"])) is null or < 1)
        {
            errors.Add(new ConfigError($"{path}.top.tokens", "must be a whole number of at least 1.", "write e.g. \"tokens\": 8 (at most Model.MaxSeqLen)."));
        }

        var latency = o.ContainsKey("memLatency") ? Int(o["memLatency"]) : new TopOptions().MemoryLatency;
        if (latency is null or < 1 or > 64)
        {
            errors.Add(new ConfigError($"{path}.top.memLatency", "must be a whole number from 1 to 64.", "write e.g. \"memLatency\": 5."));
        }

        bool Flag(string key)
        {
            if (o[key] is not { } value)
            {
                return false;
            }

            if (JsonFields.Bool(value) is { } flag)
            {
                return flag;
            }

            errors.Add(new ConfigError($"{path}.top.{key}", $"must be true or false, not {JsonFields.Describe(value)}.", $"write \"{key}\": true."));
            return false;
        }

        return new TopOptions(tokens, latency ?? new TopOptions().MemoryLatency, Flag("stalls"), Preload: Flag("preload"));
    }

    /// <summary>
    /// The cases an entry expands to (modules x seeds), read cheaply before the entry is checked: what is malformed
    /// counts as one (the check reports it), and a seed count beyond <see cref="Limits.MaxSeeds"/> as none (the seeds'
    /// own check refuses it with its own message).
    /// </summary>
    private static long PlannedCases(JsonObject entry)
    {
        // Parsed as the expansion parses it: "all", ["all"] and "softmax,top" are 9, 9 and 2 modules, not 1.
        var words = ModuleWords(entry["modules"]);
        long modules = words is null ? 1 : Math.Max(1, Modules(words, out _)?.Count ?? 1);
        long seeds = entry["seeds"] switch
        {
            JsonArray a when a.Count > 0 => a.Count,
            JsonObject o when Int(o["count"]) is { } count and > 0 => count,
            _ => 1,
        };
        return seeds > Limits.MaxSeeds ? 0 : modules * seeds;
    }

    private static int? Int(JsonNode? node) => JsonFields.Int(node);

    /// <summary>"modules" as words: one string, or an array of strings; null for anything else.</summary>
    private static List<string>? ModuleWords(JsonNode? node) => JsonFields.String(node) is { } one ? [one] : JsonFields.Strings(node);

    /// <summary>The path relative to the current folder when it lies below it (replay commands stay short), else absolute.</summary>
    private static string ShortPath(string full)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex LabelPattern();
}
