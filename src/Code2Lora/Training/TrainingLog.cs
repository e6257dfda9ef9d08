using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code2Lora.Training;

/// <summary>One row of a run's metrics log: a training step, or an evaluation (then <see cref="Metrics"/> is set).</summary>
public sealed record TrainingLogRow
{
    /// <summary>Optimizer steps completed when the row was written.</summary>
    public required int Step { get; init; }
    /// <summary>"train" or "eval".</summary>
    public required string Kind { get; init; }
    /// <summary>Mean training loss of the step (train rows).</summary>
    public double? Loss { get; init; }
    /// <summary>Learning rate the step used.</summary>
    public double? LearningRate { get; init; }
    /// <summary>Global gradient norm before clipping.</summary>
    public double? GradNorm { get; init; }
    /// <summary>Target tokens seen since the start of the run.</summary>
    public long TokensSeen { get; init; }
    /// <summary>Wall-clock seconds of training since the start of the run (resumes add up).</summary>
    public double Seconds { get; init; }
    /// <summary>Resident memory of the process in MiB (flat over steps means no native-memory creep).</summary>
    [JsonPropertyName("rss_mib")]
    public double RssMiB { get; init; }
    /// <summary>Evaluation metrics (eval rows).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}

/// <summary>The metrics log of a run as JSON lines (readable while the run goes, by `tail -f` or a notebook).</summary>
public sealed class TrainingLog
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates) the log at <paramref name="path"/>.</summary>
    public TrainingLog(string path) => Path = path;

    /// <summary>Appends one row and flushes it, so a killed run loses at most the row being written.</summary>
    public void Append(TrainingLogRow row)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        File.AppendAllText(Path, JsonSerializer.Serialize(row, Options) + "\n");
    }

    /// <summary>Drops rows written after <paramref name="step"/> (a resume replays those steps) and any torn last line.</summary>
    public void TruncateAfter(int step)
    {
        if (!File.Exists(Path)) return;
        var kept = Read(Path).Where(r => r.Step <= step).Select(r => JsonSerializer.Serialize(r, Options) + "\n");
        Runtime.AtomicFile.WriteText(Path, string.Concat(kept));
    }

    /// <summary>Reads every complete row of a log file (a torn last line from a kill is skipped).</summary>
    public static List<TrainingLogRow> Read(string path)
    {
        var rows = new List<TrainingLogRow>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try { rows.Add(JsonSerializer.Deserialize<TrainingLogRow>(line, Options)!); }
            catch (JsonException) { /* a line cut by a kill: the resume replays that step */ }
        }
        return rows;
    }
}
