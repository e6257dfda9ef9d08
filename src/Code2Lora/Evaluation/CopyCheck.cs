using Code2Lora.Bench;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation;

/// <summary>Knobs of the in-context copy check.</summary>
public sealed record CopyCheckOptions
{
    /// <summary>Targets shorter than this (after trimming) are left out: <c>1)</c> or <c>None</c> sit in almost every prompt, and
    /// predicting them shows no copying.</summary>
    public int MinTargetChars { get; init; } = 4;

    /// <summary>Tasks listed as examples per split (hits first, then misses, each in task order).</summary>
    public int Examples { get; init; } = 8;

    /// <summary>Seed of the bootstrap intervals (EditSim, target NLL).</summary>
    public int Seed { get; init; } = 3407;
}

/// <summary>
/// The in-context copy check (issue 15 §4): the benchmark tasks whose target appears verbatim in the prompt the model decodes from
/// (the prefix cut on the left as in decoding, then decoded back to text), scored for the base model with the shared greedy decoder,
/// EM/EditSim and teacher-forced target NLL. A model that cannot copy what it sees scores 0 here, and then no method built on it can
/// be expected to use a repository's context either.
/// </summary>
public static class CopyCheck
{
    /// <summary>Whether <paramref name="task"/>'s target occurs verbatim in its prompt as <paramref name="settings"/> cut it (without the BOS).</summary>
    public static bool TargetInPrompt(ITextTokenizer tokenizer, QnaRow task, CompletionSettings settings)
    {
        var ids = CompletionEvaluator.BuildPrompt(tokenizer, new CompletionTask(task.Prefix, task.Target), settings).Ids;
        var visible = tokenizer.Decode(settings.PrependBos ? ids[1..] : ids);
        return task.Target.Length > 0 && visible.Contains(task.Target, StringComparison.Ordinal);
    }

    /// <summary>Indices of the tasks the check scores: long enough targets that appear verbatim in their prompts.</summary>
    public static IReadOnlyList<int> CopyableTasks(ITextTokenizer tokenizer, IReadOnlyList<QnaRow> tasks, CompletionSettings settings, CopyCheckOptions options) =>
        Enumerable.Range(0, tasks.Count)
            .Where(i => tasks[i].Target.Trim().Length >= options.MinTargetChars && TargetInPrompt(tokenizer, tasks[i], settings))
            .ToList();

    /// <summary>Scores the base model on the copyable tasks of each split (keys such as <c>static/cr_test</c>) and returns the report;
    /// a split without copyable tasks gets counts and no scores.</summary>
    public static CopyCheckReport Run(string modelName, DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits,
        CompletionSettings settings, CopyCheckOptions options, IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        var method = new BaseModelMethod("pretrained");
        var results = new List<CopyCheckSplit>();
        var pooled = new List<PredictionRow>();
        foreach (var (split, tasks) in splits)
        {
            var copyable = CopyableTasks(tokenizer, tasks, settings, options);
            var rows = MethodEvaluator.RunTasks(method, model, tokenizer, split, tasks, copyable, settings,
                progress: progress is null ? null : new Runtime.SyncProgress<int>(n => progress.Report((split, n, copyable.Count))));
            // RunTasks returns rows in the order of `copyable`, which is also the order of the loss rows.
            var chosen = copyable.Select(i => tasks[i]).ToList();
            var losses = TargetLossEvaluator.Run(method, model, tokenizer, new Dictionary<string, IReadOnlyList<QnaRow>> { [split] = chosen }, settings)[split];
            for (var k = 0; k < rows.Count; k++) rows[k].TargetNll = losses[k].Tokens == 0 ? double.NaN : losses[k].NllSum / losses[k].Tokens;
            results.Add(CopyCheckSplit.Of(split, tasks.Count, rows, options));
            pooled.AddRange(rows);
        }
        var all = CopyCheckSplit.Of("all", results.Sum(r => r.Tasks), pooled, options);
        return new CopyCheckReport(modelName, options.MinTargetChars, settings.MaxInputTokens, settings.MaxNewTokens, results, all)
            { PromptBoundary = settings.Boundary };
    }
}
