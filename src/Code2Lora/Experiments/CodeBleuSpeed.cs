using System.Diagnostics;
using System.Text.Json;
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
    /// <summary>Scores every row of <paramref name="files"/> (plus <paramref name="extraPairs"/>) twice on one thread and times
    /// both passes; with <paramref name="dumpPath"/>, writes each distinct pair's CodeBLEU parts as JSON lines for
    /// scripts/reference/codebleu_check.py to compare with the Python package.</summary>
    public static async Task<CodeBleuSpeedResult> MeasureAsync(IReadOnlyList<string> files, string command,
        IReadOnlyList<(string Prediction, string Reference)>? extraPairs = null, string? dumpPath = null)
    {
        var pairs = new List<(string Prediction, string Reference)>();
        foreach (var file in files)
        {
            foreach (var row in await ParquetTable.ReadAsync<PredictionRow>(file)) pairs.Add((row.Prediction, Metrics.StripComment(row.Target)));
        }
        pairs.AddRange(extraPairs ?? []);
        if (pairs.Count == 0) throw new InvalidOperationException($"no predictions in {files.Count} file(s); run an evaluation first (c2l reproduce --preset tiny)");
        Metrics.CodeBleu("x = 1", "y = 2"); // load tree-sitter and JIT the path outside the timed passes
        var cold = Stopwatch.StartNew();
        var scores = pairs.Select(p => Metrics.CodeBleu(p.Prediction, p.Reference)).ToArray();
        cold.Stop();
        var warm = Stopwatch.StartNew();
        foreach (var (prediction, reference) in pairs) Metrics.CodeBleu(prediction, reference);
        warm.Stop();
        if (dumpPath is not null) WriteParts(dumpPath, pairs.Distinct());
        return new CodeBleuSpeedResult(files.Count, pairs.Count, pairs.Distinct().Count(), cold.Elapsed.TotalSeconds, pairs.Count / cold.Elapsed.TotalSeconds,
            warm.Elapsed.TotalSeconds, scores.Average(), scores.Count(s => s == 1) / (double)scores.Length, MachineLoad.OneMinute(), Provenance.Capture(command));
    }

    /// <summary>The package's own (prediction, reference) pairs file: a JSON list of {"prediction", "reference"}.</summary>
    public static IReadOnlyList<(string Prediction, string Reference)> ReadPairs(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("prediction").GetString() ?? "", e.GetProperty("reference").GetString() ?? "")).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: expected a JSON list of {{\"prediction\": …, \"reference\": …}} objects ({e.Message})", e);
        }
    }

    /// <summary>calc_codebleu's parts per pair (both sides non-blank; the authors' blank and exact-match rules are not applied).</summary>
    private static void WriteParts(string path, IEnumerable<(string Prediction, string Reference)> pairs)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(path);
        foreach (var (prediction, reference) in pairs)
        {
            if (prediction.Trim().Length == 0 || reference.Trim().Length == 0) continue;
            var s = CodeBleu.Compute(prediction, reference);
            writer.WriteLine(JsonSerializer.Serialize(new
            {
                prediction, reference, codebleu = s.Score, ngram_match_score = s.NgramMatch, weighted_ngram_match_score = s.WeightedNgramMatch,
                syntax_match_score = s.SyntaxMatch, dataflow_match_score = s.DataflowMatch,
            }));
        }
    }
}
