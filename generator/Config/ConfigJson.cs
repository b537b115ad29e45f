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

    /// <summary>The strict JSON of a configuration file: a syntax error is reported with its line and position.</summary>
    public static readonly JsonDocumentKind Document = new("a configuration", "`attnlego config show --preset tiny` prints a valid file to start from");

    /// <summary>Parses JSON text whose top level must be an object; a syntax error is reported with its line and position.</summary>
    public static JsonObject ParseObject(string text, string source) =>
        JsonFields.Parse(text, source, Document) as JsonObject ?? throw new ConfigException([new ConfigError(source,
            "the top level is not a JSON object.", "write the configuration as { \"Model\": { ... }, ... }.")]);

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
                errors.Add(new ConfigError(prefix, "is not a configuration key.", JsonFields.KnownKeysHint(KeyNames(type), parts[i])));
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
        JsonFields.RejectUnknownKeys(obj, KeyNames(type), prefix, "a configuration key", errors);

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
            if (JsonFields.Int(node) is { } number)
            {
                return number;
            }

            errors.Add(new ConfigError(path, $"must be a whole number, not {JsonFields.Describe(node)}.", "write an integer such as 16."));
            return null;
        }

        if (type == typeof(bool))
        {
            if (JsonFields.Bool(node) is { } flag)
            {
                return flag;
            }

            errors.Add(new ConfigError(path, $"must be true or false, not {JsonFields.Describe(node)}.", "write true or false."));
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

            errors.Add(new ConfigError(path, $"must be one of {names}, not {JsonFields.Describe(node)}.", $"write one of {names}."));
            return null;
        }

        if (ListElement(type) is { } element)
        {
            if (node is not JsonArray array)
            {
                errors.Add(new ConfigError(path, $"must be an array (a list of {{ ... }} entries), not {JsonFields.Describe(node)}.",
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

        errors.Add(new ConfigError(path, $"must be an object (a section), not {JsonFields.Describe(node)}.",
            $"write {{ {string.Join(", ", SettableProperties(type).Select(p => $"\"{p.Name}\": ..."))} }}."));
        return null;
    }

    private static List<string> KeyNames(Type type) => [.. SettableProperties(type).Select(p => p.Name)];

    private static bool IsLeaf(Type type) => type == typeof(int) || type == typeof(bool) || type.IsEnum;

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken);

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
