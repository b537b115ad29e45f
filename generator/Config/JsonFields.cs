using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLego.Gen.IO;

namespace AttentionLego.Gen.Config;

/// <summary>
/// What a strict JSON input is, for the parser's messages.
/// </summary>
/// <param name="What">The input with its article, as a fix names it: "a configuration".</param>
/// <param name="Example">Where a valid one is shown, as the end of a fix.</param>
/// <param name="TrailingCommas">Whether a comma may follow the last member of an object or array.</param>
/// <param name="SourceInPaths">
/// Whether problems inside the file are named "file: path" (a matrix, whose entries name other files) rather than by
/// the key path alone (a configuration, whose keys are known without the file).
/// </param>
public sealed record JsonDocumentKind(string What, string Example, bool TrailingCommas = false, bool SourceInPaths = false);

/// <summary>
/// The reading and checking shared by every strict JSON input (the configuration, the regression matrix): parsing that
/// names a syntax error's line, a repeated key's path and a truncated file; unknown keys with the nearest known one; and
/// typed values, each refusal naming the value found. Each problem is a <see cref="ConfigError"/> with its path and fix.
/// </summary>
public static class JsonFields
{
    /// <summary>Parses JSON text (comments allowed, every key once); a problem is thrown as one <see cref="ConfigError"/>.</summary>
    public static JsonNode? Parse(string text, string source, JsonDocumentKind kind)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = kind.TrailingCommas,
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException ex)
        {
            throw new ConfigException([SyntaxError(text, source, kind, ex)]);
        }

        try
        {
            Materialize(node);
        }
        catch (ArgumentException ex)
        {
            // JsonObject builds its dictionary lazily and only then notices a repeated key.
            throw new ConfigException([FindRepeatedKey(text) is { } repeated
                ? RepeatedKey(source, kind, repeated)
                : new ConfigError(source, $"has a repeated key ({ex.Message}).", "keep each key once.")]);
        }

        return node;
    }

    private static ConfigError SyntaxError(string text, string source, JsonDocumentKind kind, JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ConfigError(source, "malformed JSON: the file is empty.", $"write {kind.What} into it; {kind.Example}.");
        }

        if (FindRepeatedKey(text) is { } duplicate)
        {
            return RepeatedKey(source, kind, duplicate);
        }

        if (EndsEarly(text, kind))
        {
            return new ConfigError(source, $"malformed JSON{where}: the text ends before the JSON is complete (a truncated file?).",
                $"complete the file (every {{ and [ needs its closing }} and ]); {kind.Example}.");
        }

        return new ConfigError(source, $"malformed JSON{where}: {FirstSentence(ex.Message)}", $"fix the JSON syntax; {kind.Example}.");
    }

    private static ConfigError RepeatedKey(string source, JsonDocumentKind kind, (string Path, int Line) repeated)
    {
        var path = Excerpt.Of(repeated.Path, 2 * Excerpt.Length);
        return kind.SourceInPaths
            ? new ConfigError($"{source}: {path}", $"appears twice in the same object (again at line {repeated.Line}).", "keep each key once: delete one of the two.")
            : new ConfigError(path, $"appears twice in the same object (again at line {repeated.Line} of {source}).", "keep each key once: delete one of the two.");
    }

    /// <summary>
    /// The key path (e.g. <c>Model.DModel</c>, <c>entries[2].preset</c>) and line of the first key that an object of
    /// <paramref name="text"/> repeats, or null. JsonNode only says "an item with the same key has already been added".
    /// </summary>
    public static (string Path, int Line)? FindRepeatedKey(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var open = new Stack<JsonFrame>();
        var member = "";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = open.Peek();
                        var name = reader.GetString()!;
                        member = frame.Path.Length == 0 ? name : frame.Path + "." + name;
                        if (!frame.Keys!.Add(name))
                        {
                            return (member, 1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n'));
                        }

                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.Pop();
                        continue;
                }

                // A value: named by its key, or by its index in the array around it.
                var path = open.Count == 0 ? "" : open.Peek().Keys is null ? $"{open.Peek().Path}[{open.Peek().Index++}]" : member;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    open.Push(new JsonFrame(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, path));
                }
            }
        }
        catch (JsonException)
        {
            // Not the repeated key's report: the caller names the syntax error.
        }

        return null;
    }

    /// <summary>An open object (its keys so far) or array (its next index) while <see cref="FindRepeatedKey"/> reads.</summary>
    private sealed class JsonFrame(HashSet<string>? keys, string path)
    {
        public HashSet<string>? Keys { get; } = keys;

        public string Path { get; } = path;

        public int Index { get; set; }
    }

    /// <summary>Whether <paramref name="text"/> is valid JSON as far as it goes and only its end is missing.</summary>
    private static bool EndsEarly(string text, JsonDocumentKind kind)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), isFinalBlock: false,
            new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = kind.TrailingCommas }));
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return false;
        }

        // Still inside an object or array when the text ran out.
        return reader.CurrentDepth > 0;
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    Materialize(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Materialize(child);
                }

                break;
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..(cut + 1)];
    }

    /// <summary>
    /// Adds a problem for every key of <paramref name="obj"/> not in <paramref name="known"/>: its path
    /// (<paramref name="prefix"/> and the key), "is not <paramref name="what"/>." and <see cref="KnownKeysHint"/>.
    /// </summary>
    public static void RejectUnknownKeys(JsonObject obj, IReadOnlyList<string> known, string prefix, string what, List<ConfigError> errors)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                errors.Add(new ConfigError(prefix + Excerpt.Of(key), $"is not {what}.", KnownKeysHint(known, key)));
            }
        }
    }

    /// <summary>
    /// The fix for an unknown <paramref name="key"/>: the known key it most likely means (the same but for case, else one
    /// that starts with it or that it starts with), and every known key.
    /// </summary>
    public static string KnownKeysHint(IReadOnlyList<string> known, string key)
    {
        var close = known.FirstOrDefault(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase))
            ?? known.FirstOrDefault(n => key.Length > 0 && (n.StartsWith(key, StringComparison.OrdinalIgnoreCase) || key.StartsWith(n, StringComparison.OrdinalIgnoreCase)));
        var list = $"known keys here: {string.Join(", ", known)}.";
        return close is null ? $"remove it or use one of the {list}" : $"did you mean {close}? ({list})";
    }

    /// <summary>A whole number within <see cref="int"/>, or null (a fraction, an exponent, a string, a number too large).</summary>
    public static int? Int(JsonNode? node) =>
        // Parse the JSON text: a node may wrap an int, a long or a JsonElement, and 1.5 or 1e3 must fail.
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
        && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    /// <summary>true or false, or null for anything else.</summary>
    public static bool? Bool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>A string, or null for anything else.</summary>
    public static string? String(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Every item of an array of strings, or null when it is not one.</summary>
    public static List<string>? Strings(JsonNode? node) =>
        node is JsonArray a && a.All(n => String(n) is not null) ? [.. a.Select(n => String(n)!)] : null;

    /// <summary>A value as a refusal names it: "the string \"16\"", "the number 1.5", "an object", "null".</summary>
    public static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {Excerpt.Quoted(node.GetValue<string>())}",
        JsonValueKind.Number => $"the number {Excerpt.Of(node.ToJsonString())}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => node.ToJsonString(),
        _ => "null",
    };
}
