using System.Text.Json.Serialization;
using Code2Lora.Bench;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using Code2Lora.Training.Data;
using TorchSharp;

namespace Code2Lora.Evaluation;

/// <summary>One task's target loss under one method (predictions/&lt;method&gt;/&lt;split&gt;.nll.parquet): the summed negative
/// log-likelihood of the target's tokens and the closing EOS, and how many tokens that is.</summary>
public sealed class TargetLossRow
{
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    /// <summary>Row of the task in its split's qna file.</summary>
    [JsonPropertyName("task_index")] public int TaskIndex { get; set; }
    /// <summary>Σ −log p(token) over the target's tokens and EOS, nats.</summary>
    [JsonPropertyName("nll_sum")] public double NllSum { get; set; }
    [JsonPropertyName("tokens")] public int Tokens { get; set; }
}

/// <summary>The target NLL of a method, per task: teacher forcing of [target + EOS] after exactly the prompt the method decodes from
/// (<see cref="CompletionEvaluator.BuildPrompt"/>: BOS, its context if any, the prefix cut as in decoding), with whatever adapter the
/// method installs for the batch. The labelled positions are those of training (<see cref="LabelledSequence.ForCompletion"/>: prefix and
/// target tokenized separately, EOS labelled), so the number is the training objective measured on the evaluation prompt. Unlike EM it
/// moves long before a greedy answer changes, which is what a weak base needs.</summary>
public static class TargetLossEvaluator
{
    /// <summary>Every task's summed target NLL and token count, per split, in task order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<TargetLossRow>> Run(ICompletionMethod method, DecoderLM model, ITextTokenizer tokenizer,
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings, IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        var eos = tokenizer.EosTokenId ?? throw new ArgumentException("the target loss needs a tokenizer with an end-of-text token (EOS ends every target).");
        var result = new Dictionary<string, IReadOnlyList<TargetLossRow>>();
        foreach (var (split, tasks) in splits)
        {
            var sequences = tasks.Select(t => Sequence(tokenizer, t, method.ContextFor(t), settings, eos)).ToArray();
            var rows = new TargetLossRow[tasks.Count];
            var order = Enumerable.Range(0, tasks.Count).OrderBy(i => sequences[i].Ids.Length).ThenBy(i => i).ToArray();
            using var noGrad = torch.no_grad();
            for (var start = 0; start < order.Length; start += settings.BatchSize)
            {
                var batch = order.Skip(start).Take(settings.BatchSize).ToArray();
                // Outside the dispose scope: a method keeps its batch's adapter until the next batch and frees it itself.
                method.BeforeBatch(batch.Select(i => tasks[i]).ToList());
                (double Sum, long Tokens)[] losses;
                using (torch.NewDisposeScope())
                using (var collated = SequenceBatch.Collate(batch.Select(i => sequences[i]).ToList(), eos, model.Device))
                    losses = LanguageModelLoss.PerRow(model, collated.Ids, collated.Mask, collated.Labels);
                for (var r = 0; r < batch.Length; r++)
                    rows[batch[r]] = new TargetLossRow { RepoId = tasks[batch[r]].RepoId, TaskIndex = batch[r], NllSum = losses[r].Sum, Tokens = (int)losses[r].Tokens };
                progress?.Report((split, Math.Min(start + batch.Length, order.Length), order.Length));
            }
            result[split] = rows;
        }
        return result;
    }

    /// <summary>Sets each prediction's <see cref="PredictionRow.TargetNll"/> (nats per target token) from its task's loss row.</summary>
    public static void Attach(IReadOnlyList<PredictionRow> predictions, IReadOnlyList<TargetLossRow> losses)
    {
        var byTask = losses.ToDictionary(l => l.TaskIndex);
        foreach (var p in predictions)
        {
            if (!byTask.TryGetValue(p.TaskIndex, out var l))
                throw new InvalidDataException($"{p.Method} {p.Split}: no target loss for task {p.TaskIndex}; delete its .nll.parquet to recompute.");
            p.TargetNll = l.Tokens == 0 ? double.NaN : l.NllSum / l.Tokens;
        }
    }

    /// <summary>The decoding prompt of <paramref name="task"/> followed by its labelled target and EOS.</summary>
    internal static LabelledSequence Sequence(ITextTokenizer tokenizer, QnaRow task, string? context, CompletionSettings settings, int eos)
    {
        var prompt = CompletionEvaluator.BuildPrompt(tokenizer, new CompletionTask(task.Prefix, task.Target, context), settings).Ids;
        int[] answer = [.. tokenizer.Encode(PromptBoundaries.Cut(settings.Boundary, task.Prefix, task.Target).Target), eos];
        var labels = new int[prompt.Length + answer.Length];
        Array.Fill(labels, LabelledSequence.Ignore, 0, prompt.Length);
        answer.CopyTo(labels, prompt.Length);
        return new LabelledSequence([.. prompt, .. answer], labels);
    }
}
