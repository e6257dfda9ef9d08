using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Runtime;

namespace Code2Lora.Bench.Released;

/// <summary>
/// The <c>released</c> section of an imported benchmark's manifest.json: per track, the dataset it came from, the folder it was
/// read from, the encoder id of its vectors and what each file gave. The experiments read <see cref="EncoderFor"/> to train and
/// evaluate on the released vectors instead of running the encoder.
/// </summary>
public static class ReleasedManifest
{
    /// <summary>The manifest file of a benchmark folder.</summary>
    public static string PathOf(string benchDir) => Path.Combine(benchDir, "manifest.json");

    /// <summary>The encoder id of the vectors imported for <paramref name="track"/> ("static" or "evolution"), or null when the benchmark
    /// was not imported (built by <c>c2l bench build</c>, or that track came from no released dataset).</summary>
    public static string? EncoderFor(string benchDir, string track) =>
        Read(benchDir)?["released"]?[track]?["encoder_id"]?.GetValue<string>();

    /// <summary>The dataset <paramref name="track"/> was imported from, or null.</summary>
    public static string? DatasetFor(string benchDir, string track) =>
        Read(benchDir)?["released"]?[track]?["dataset"]?.GetValue<string>();

    /// <summary>Refuses a target folder that holds a built (not imported) benchmark, or whose track came from another dataset.</summary>
    public static void CheckTarget(string benchDir, IReadOnlyList<ReleasedDataset> datasets)
    {
        var manifest = Read(benchDir);
        if (manifest is null) return;
        if (manifest["released"] is null)
            throw new InvalidOperationException($"{benchDir} holds a benchmark built by `c2l bench build`; import the released data into another folder (--to).");
        foreach (var d in datasets)
            foreach (var track in d.Tracks)
                if (DatasetFor(benchDir, track) is { } other && other != d.Name)
                    throw new InvalidOperationException($"{benchDir}: its {track} track was imported from {other}; import {d.Name} into another folder (--to), " +
                                                        "one released dataset per track.");
    }

    /// <summary>Records the import of <paramref name="summary"/>'s datasets, keeping what earlier imports recorded for other tracks.</summary>
    public static void Write(string benchDir, ReleasedImportSummary summary, string command)
    {
        var manifest = Read(benchDir) ?? new JsonObject();
        var released = manifest["released"] as JsonObject ?? new JsonObject();
        foreach (var d in summary.Datasets)
            foreach (var track in d.Tracks)
                released[track] = JsonSerializer.SerializeToNode(new
                {
                    dataset = d.Name,
                    source = Path.GetFullPath(d.Directory),
                    encoder_id = ReleasedVectors.EncoderFor(d.Kind),
                    files = summary.Files.Where(f => f.Dataset == d.Name),
                }, Provenance.Json);
        manifest["released"] = released;
        manifest["provenance"] = JsonSerializer.SerializeToNode(Provenance.Capture(command), Provenance.Json);
        manifest["notes"] = JsonSerializer.SerializeToNode(summary.Notes, Provenance.Json);
        AtomicFile.WriteText(PathOf(benchDir), manifest.ToJsonString(Provenance.Json));
    }

    private static JsonNode? Read(string benchDir)
    {
        var path = PathOf(benchDir);
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not valid JSON ({e.Message}); delete it or choose another folder.", e); }
    }
}
