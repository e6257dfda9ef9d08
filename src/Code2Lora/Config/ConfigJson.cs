using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Code2Lora.Config;

/// <summary>How config files read and write: snake_case keys (as the paper's Python code and Hugging Face configs), enums as
/// snake_case strings, computed properties left out. Keys starting with "_" are notes (<c>_source</c>, <c>_run</c>) and are
/// stripped before binding; any other key must name a field.</summary>
public static class ConfigJson
{
    /// <summary>Prefix of note keys: kept in the files for readers, ignored by the loader.</summary>
    public const string NotePrefix = "_";

    /// <summary>Options used to bind and to write configs.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            IgnoreReadOnlyProperties = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            // Computed properties (get-only, such as LoraConfig.SortedTargets) are views of other fields, not settings.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputed } },
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.MakeReadOnly();
        return o;
    }

    private static void DropComputed(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
            if (info.Properties[i].Set is null) info.Properties.RemoveAt(i);
    }
}
