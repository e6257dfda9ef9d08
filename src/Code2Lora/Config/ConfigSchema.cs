using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Code2Lora.Config;

/// <summary>Checks a config's JSON against the typed record it binds to, before binding: every key must name a field, every
/// value must have the field's kind. The errors name the dotted key and the nearest known key, which the serializer's own
/// messages ("could not be mapped to any .NET member") do not.</summary>
internal static class ConfigSchema
{
    /// <summary>Removes note keys (<c>_…</c>) at every depth and returns them by dotted path.</summary>
    public static Dictionary<string, string> StripNotes(JsonNode? node, string path = "")
    {
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(kv => kv.Key).ToList())
            {
                var child = Join(path, key);
                if (key.StartsWith(ConfigJson.NotePrefix, StringComparison.Ordinal))
                {
                    notes[child] = obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : obj[key]?.ToJsonString() ?? "";
                    obj.Remove(key);
                }
                else foreach (var kv in StripNotes(obj[key], child)) notes[kv.Key] = kv.Value;
            }
        }
        else if (node is JsonArray arr)
            for (int i = 0; i < arr.Count; i++) foreach (var kv in StripNotes(arr[i], Join(path, i.ToString()))) notes[kv.Key] = kv.Value;
        return notes;
    }

    /// <summary>Throws <see cref="ConfigException"/> for the first key or value that does not fit <paramref name="type"/>.</summary>
    public static void Check(JsonNode? node, Type type, string source, string path = "")
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (node is null)
        {
            if (Nullable.GetUnderlyingType(type) is null && type.IsValueType)
                throw new ConfigException(source, path, $"null is not a {Describe(target)}", "give a value or remove the key to keep the default");
            return;
        }
        var info = ConfigJson.Options.GetTypeInfo(target);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var prop = Property(info, key) ?? throw Unknown(source, path, key, info);
                    Check(child, prop.PropertyType, source, Join(path, key));
                }
                return;
            case JsonTypeInfoKind.Enumerable when node is JsonArray arr:
                var element = info.ElementType ?? typeof(object);
                for (int i = 0; i < arr.Count; i++) Check(arr[i], element, source, Join(path, i.ToString()));
                return;
            case JsonTypeInfoKind.Dictionary when node is JsonObject:
                return;
            case JsonTypeInfoKind.None when node is JsonValue value:
                CheckScalar(value, target, source, path);
                return;
            default:
                throw new ConfigException(source, path, $"expected {Describe(target)}, got {Kind(node)}", "fix the value's type");
        }
    }

    /// <summary>The field a dotted key names, or an error naming the first unknown part; used for <c>--set</c>.</summary>
    public static Type FieldType(Type root, IReadOnlyList<string> parts, string source)
    {
        var type = root;
        for (int i = 0; i < parts.Count; i++)
        {
            var target = Nullable.GetUnderlyingType(type) ?? type;
            var info = ConfigJson.Options.GetTypeInfo(target);
            var path = string.Join('.', parts.Take(i));
            if (info.Kind == JsonTypeInfoKind.Object)
                type = (Property(info, parts[i]) ?? throw Unknown(source, path, parts[i], info)).PropertyType;
            else if (info.Kind == JsonTypeInfoKind.Enumerable && int.TryParse(parts[i], out _))
                type = info.ElementType ?? typeof(object);
            else
                throw new ConfigException(source, path, $"is {Describe(target)} and has no field '{parts[i]}'", "set the whole value instead");
        }
        return type;
    }

    /// <summary>A readable name of a value type ("a number", "true or false", "one of fp32, bf16" …).</summary>
    public static string Describe(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a string";
        if (t.IsEnum) return "one of " + string.Join(", ", EnumNames(t));
        if (t == typeof(int) || t == typeof(long)) return "a whole number";
        if (t == typeof(double) || t == typeof(float)) return "a number";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return "an ISO 8601 date string";
        var kind = ConfigJson.Options.GetTypeInfo(t).Kind;
        return kind switch { JsonTypeInfoKind.Enumerable => "a list", JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object", _ => t.Name };
    }

    private static void CheckScalar(JsonValue value, Type t, string source, string path)
    {
        var kind = value.GetValueKind();
        bool ok = kind switch
        {
            JsonValueKind.Number => t == typeof(double) || t == typeof(float) || (IsInteger(t) && IsWhole(value)),
            JsonValueKind.True or JsonValueKind.False => t == typeof(bool),
            JsonValueKind.String => t == typeof(string) || t == typeof(DateTimeOffset) || t == typeof(DateTime)
                                    || (t.IsEnum && EnumNames(t).Contains(value.GetValue<string>()))
                                    || ((t == typeof(double) || t == typeof(float)) && value.GetValue<string>() is "NaN" or "Infinity" or "-Infinity"),
            _ => false,
        };
        if (!ok) throw new ConfigException(source, path, $"expected {Describe(t)}, got {value.ToJsonString()}", "fix the value");
    }

    private static bool IsInteger(Type t) => t == typeof(int) || t == typeof(long);
    private static bool IsWhole(JsonValue v) => v.TryGetValue<long>(out _);

    private static IReadOnlyList<string> EnumNames(Type t) => Enum.GetNames(t).Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)).ToList();

    private static string Kind(JsonNode node) => node switch
    {
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.ToJsonString(),
    };

    private static JsonPropertyInfo? Property(JsonTypeInfo info, string key) =>
        info.Properties.FirstOrDefault(p => p.Name == key && p.Set is not null);

    private static ConfigException Unknown(string source, string path, string key, JsonTypeInfo info)
    {
        var known = info.Properties.Where(p => p.Set is not null).Select(p => p.Name).ToList();
        var nearest = known.OrderBy(k => Distance(k, key)).FirstOrDefault();
        var hint = nearest is not null && Distance(nearest, key) <= Math.Max(2, key.Length / 3) ? $"did you mean '{nearest}'? " : "";
        return new ConfigException(source, Join(path, key), "unknown key", $"{hint}known keys here: {string.Join(", ", known)}");
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
