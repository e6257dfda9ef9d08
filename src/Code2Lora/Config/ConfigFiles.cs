using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Config;

/// <summary>Reads experiment configs: <c>configs/&lt;kind&gt;/&lt;name&gt;.json</c> by preset name, or any file by path, then
/// <c>--set</c> overrides, a schema check, binding to the typed record and range checks. The checkout's <c>configs/</c>
/// folder wins over the copy embedded in the library (so an edited file takes effect; outside a checkout the shipped files still load).</summary>
public static class ConfigFiles
{
    /// <summary>The kinds of config file, one folder each.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["bench", "static", "evo", "pretrain", "conditioning"];   // Records' keys, in pipeline order

    private const string ResourcePrefix = "configs/";

    /// <summary>The checkout's configs/ folder, or null outside a checkout.</summary>
    public static string? Folder => RepoPaths.TryRoot is { } root && Directory.Exists(Path.Combine(root, "configs")) ? Path.Combine(root, "configs") : null;

    /// <summary>Loads a config of <paramref name="kind"/> from a preset name or a file path, with overrides applied.</summary>
    /// <param name="kind">bench, static, evo, pretrain or conditioning.</param>
    /// <param name="selector">A preset name (<c>tiny</c>) or a path to a JSON file.</param>
    /// <param name="overrides"><c>key=value</c> texts, applied in order.</param>
    /// <param name="relativeTo">Folder that relative paths in <paramref name="selector"/> start from (default: the current directory).</param>
    public static LoadedConfig<T> Load<T>(string kind, string selector, IEnumerable<string>? overrides = null, string? relativeTo = null)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"no config kind '{kind}' ({string.Join(", ", Kinds)}).");
        var (source, text) = Read(kind, selector, relativeTo);
        JsonNode? node;
        try { node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            throw new ConfigException(source, "", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)})", "fix the syntax");
        }
        if (node is not JsonObject root) throw new ConfigException(source, "", "must hold one JSON object", "wrap the settings in { … }");
        var notes = ConfigSchema.StripNotes(root);
        ConfigSchema.Check(root, typeof(T), source);
        var plain = Bind<T>(root, source);
        var sets = (overrides ?? []).Select(ConfigOverride.Parse).ToList();
        var value = sets.Count == 0 ? plain : Apply<T>(root, sets);
        ConfigValidation.Check(value, sets.Count > 0 ? $"{source} with --set" : source);

        // A run whose overrides change the resolved config gets its own name (and so its own run and results folders), keyed by
        // the resolved config: re-running the same overrides resumes it, and no other run's outputs are overwritten.
        var json = Canonical(value);
        if (sets.Count > 0 && !sets.Any(s => s.Key == "name") && Identity(json) != Identity(Canonical(plain)))
        {
            var named = JsonNode.Parse(json)!.AsObject();
            named["name"] = $"{named["name"]!.GetValue<string>()}-{Sha256(Identity(json))[..8]}";
            value = Bind<T>(named, ConfigOverride.Source);
            json = Canonical(value);
        }
        var folder = IsPath(selector) ? Path.GetDirectoryName(Path.GetFullPath(selector, relativeTo ?? Environment.CurrentDirectory)) : null;
        return new LoadedConfig<T>(value, kind, source, folder, sets.Select(s => $"{s.Key}={s.Value}").ToList(), notes, json, Sha256(json));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, string, string), object> Presets = new();

    /// <summary>A shipped preset of <paramref name="kind"/> by name, loaded once per process (the typed view of configs/&lt;kind&gt;/&lt;name&gt;.json).</summary>
    public static T Preset<T>(string kind, string name) =>
        (T)Presets.GetOrAdd((typeof(T), kind, name.Trim().ToLowerInvariant()), key => Load<T>(key.Item2, key.Item3).Value!);

    /// <summary>A copy of <paramref name="value"/> with <c>key=value</c> overrides applied and checked, keeping its name.</summary>
    public static T With<T>(T value, IEnumerable<string> overrides)
    {
        var result = Apply<T>(JsonNode.Parse(Canonical(value))!.AsObject(), overrides.Select(ConfigOverride.Parse).ToList());
        ConfigValidation.Check(result, ConfigOverride.Source);
        return result;
    }

    /// <summary>The record types of the config kinds.</summary>
    public static IReadOnlyDictionary<string, Type> Records { get; } = new Dictionary<string, Type>
    {
        ["bench"] = typeof(Preset), ["static"] = typeof(Experiments.StaticExperimentConfig), ["evo"] = typeof(Experiments.EvoExperimentConfig),
        ["pretrain"] = typeof(Training.Pretrain.PretrainConfig), ["conditioning"] = typeof(Experiments.ConditioningStudyConfig),
    };

    /// <summary><see cref="Load{T}"/> for a kind known only at run time (<c>c2l config show KIND</c>), with the value boxed.</summary>
    public static LoadedConfig<object> LoadBoxed(string kind, string selector, IEnumerable<string>? overrides = null)
    {
        var type = Records.TryGetValue(kind, out var t) ? t : throw new ArgumentException($"no config kind '{kind}' ({string.Join(", ", Kinds)}).");
        var load = typeof(ConfigFiles).GetMethod(nameof(LoadAs), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(type);
        try { return (LoadedConfig<object>)load.Invoke(null, [kind, selector, overrides])!; }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static LoadedConfig<object> LoadAs<T>(string kind, string selector, IEnumerable<string>? overrides)
    {
        var c = Load<T>(kind, selector, overrides);
        return new(c.Value!, c.Kind, c.Source, c.Folder, c.Overrides, c.Notes, c.Json, c.Sha256);
    }

    /// <summary>Applies overrides to a config's JSON, then checks and binds the result.</summary>
    private static T Apply<T>(JsonObject root, IReadOnlyList<ConfigOverride> sets)
    {
        foreach (var set in sets) set.ApplyTo(root, typeof(T));
        ConfigSchema.Check(root, typeof(T), ConfigOverride.Source);
        return Bind<T>(root, ConfigOverride.Source);
    }

    /// <summary>Preset names of a kind: the files of <c>configs/&lt;kind&gt;/</c> (checkout or embedded).</summary>
    public static IReadOnlyList<string> Available(string kind)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (Folder is { } folder && Directory.Exists(Path.Combine(folder, kind)))
            foreach (var f in Directory.EnumerateFiles(Path.Combine(folder, kind), "*.json")) names.Add(Path.GetFileNameWithoutExtension(f));
        foreach (var r in typeof(ConfigFiles).Assembly.GetManifestResourceNames())
            if (r.StartsWith($"{ResourcePrefix}{kind}/", StringComparison.Ordinal) && r.EndsWith(".json", StringComparison.Ordinal))
                names.Add(Path.GetFileNameWithoutExtension(r));
        return names.ToList();
    }

    /// <summary>True when <paramref name="selector"/> is a path rather than a preset name.</summary>
    public static bool IsPath(string selector) =>
        selector.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || selector.Contains('/') || selector.Contains(Path.DirectorySeparatorChar);

    /// <summary>The config serialised as the loader sees it: every field, defaults included, notes dropped.</summary>
    public static string Canonical<T>(T value) => JsonSerializer.Serialize(value, ConfigJson.Options);

    private static (string Source, string Text) Read(string kind, string selector, string? relativeTo)
    {
        if (string.IsNullOrWhiteSpace(selector))
            throw new ConfigException("--config", "", "is empty", $"give a preset name ({string.Join(", ", Available(kind))}) or a config file");
        if (IsPath(selector))
        {
            var path = Path.GetFullPath(selector, relativeTo ?? Environment.CurrentDirectory);
            if (!File.Exists(path)) throw new ConfigException(Display(path), "", "no such config file", $"check the path; shipped configs are in configs/{kind}/");
            return (Display(path), ReadText(path));
        }
        var name = selector.Trim().ToLowerInvariant();
        if (Folder is { } folder && File.Exists(Path.Combine(folder, kind, name + ".json")))
        {
            var path = Path.Combine(folder, kind, name + ".json");
            return (Display(path), ReadText(path));
        }
        using var stream = typeof(ConfigFiles).Assembly.GetManifestResourceStream($"{ResourcePrefix}{kind}/{name}.json");
        if (stream is null)
            throw new ConfigException($"configs/{kind}/{name}.json", "", $"no {kind} preset '{selector}'",
                $"known presets: {string.Join(", ", Available(kind))}; or pass --config FILE");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ($"configs/{kind}/{name}.json", reader.ReadToEnd());
    }

    private static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new ConfigException(Display(path), "", "is not UTF-8 text", "save the file as UTF-8 JSON"); }
    }

    private static T Bind<T>(JsonObject root, string source)
    {
        try { return root.Deserialize<T>(ConfigJson.Options) ?? throw new ConfigException(source, "", "is null", "give an object"); }
        catch (JsonException e)
        {
            var key = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            throw new ConfigException(source, key, FirstSentence(e.Message), "fix the value (see the shipped configs for examples)");
        }
    }

    /// <summary>Keys that do not decide a run's numbers' identity: its name, and the device it runs on.</summary>
    private static readonly string[] NotIdentity = ["name", "device"];

    /// <summary>Hash of a resolved config without the keys that do not decide its numbers (<see cref="NotIdentity"/>): two
    /// configs that train and score alike share it, whatever their names (a sweep keys its run folders by it).</summary>
    internal static string IdentitySha256(string json) => Sha256(Identity(json));

    private static string Identity(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        foreach (var key in NotIdentity) o.Remove(key);
        return o.ToJsonString();
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    private static string Display(string path) => RepoPaths.Relative(path);
    private static string FirstSentence(string message) { int i = message.IndexOf(". ", StringComparison.Ordinal); return (i < 0 ? message : message[..i]).TrimEnd('.'); }
}

