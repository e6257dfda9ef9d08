using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Config;

/// <summary>One <c>--set path.to.field=value</c>: a dotted snake_case key and a JSON value (bare text for string fields).</summary>
public sealed record ConfigOverride(string Key, string Value)
{
    /// <summary>Where override errors point, in place of a file name.</summary>
    public const string Source = "--set";

    /// <summary>Parses <c>key=value</c>.</summary>
    public static ConfigOverride Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ConfigException(Source, text, "is not key=value", "write e.g. --set static_training.learning_rate=5e-4");
        return new ConfigOverride(text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    /// <summary>Writes the value into <paramref name="root"/> after checking the key against <paramref name="type"/>.</summary>
    public void ApplyTo(JsonObject root, Type type)
    {
        var parts = Key.Split('.');
        if (parts.Any(p => p.Length == 0)) throw new ConfigException(Source, Key, "has an empty part", "write keys as a.b.c");
        var fieldType = ConfigSchema.FieldType(type, parts, Source);
        JsonNode parent = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var next = parent is JsonArray arr ? arr[int.Parse(parts[i])] : parent[parts[i]];
            if (next is null)
            {
                if (parent is JsonArray) throw new ConfigException(Source, string.Join('.', parts.Take(i + 1)), "index is past the end of the list", "set the whole list instead");
                next = new JsonObject();
                parent[parts[i]] = next;
            }
            parent = next;
        }
        var node = ParseValue(fieldType);
        if (parent is JsonArray list)
        {
            int index = int.Parse(parts[^1]);
            if (index >= list.Count) throw new ConfigException(Source, Key, "index is past the end of the list", "set the whole list instead");
            list[index] = node;
        }
        else parent[parts[^1]] = node;
    }

    /// <summary>JSON text as JSON; bare text as a string where the field takes text (so <c>--set device=cuda:0</c> needs no quotes).</summary>
    private JsonNode? ParseValue(Type fieldType)
    {
        var t = Nullable.GetUnderlyingType(fieldType) ?? fieldType;
        bool textual = t == typeof(string) || t.IsEnum || t == typeof(DateTimeOffset) || t == typeof(DateTime);
        if (textual && !(Value.StartsWith('"') || Value == "null")) return JsonValue.Create(Value);
        try { return JsonNode.Parse(Value); }
        catch (JsonException)
        {
            throw new ConfigException(Source, Key, $"'{Value}' is not {ConfigSchema.Describe(fieldType)}", "give a JSON value (numbers bare, strings in quotes, lists as [..])");
        }
    }
}
