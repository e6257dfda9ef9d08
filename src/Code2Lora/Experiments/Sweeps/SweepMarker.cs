using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>A run folder's finished marker (sweep-point.json), written after training and evaluation: the resolved config it ran,
/// the methods it trained with their summary rows and prediction folders, its seconds and provenance. A run with a marker that
/// covers the requested methods is skipped; any other run (re)starts, resuming its trainings from their checkpoints.</summary>
public sealed record SweepMarker(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("methods")] IReadOnlyDictionary<string, SweepMethodResult> Methods,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("config")] JsonObject Config,
    [property: JsonPropertyName("provenance")] Provenance Provenance)
{
    /// <summary>The marker's file name in a run folder.</summary>
    public const string FileName = "sweep-point.json";

    /// <summary>The marker of <paramref name="run"/>, or null when it has not finished (or its marker cannot be read).</summary>
    public static SweepMarker? Read(SweepRun run) => Read(run.MarkerFile);

    /// <summary>The marker in <paramref name="path"/>, or null when there is none or it is unreadable (then the run is redone).</summary>
    public static SweepMarker? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SweepMarker>(File.ReadAllText(path), Provenance.Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>True when this marker's run trained and scored every one of <paramref name="methods"/>.</summary>
    public bool Covers(IEnumerable<string> methods) => methods.All(Methods.ContainsKey);

    /// <summary>Writes the marker atomically into <paramref name="run"/>'s folder (last: its presence means finished).</summary>
    public void Write(SweepRun run) => AtomicFile.WriteText(run.MarkerFile, JsonSerializer.Serialize(this, Provenance.Json));
}

/// <summary>One trained method of a finished run: its summary row (CR-test and IR-test metrics) and where its per-task predictions are.</summary>
/// <param name="Summary">The method's row of the evaluation's summary.json.</param>
/// <param name="Predictions">Its predictions folder (&lt;split&gt;.parquet, &lt;split&gt;.nll.parquet), relative to the run folder.</param>
public sealed record SweepMethodResult(
    [property: JsonPropertyName("summary")] MethodSummary Summary,
    [property: JsonPropertyName("predictions")] string Predictions);