/// <summary>A config as loaded: the typed value, where it came from, the overrides and the resolved JSON with its hash.</summary>
/// <param name="Value">The typed record.</param>
/// <param name="Kind">bench, static, evo, pretrain or conditioning.</param>
/// <param name="Source">The file it was read from (relative to the checkout when inside it).</param>
/// <param name="Folder">The folder of that file, where relative links (<c>"bench": "../bench/mine.json"</c>) start; null for a preset name.</param>
/// <param name="Overrides">The <c>--set</c> overrides applied, in order.</param>
/// <param name="Notes">The file's <c>_…</c> notes by dotted key (<c>_source</c>: which of the paper's text or code a value follows).</param>
/// <param name="Json">The resolved config: every field, defaults included.</param>
/// <param name="Sha256">Hash of <paramref name="Json"/>.</param>
public sealed record LoadedConfig<T>(T Value, string Kind, string Source, string? Folder, IReadOnlyList<string> Overrides,
    IReadOnlyDictionary<string, string> Notes, string Json, string Sha256)
{
    /// <summary>What provenance records of this config.</summary>
    public ConfigStamp Stamp => new(Kind, Source, Overrides, Sha256);

    /// <summary>Loads a config this one names (a preset name, or a path relative to this file's folder), without overrides.</summary>
    public LoadedConfig<TLinked> Linked<TLinked>(string kind, string selector) => ConfigFiles.Load<TLinked>(kind, selector, relativeTo: Folder);

    /// <summary>Writes the resolved config as <c>&lt;kind&gt;.config.json</c> into <paramref name="directory"/> (beside a run's outputs).</summary>
    public string Save(string directory)
    {
        var path = Path.Combine(directory, $"{Kind}.config.json");
        var node = JsonNode.Parse(Json)!.AsObject();
        node.Insert(0, "_resolved_from", Source + string.Concat(Overrides.Select(o => " --set " + o)));
        Runtime.AtomicFile.WriteText(path, node.ToJsonString(ConfigJson.Options) + "\n");
        return path;
    }
}

/// <summary>A config in provenance: kind, file, overrides and the resolved config's hash.</summary>
public sealed record ConfigStamp(string Kind, string Source, IReadOnlyList<string> Overrides, string Sha256);
