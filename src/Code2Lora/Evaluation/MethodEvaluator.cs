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
            result[split] = RunTasks(method, model, tokenizer, split, tasks, Enumerable.Range(0, tasks.Count).ToList(), settings,
                progress: progress is null ? null : new Runtime.SyncProgress<int>(n => progress.Report((split, n, tasks.Count))));
        return result;
    }

    /// <summary>Completes and scores the tasks at <paramref name="indices"/> of a split (rows keep those indices as their task index), in
    /// index order; <paramref name="afterBatch"/> receives each decoded batch's rows as soon as they are scored.</summary>
    public static IReadOnlyList<PredictionRow> RunTasks(ICompletionMethod method, DecoderLM model, ITextTokenizer tokenizer, string split,
        IReadOnlyList<QnaRow> tasks, IReadOnlyList<int> indices, CompletionSettings settings, Action<IReadOnlyList<PredictionRow>>? afterBatch = null,
        IProgress<int>? progress = null)
    {
        var chosen = indices.Select(i => tasks[i]).ToList();
        var completionTasks = chosen.Select(t => new CompletionTask(t.Prefix, t.Target, method.ContextFor(t))).ToList();
        PredictionRow Row(Completion c) => new()
        {
            Method = method.Name, Split = split, RepoId = chosen[c.Index].RepoId, TaskIndex = indices[c.Index], Target = chosen[c.Index].Target,
            Prediction = c.Score.Prediction, RawPrediction = c.RawPrediction, ExactMatch = c.Score.ExactMatch,
            EditSimilarity = c.Score.EditSimilarity, CodeBleu = c.Score.CodeBleu, PromptTokens = c.PromptTokens, ExtraTokens = c.ExtraPromptTokens, Truncated = c.Truncated,
        };
        var completions = CompletionEvaluator.Run(model, tokenizer, completionTasks, settings,
            beforeBatch: rows => method.BeforeBatch(rows.Select(i => chosen[i]).ToList()), progress: progress,
            afterBatch: afterBatch is null ? null : batch => afterBatch(batch.Select(Row).ToList()));
        return completions.Select(Row).ToList();
    }
}
