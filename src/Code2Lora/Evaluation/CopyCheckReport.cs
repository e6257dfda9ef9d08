using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Runtime;

namespace Code2Lora.Evaluation;

/// <summary>One scored copy task, listed in the report so a reader can see what the model did with a target it could see.</summary>
public sealed record CopyExample(
    [property: JsonPropertyName("repo_id")] string RepoId,
    [property: JsonPropertyName("task_index")] int TaskIndex,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("prediction")] string Prediction,
    [property: JsonPropertyName("exact_match")] bool ExactMatch,
    [property: JsonPropertyName("edit_similarity")] double EditSimilarity,
    [property: JsonPropertyName("target_nll")] double? TargetNll);

/// <summary>The copy check on one split: how many tasks it has, how many are copyable, and the base model's scores on those
/// (EM in percent with its exact Clopper–Pearson 95 % interval; EditSim and target NLL, nats/token, with 95 % bootstrap intervals;
/// all null when no task is copyable).</summary>
public sealed record CopyCheckSplit(
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("copyable")] int Copyable,
    [property: JsonPropertyName("exact_match_hits")] int Hits,
    [property: JsonPropertyName("exact_match")] Estimate? ExactMatch,
    [property: JsonPropertyName("edit_similarity")] Estimate? EditSimilarity,
    [property: JsonPropertyName("target_nll")] Estimate? TargetNll,
    [property: JsonPropertyName("examples")] IReadOnlyList<CopyExample> Examples)
{
    /// <summary>The split's entry from its scored copyable tasks.</summary>
    public static CopyCheckSplit Of(string split, int tasks, IReadOnlyList<PredictionRow> rows, CopyCheckOptions options)
    {
        var score = rows.Count == 0 ? null : SplitScore.Of(split, rows, options.Seed);
        var examples = rows.Where(r => r.ExactMatch).Concat(rows.Where(r => !r.ExactMatch)).Take(options.Examples)
            .Select(r => new CopyExample(r.RepoId, r.TaskIndex, r.Target, r.Prediction, r.ExactMatch, Math.Round(r.EditSimilarity, 4),
                r.TargetNll is { } n && double.IsFinite(n) ? Math.Round(n, 4) : null))
            .ToList();
        return new CopyCheckSplit(split, tasks, rows.Count, rows.Count(r => r.ExactMatch), score?.ExactMatch, score?.EditSimilarity, score?.TargetNll, examples);
    }
}

/// <summary>copy-check.json: the base model's in-context copy check over a benchmark's evaluation splits, and the pooled row.</summary>
public sealed record CopyCheckReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("min_target_chars")] int MinTargetChars,
    [property: JsonPropertyName("max_input_tokens")] int MaxInputTokens,
    [property: JsonPropertyName("max_new_tokens")] int MaxNewTokens,
    [property: JsonPropertyName("splits")] IReadOnlyList<CopyCheckSplit> Splits,
    [property: JsonPropertyName("all")] CopyCheckSplit All)
{
    /// <summary>File name of the JSON report (the Markdown one has the same stem).</summary>
    public const string FileName = "copy-check.json";

    /// <summary>Where prompt and target met (<see cref="Bench.PromptBoundaries"/>; reports written before the setting existed used the paper's cut).</summary>
    [JsonPropertyName("prompt_boundary")] public Bench.PromptBoundary PromptBoundary { get; init; } = Bench.PromptBoundary.Paper;

    /// <summary>Heading of the copy check's section in a model card.</summary>
    public const string CardHeading = "## In-context copy check";

    /// <summary>Writes copy-check.json and copy-check.md into <paramref name="directory"/>; returns the JSON path.</summary>
    public string Write(string directory, Provenance provenance)
    {
        var json = Path.Combine(directory, FileName);
        var node = JsonSerializer.SerializeToNode(this, Provenance.Json)!.AsObject();
        node["provenance"] = JsonSerializer.SerializeToNode(provenance, Provenance.Json);
        ResultFile.WriteJson(json, node.ToJsonString(Provenance.Json), provenance);
        ResultFile.WriteMarkdown(Path.ChangeExtension(json, ".md"), Markdown(), provenance);
        return json;
    }

    /// <summary>The table of counts and scores (the model card's section), without the examples.</summary>
    public string CardSection()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(CardHeading);
        sb.AppendLine();
        sb.Append(inv, $"Benchmark tasks whose target (at least {MinTargetChars} characters) appears verbatim in the prompt the model decodes from ");
        sb.Append(inv, $"(prefix cut to {MaxInputTokens} tokens), completed greedily (at most {MaxNewTokens} new tokens). ");
        if (PromptBoundary == Bench.PromptBoundary.Healed)
            sb.Append("Prompt boundary healed: the prefix's trailing spaces are moved to the start of the target before tokenizing, so the prompt ")
              .Append("does not end in a lone space token (target NLL is per token of that tokenization; EM and EditSim compare with the benchmark's target). ");
        sb.AppendLine("A base model that cannot copy a target it can see scores 0 here. EM brackets are exact (Clopper–Pearson) 95 % intervals; "
                           + "EditSim and target NLL (nats/token) brackets are 95 % bootstrap intervals.");
        sb.AppendLine();
        sb.AppendLine("| split | tasks | copyable | EM hits | EM % | EditSim | target NLL |");
        sb.AppendLine("|---|---:|---:|---:|---|---|---|");
        foreach (var s in Splits.Append(All))
            sb.AppendLine(inv, $"| {s.Split} | {s.Tasks} | {s.Copyable} | {s.Hits} | {Fmt(s.ExactMatch, "F1")} | {Fmt(s.EditSimilarity, "F3")} | {Fmt(s.TargetNll, "F3")} |");
        return sb.ToString();
    }

    /// <summary>copy-check.md: the card section and each split's examples.</summary>
    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Copy check: {Model}");
        sb.AppendLine();
        sb.Append(CardSection().Replace(CardHeading, "## Scores", StringComparison.Ordinal));
        foreach (var s in Splits.Where(s => s.Examples.Count > 0))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"## Examples: {s.Split}");
            sb.AppendLine();
            sb.AppendLine("| repo | task | target | prediction | EM | EditSim |");
            sb.AppendLine("|---|---:|---|---|---|---:|");
            foreach (var e in s.Examples)
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {e.RepoId} | {e.TaskIndex} | {Cell(e.Target)} | {Cell(e.Prediction)} | {(e.ExactMatch ? "yes" : "no")} | {e.EditSimilarity:F3} |");
        }
        return sb.ToString();
    }

    private static string Fmt(Estimate? e, string format) => e is null || double.IsNaN(e.Mean) ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{e.Mean.ToString(format, CultureInfo.InvariantCulture)} [{e.Low.ToString(format, CultureInfo.InvariantCulture)}, {e.High.ToString(format, CultureInfo.InvariantCulture)}]");

    /// <summary>A table cell: code-formatted, one line, pipes escaped.</summary>
    private static string Cell(string text) => "`" + text.Replace("\n", "⏎", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal) + "`";
}
