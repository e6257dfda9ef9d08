using Code2Lora.Bench;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation;

/// <summary>How a method prepares the model for a batch of tasks (install generated adapters, merge a repository's
/// LoRA…) and what context, if any, it puts before each prefix.</summary>
public interface ICompletionMethod
{
    /// <summary>Name in results (pretrained, rag, single-lora, code2lora-static, …).</summary>
    string Name { get; }

    /// <summary>Context text to prepend to the task's prefix (RAG, DRC), or null.</summary>
    string? ContextFor(QnaRow task);

    /// <summary>Called before each decoded batch with the batch's tasks in row order.</summary>
    void BeforeBatch(IReadOnlyList<QnaRow> tasks);
}

/// <summary>Runs a method over benchmark splits with the shared decoder and scoring, keeping every prediction.</summary>
public static class MethodEvaluator
{
    /// <summary>Completes and scores every task of each split; returns the prediction rows per split, in task order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Run(ICompletionMethod method, DecoderLM model, ITextTokenizer tokenizer,
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings, IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        var result = new Dictionary<string, IReadOnlyList<PredictionRow>>();
        foreach (var (split, tasks) in splits)
        {
            var completionTasks = tasks.Select(t => new CompletionTask(t.Prefix, t.Target, method.ContextFor(t))).ToList();
            var completions = CompletionEvaluator.Run(model, tokenizer, completionTasks, settings,
                beforeBatch: rows => method.BeforeBatch(rows.Select(i => tasks[i]).ToList()),
                progress: progress is null ? null : new Runtime.SyncProgress<int>(n => progress.Report((split, n, tasks.Count))));
            result[split] = completions.Select(c => new PredictionRow
            {
                Method = method.Name, Split = split, RepoId = tasks[c.Index].RepoId, TaskIndex = c.Index, Target = tasks[c.Index].Target,
                Prediction = c.Score.Prediction, RawPrediction = c.RawPrediction, ExactMatch = c.Score.ExactMatch,
                EditSimilarity = c.Score.EditSimilarity, CodeBleu = c.Score.CodeBleu, PromptTokens = c.PromptTokens, ExtraTokens = c.ExtraPromptTokens, Truncated = c.Truncated,
            }).ToList();
        }
        return result;
    }
}
