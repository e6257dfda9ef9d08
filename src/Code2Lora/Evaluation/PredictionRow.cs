using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Code2Lora.Evaluation;

/// <summary>One task's prediction by one method, saved for error analysis (results/…/predictions/{method}/{split}.parquet).</summary>
public sealed class PredictionRow
{
    [JsonPropertyName("method")] public string Method { get; set; } = "";
    [JsonPropertyName("split")] public string Split { get; set; } = "";
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    /// <summary>Row of the task in its split's qna file.</summary>
    [JsonPropertyName("task_index")] public int TaskIndex { get; set; }
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    /// <summary>The prediction after the paper's post-processing (what EM compares).</summary>
    [JsonPropertyName("prediction")] public string Prediction { get; set; } = "";
    /// <summary>The decoded continuation before post-processing.</summary>
    [JsonPropertyName("raw_prediction")] public string RawPrediction { get; set; } = "";
    [JsonPropertyName("exact_match")] public bool ExactMatch { get; set; }
    [JsonPropertyName("edit_similarity")] public double EditSimilarity { get; set; }
    /// <summary>CodeBLEU of the prediction against the comment-stripped target (1 on an exact string match).</summary>
    [JsonPropertyName("code_bleu")] public double CodeBleu { get; set; }
    /// <summary>Prompt length in tokens (BOS, context and prefix after the cut).</summary>
    [JsonPropertyName("prompt_tokens")] public int PromptTokens { get; set; }
    /// <summary>Tokens a context method (RAG, DRC) added to the prompt; 0 for adapters.</summary>
    [JsonPropertyName("extra_tokens")] public int ExtraTokens { get; set; }
    /// <summary>The prompt was cut on the left to fit the input budget.</summary>
    [JsonPropertyName("truncated")] public bool Truncated { get; set; }
    /// <summary>Target NLL, nats per token (the target's tokens and EOS, teacher-forced after this prompt); null where it is not
    /// defined (the trivial baselines). Cached beside the predictions in &lt;split&gt;.nll.parquet with its own fingerprint, so
    /// predictions decoded before it existed are reused and only the loss is computed.</summary>
    [ParquetIgnore, JsonPropertyName("target_nll")] public double? TargetNll { get; set; }

    /// <summary>A copy at another position (task index, split, method), the prediction and its scores unchanged.</summary>
    public PredictionRow With(int taskIndex, string split, string method) => new()
    {
        Method = method, Split = split, RepoId = RepoId, TaskIndex = taskIndex, Target = Target, Prediction = Prediction,
        RawPrediction = RawPrediction, ExactMatch = ExactMatch, EditSimilarity = EditSimilarity, CodeBleu = CodeBleu, PromptTokens = PromptTokens,
        ExtraTokens = ExtraTokens, Truncated = Truncated, TargetNll = TargetNll,
    };

    /// <summary>Whether two methods' rows of a split, each in task order, score the same tasks, so they can be paired row by row.</summary>
    public static bool SameTasks(IReadOnlyList<PredictionRow> a, IReadOnlyList<PredictionRow> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.TaskIndex == p.Second.TaskIndex && p.First.RepoId == p.Second.RepoId);
}
