using System.Diagnostics;
using System.Text.Json.Serialization;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>How fast saved predictions are scored with CodeBLEU: every row of the given predictions files, first cold (each
/// distinct string parsed once), then again warm (the per-string cache serving every parse). <c>LoadAverage</c> is the
/// 1-minute load when the run ended; other processes on a shared CPU inflate the seconds.</summary>
public sealed record CodeBleuSpeedResult(
    [property: JsonPropertyName("files")] int Files, [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("distinct_pairs")] int DistinctPairs, [property: JsonPropertyName("cold_seconds")] double ColdSeconds,
    [property: JsonPropertyName("cold_tasks_per_s")] double ColdTasksPerS, [property: JsonPropertyName("warm_seconds")] double WarmSeconds,
    [property: JsonPropertyName("mean_code_bleu")] double MeanCodeBleu, [property: JsonPropertyName("exact_share")] double ExactShare,
    [property: JsonPropertyName("load_average")] double? LoadAverage, [property: JsonPropertyName("provenance")] Provenance Provenance);

/// <summary>Measures <see cref="CodeBleuSpeedResult"/> on predictions Parquet files (results/…/predictions/&lt;method&gt;/&lt;split&gt;.parquet).</summary>
public static class CodeBleuSpeed
{
    /// <summary>Scores every row of <paramref name="files"/> twice on one thread and times both passes.</summary>
    public static async Task<CodeBleuSpeedResult> MeasureAsync(IReadOnlyList<string> files, string command)
    {
        var pairs = new List<(string Prediction, string Reference)>();
        foreach (var file in files)
        {
            foreach (var row in await ParquetTable.ReadAsync<PredictionRow>(file)) pairs.Add((row.Prediction, Metrics.StripComment(row.Target)));
        }
        if (pairs.Count == 0) throw new InvalidOperationException($"no predictions in {files.Count} file(s); run an evaluation first (c2l reproduce --preset tiny)");
        Metrics.CodeBleu("x = 1", "y = 2"); // load tree-sitter and JIT the path outside the timed passes
        var cold = Stopwatch.StartNew();
        var scores = pairs.Select(p => Metrics.CodeBleu(p.Prediction, p.Reference)).ToArray();
        cold.Stop();
        var warm = Stopwatch.StartNew();
        foreach (var (prediction, reference) in pairs) Metrics.CodeBleu(prediction, reference);
        warm.Stop();
        return new CodeBleuSpeedResult(files.Count, pairs.Count, pairs.Distinct().Count(), cold.Elapsed.TotalSeconds, pairs.Count / cold.Elapsed.TotalSeconds,
            warm.Elapsed.TotalSeconds, scores.Average(), scores.Count(s => s == 1) / (double)scores.Length, EvoUpdateSpeed.LoadAverage(), Provenance.Capture(command));
    }
}
