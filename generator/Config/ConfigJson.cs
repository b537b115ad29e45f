using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;

namespace AttentionLego.Gen.Config;

/// <summary>
/// Strict JSON form of <see cref="AttentionConfig"/>: keys are the property names, every key is required,
/// unknown keys are rejected, and all structural errors are reported at once with their key paths.
/// One reflection walk serves reading, writing and <c>--set Path=value</c> overrides, so the three never drift.
/// </summary>
public static class ConfigJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Canonical text: declaration order, two-space indent, LF line ends, one trailing newline.</summary>
    public static string Serialize(AttentionConfig config) =>
        ToJsonObject(config).ToJsonString(Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    public static JsonObject ToJsonObject(object record)
    {
        var obj = new JsonObject();
        foreach (var property in SettableProperties(record.GetType()))
        {
            var value = property.GetValue(record)!;
            // An optional key that holds nothing is left out, so a file without it means the same (and hashes the same).
            if (IsOptional(property) && IsEmpty(value))
            {
                continue;
            }

            obj[property.Name] = ToJsonNode(property.PropertyType, value);
        }

        return obj;
    }

    private static JsonNode ToJsonNode(Type type, object value) => type switch
    {
        var t when t == typeof(int) => JsonValue.Create((int)value),
        var t when t == typeof(bool) => JsonValue.Create((bool)value),
        var t when t.IsEnum => JsonValue.Create(value.ToString()!),
        var t when ListElement(t) is { } element => new JsonArray([.. ((System.Collections.IEnumerable)value).Cast<object>().Select(item => ToJsonNode(element, item))]),
        _ => ToJsonObject(value),
    };

    private static bool IsOptional(PropertyInfo property) => property.GetCustomAttribute<OptionalKeyAttribute>() is not null;

    private static bool IsEmpty(object value) => value switch
    {
        FaultMap map => map.IsEmpty,
        System.Collections.ICollection collection => collection.Count == 0,
        _ => false,
    };

    /// <summary>The element type of a list-valued key (<c>IReadOnlyList&lt;T&gt;</c>), or null.</summary>
    private static Type? ListElement(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>Parses JSON text; a syntax error is reported with its line and position.</summary>
    public static JsonObject ParseObject(string text, string source)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : "";
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ConfigException([new ConfigError(source, "malformed JSON: the file is empty.",
                    "write a configuration into it; `attnlego config show --preset tiny` prints a valid file to start from.")]);
            }

            if (FindRepeatedKey(text) is { } duplicate)
            {
                throw new ConfigException([new ConfigError(Excerpt.Of(duplicate.Path, 2 * Excerpt.Length), $"appears twice in the same object (again at line {duplicate.Line} of {source}).",
                    "keep each key once: delete one of the two.")]);
            }

            if (EndsEarly(text))
            {
                throw new ConfigException([new ConfigError(source, $"malformed JSON{where}: the text ends before the JSON is complete (a truncated file?).",
                    "complete the file (every { and [ needs its closing } and ]); `attnlego config show --preset tiny` prints a complete one.")]);
            }

            throw new ConfigException([new ConfigError(source, $"malformed JSON{where}: {FirstSentence(ex.Message)}",
                "fix the JSON syntax; `attnlego config show --preset tiny` prints a valid file to start from.")]);
        }

        var obj = node as JsonObject ?? throw new ConfigException([new ConfigError(source,
            "the top level is not a JSON object.", "write the configuration as { \"Model\": { ... }, ... }.")]);
        try
        {
            Materialize(obj);
        }
        catch (ArgumentException ex)
        {
            // JsonObject builds its dictionary lazily and only then notices a repeated key.
            throw new ConfigException([new ConfigError(source, $"has a repeated key ({ex.Message}).", "keep each key once.")]);
        }

        return obj;
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
    private static bool EndsEarly(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), isFinalBlock: false,
            new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
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

    public static AttentionConfig Bind(JsonObject obj)
    {
        var errors = new List<ConfigError>();
        var config = (AttentionConfig)BindRecord(typeof(AttentionConfig), obj, "", errors);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return config;
    }

    /// <summary>Applies one <c>Path=value</c> override to <paramref name="obj"/>; the path must already exist.</summary>
    public static void ApplyOverride(JsonObject obj, string assignment, List<ConfigError> errors)
    {
        if (assignment.Length > Limits.MaxSetLength)
        {
            errors.Add(new ConfigError("--set " + Excerpt.Of(assignment), $"is longer than the {Limits.MaxSetLength:N0} characters an assignment may have.",
                "write one key and its value, e.g. --set Pim.Rows=64 (values are integers, true/false or enum names)."));
            return;
        }

        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            errors.Add(new ConfigError("--set " + Excerpt.Of(assignment), "is not of the form Path=value.", "write e.g. --set Pim.Rows=64."));
            return;
        }

        var path = assignment[..eq].Trim();
        var text = assignment[(eq + 1)..].Trim();
        var parts = path.Split('.');
        JsonObject current = obj;
        var type = typeof(AttentionConfig);
        for (var i = 0; i < parts.Length; i++)
        {
            var property = SettableProperties(type).FirstOrDefault(p => p.Name == parts[i]);
            var prefix = Excerpt.Of(string.Join('.', parts.Take(i + 1)), 2 * Excerpt.Length);
            if (property is null)
            {
                errors.Add(new ConfigError(prefix, "is not a configuration key.", KnownKeysHint(type, parts[i])));
                return;
            }

            if (IsOptional(property))
            {
                errors.Add(new ConfigError(prefix, "holds lists of entries, which --set cannot write.",
                    "write the Faults section in a --config file; `attnlego faults draw` prints a configuration with one."));
                return;
            }

            var isLeaf = IsLeaf(property.PropertyType);
            if (i == parts.Length - 1)
            {
                if (!isLeaf)
                {
                    errors.Add(new ConfigError(prefix, "is a section, not a value.",
                        $"set one of its keys, e.g. {prefix}.{SettableProperties(property.PropertyType).First().Name}=..."));
                    return;
                }

                current[parts[i]] = ParseScalar(text);
                return;
            }

            if (isLeaf)
            {
                errors.Add(new ConfigError(prefix, "is a value and has no sub-keys.", $"write --set {prefix}=<value>."));
                return;
            }

            if (current[parts[i]] is not JsonObject next)
            {
                if (current.ContainsKey(parts[i]))
                {
                    // Replacing it would hide the input's type error; the binder reports it instead.
                    return;
                }

                next = new JsonObject();
                current[parts[i]] = next;
            }

            current = next;
            type = property.PropertyType;
        }
    }

    private static JsonNode ParseScalar(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        return JsonValue.Create(text);
    }

    private static object BindRecord(Type type, JsonObject obj, string prefix, List<ConfigError> errors)
    {
        var instance = Activator.CreateInstance(type)!;
        var properties = SettableProperties(type).ToList();
        foreach (var (key, _) in obj)
        {
            if (properties.All(p => p.Name != key))
            {
                errors.Add(new ConfigError(prefix + Excerpt.Of(key), "is not a configuration key.", KnownKeysHint(type, key)));
            }
        }

        foreach (var property in properties)
        {
            var path = prefix + property.Name;
            if (!obj.TryGetPropertyValue(property.Name, out var node) || node is null)
            {
                if (IsOptional(property) && node is null && !obj.ContainsKey(property.Name))
                {
                    continue;
                }

                errors.Add(new ConfigError(path, "is missing.",
                    "add it; `attnlego config show --preset tiny` prints every key with a valid value."));
                continue;
            }

            var value = BindValue(property.PropertyType, node, path, errors);
            if (value is not null)
            {
                property.SetValue(instance, value);
            }
        }

        return instance;
    }

    private static object? BindValue(Type type, JsonNode node, string path, List<ConfigError> errors)
    {
        if (type == typeof(int))
        {
            // Parse the JSON text: a node may wrap an int, a long or a JsonElement, and 1.5 or 1e3 must fail.
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                && l is >= int.MinValue and <= int.MaxValue)
            {
                return (int)l;
            }

            errors.Add(new ConfigError(path, $"must be a whole number, not {Describe(node)}.", "write an integer such as 16."));
            return null;
        }

        if (type == typeof(bool))
        {
            if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetValue<bool>();
            }

            errors.Add(new ConfigError(path, $"must be true or false, not {Describe(node)}.", "write true or false."));
            return null;
        }

        if (type.IsEnum)
        {
            var names = string.Join(", ", Enum.GetNames(type));
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && Enum.GetNames(type).FirstOrDefault(n => string.Equals(n, v.GetValue<string>(), StringComparison.OrdinalIgnoreCase)) is { } name)
            {
                return Enum.Parse(type, name);
            }

            errors.Add(new ConfigError(path, $"must be one of {names}, not {Describe(node)}.", $"write one of {names}."));
            return null;
        }

        if (ListElement(type) is { } element)
        {
            if (node is not JsonArray array)
            {
                errors.Add(new ConfigError(path, $"must be an array (a list of {{ ... }} entries), not {Describe(node)}.",
                    $"write [ {{ {string.Join(", ", SettableProperties(element).Select(p => $"\"{p.Name}\": ..."))} }}, ... ] or leave {path} out."));
                return null;
            }

            var items = Array.CreateInstance(element, array.Count);
            var failed = false;
            for (var i = 0; i < array.Count; i++)
            {
                var item = array[i] is { } itemNode ? BindValue(element, itemNode, $"{path}[{i}]", errors) : null;
                if (item is null)
                {
                    if (array[i] is null)
                    {
                        errors.Add(new ConfigError($"{path}[{i}]", "is null.", "write an entry { ... } or remove it."));
                    }

                    failed = true;
                    continue;
                }

                items.SetValue(item, i);
            }

            return failed ? null : items;
        }

        if (node is JsonObject child)
        {
            return BindRecord(type, child, path + ".", errors);
        }

        errors.Add(new ConfigError(path, $"must be an object (a section), not {Describe(node)}.",
            $"write {{ {string.Join(", ", SettableProperties(type).Select(p => $"\"{p.Name}\": ..."))} }}."));
        return null;
    }

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {Excerpt.Quoted(node.GetValue<string>())}",
        JsonValueKind.Number => $"the number {Excerpt.Of(node.ToJsonString())}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => node.ToJsonString(),
        _ => "null",
    };

    private static string KnownKeysHint(Type type, string key)
    {
        var names = SettableProperties(type).Select(p => p.Name).ToList();
        var close = names.FirstOrDefault(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
        var known = $"known keys here: {string.Join(", ", names)}.";
        return close is null ? $"remove it or use one of the {known}" : $"did you mean {close}? ({known})";
    }

    private static bool IsLeaf(Type type) => type == typeof(int) || type == typeof(bool) || type.IsEnum;

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..(cut + 1)];
    }

    /// <summary>Every key path of a single value, for docs and error hints (not the optional lists, such as Faults).</summary>
    public static IEnumerable<string> KeyPaths(Type? type = null, string prefix = "")
    {
        foreach (var property in SettableProperties(type ?? typeof(AttentionConfig)).Where(p => !IsOptional(p)))
        {
            if (IsLeaf(property.PropertyType))
            {
                yield return prefix + property.Name;
            }
            else
            {
                foreach (var path in KeyPaths(property.PropertyType, prefix + property.Name + "."))
                {
                    yield return path;
                }
            }
        }
    }
}
