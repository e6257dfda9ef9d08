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

    /// <summary>Writes a JSON result unless it equals the file on disk apart from <see cref="RunKeys"/>; records the run in the sidecar.
    /// Returns whether the file was (re)written.</summary>
    public static bool WriteJson(string path, string json, Provenance run) => Write(path, json, StableJson, run);

    /// <summary>Writes a Markdown result unless it equals the file on disk apart from its command and commit mentions; records the run.</summary>
    public static bool WriteMarkdown(string path, string markdown, Provenance run) => Write(path, markdown, text => MarkdownRunFacts().Replace(text, ""), run);

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

    /// <summary>The JSON with every <see cref="RunKeys"/> entry removed, compact.</summary>
    public static string StableJson(string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException) { return json; }
        Strip(node);
        return node?.ToJsonString() ?? "";
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).Where(RunKeys.Contains).ToList()) o.Remove(key);
                foreach (var (_, child) in o) Strip(child);
                break;
            case JsonArray a:
                foreach (var child in a) Strip(child);
                break;
        }
    }
}
