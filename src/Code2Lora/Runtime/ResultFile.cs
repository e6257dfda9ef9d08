using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Code2Lora.Runtime;

/// <summary>Writes committed result files (tables, summaries) so that a re-run whose numbers equal the committed ones leaves them
/// untouched: what changes on every run — when, on which machine, from which commit, with which command — is compared out, and
/// this run's record goes to the untracked sidecar <c>&lt;name&gt;.run.json</c> beside the file (git-ignored).</summary>
/// <remarks>A committed file keeps the provenance of the run that produced its numbers; the sidecar says whether the latest run
/// reproduced them. A file whose numbers changed is rewritten in full, provenance included.</remarks>
public static partial class ResultFile
{
    /// <summary>JSON keys that describe a run rather than its results, at any depth.</summary>
    private static readonly HashSet<string> RunKeys = ["provenance", "command", "git_sha", "created_utc", "machine", "load_average"];

    [GeneratedRegex(@"Command: `[^`]*`|[Cc]ode:? `[^`]*`|\bgit (?:[0-9a-f]{7,40}(?:\+dirty)?|unknown|unborn)\b")]
    private static partial Regex MarkdownRunFacts();

    /// <summary>Writes a JSON result unless it equals the file on disk apart from <see cref="RunKeys"/> and the
    /// <paramref name="measured"/> keys (at any depth: what this run measured of itself, e.g. each repository's mining seconds and
    /// peak RSS, which no two runs share); records the run in the sidecar. Returns whether the file was (re)written.</summary>
    public static bool WriteJson(string path, string json, Provenance run, params string[] measured) =>
        Write(path, json, text => StableJson(text, measured), run);

    /// <summary>Writes a Markdown result unless it equals the file on disk apart from its command and commit mentions and the
    /// <paramref name="measuredColumns"/> of its tables (columns a run measures of itself); records the run.</summary>
    public static bool WriteMarkdown(string path, string markdown, Provenance run, params string[] measuredColumns) =>
        Write(path, markdown, text => WithoutColumns(MarkdownRunFacts().Replace(text, ""), measuredColumns), run);

    /// <summary>The sidecar of <paramref name="path"/>: summary.json and summary.md share summary.run.json.</summary>
    public static string SidecarPath(string path) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + ".run.json");

    private static bool Write(string path, string text, Func<string, string> stable, Provenance run)
    {
        var changed = !File.Exists(path) || stable(File.ReadAllText(path)) != stable(text);
        if (changed) AtomicFile.WriteText(path, text);
        RecordRun(path, changed, run);
        return changed;
    }

    /// <summary>Adds <paramref name="path"/>'s outcome to its sidecar (this run's provenance and load; which files it changed).</summary>
    private static void RecordRun(string path, bool changed, Provenance run)
    {
        var sidecar = SidecarPath(path);
        JsonObject files = [];
        try
        {
            if (File.Exists(sidecar) && JsonNode.Parse(File.ReadAllText(sidecar)) is JsonObject old && old["files"] is JsonObject f
                && old["provenance"]?["created_utc"]?.GetValue<DateTime>() == run.CreatedUtc)
                files = (JsonObject)f.DeepClone();                                         // the same run's other file
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { /* a damaged sidecar is rewritten */ }
        files[Path.GetFileName(path)] = changed ? "written: its results changed" : "kept: same results as the file on disk";
        var record = new JsonObject
        {
            ["provenance"] = JsonSerializer.SerializeToNode(run, Provenance.Json),
            ["load_average"] = MachineLoad.Now(),
            ["files"] = files,
        };
        AtomicFile.WriteText(sidecar, record.ToJsonString(Provenance.Json));
    }

    /// <summary>The JSON with every <see cref="RunKeys"/> entry and every <paramref name="measured"/> key removed, compact.</summary>
    public static string StableJson(string json, params string[] measured)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException) { return json; }
        Strip(node, [.. RunKeys, .. measured]);
        return node?.ToJsonString() ?? "";
    }

    /// <summary>The Markdown with the named columns cut out of every table whose header row has them.</summary>
    public static string WithoutColumns(string markdown, IReadOnlyCollection<string> columns)
    {
        if (columns.Count == 0) return markdown;
        var lines = markdown.Split('\n');
        int[]? drop = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|')) { drop = null; continue; }
            var cells = lines[i].Trim().Trim('|').Split('|');
            if (drop is null)
            {
                drop = cells.Select((c, j) => (c.Trim(), j)).Where(c => columns.Contains(c.Item1)).Select(c => c.j).ToArray();   // a header row
                if (drop.Length == 0) continue;
            }
            lines[i] = "|" + string.Join("|", cells.Where((_, j) => !drop.Contains(j))) + "|";
        }
        return string.Join('\n', lines);
    }

    private static void Strip(JsonNode? node, HashSet<string> keys)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).Where(keys.Contains).ToList()) o.Remove(key);
                foreach (var (_, child) in o) Strip(child, keys);
                break;
            case JsonArray a:
                foreach (var child in a) Strip(child, keys);
                break;
        }
    }
}
