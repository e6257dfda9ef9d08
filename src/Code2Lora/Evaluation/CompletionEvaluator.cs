using Code2Lora.Bench;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation;

/// <summary>How prompts are built and decoded (paper-notes §1.7): [BOS] + prefix, left-truncated, greedy, capped.</summary>
public sealed record CompletionSettings
{
    /// <summary>Prompt length cap in tokens; the prompt is cut on the left so the end of the prefix is always kept.</summary>
    public int MaxInputTokens { get; init; } = 4096;
    /// <summary>When set, the prefix alone is first cut on the left to this many tokens, so a method that adds context sees the
    /// same prefix as one that does not (the context then fills what is left of <see cref="MaxInputTokens"/>).</summary>
    public int? MaxPrefixTokens { get; init; }
    /// <summary>Greedy decoding stops after this many new tokens (static track 128, evolution drivers 64).</summary>
    public int MaxNewTokens { get; init; } = 128;
    /// <summary>Prompts decoded together (left-padded); sorted by length first to waste little padding.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Prepend the EOS id as BOS, as the paper does for Qwen (which has no BOS token).</summary>
    public bool PrependBos { get; init; } = true;
    /// <summary>Token ids never generated (the paper bans FIM and chat specials in later reruns).</summary>
    public IReadOnlySet<int> BannedTokenIds { get; init; } = new HashSet<int>();
    /// <summary>End a row at its first newline when its target is one line: post-processing keeps only the first line,
    /// so scores are unchanged and decoding is much shorter.</summary>
    public bool StopAtNewlineForSingleLineTargets { get; init; } = true;
    /// <summary>Where prompt and target meet when tokenized (<see cref="PromptBoundaries"/>): the paper's cut, or the prefix's trailing
    /// spaces moved into the target.</summary>
    public PromptBoundary Boundary { get; init; } = PromptBoundary.Paper;

    /// <summary>These settings for a method that adds context: the prompt may grow to <paramref name="contextPromptTokens"/>, while the
    /// prefix is cut exactly as these settings cut it, so the context only fills the extra room.</summary>
    public CompletionSettings WithContextRoom(int contextPromptTokens) =>
        this with { MaxInputTokens = contextPromptTokens, MaxPrefixTokens = MaxInputTokens - (PrependBos ? 1 : 0) };
}

/// <summary>One task to complete: the prompt prefix, the reference target, and optional context placed before the prefix
/// (RAG chunks, resolved definitions) whose tokens count as extra prompt tokens.</summary>
public sealed record CompletionTask(string Prefix, string Target, string? Context = null);

/// <summary>One scored completion; <see cref="ExtraPromptTokens"/> is what the method added to the prompt (0 for adapters).</summary>
public sealed record Completion(int Index, string RawPrediction, TaskScore Score, int PromptTokens, int ExtraPromptTokens, bool Truncated);

/// <summary>Greedy completion of tasks with any decoder (base, merged or generated adapters) and the paper's scoring.</summary>
public static class CompletionEvaluator
{
    /// <summary>Completes every task and scores it. <paramref name="beforeBatch"/> receives the task indices of each batch
    /// in batch-row order before it is decoded, so a caller can install per-example adapters for exactly those rows;
    /// <paramref name="afterBatch"/> receives the batch's scored completions (e.g. to store them before the next batch).</summary>
    public static IReadOnlyList<Completion> Run(DecoderLM model, ITextTokenizer tokenizer, IReadOnlyList<CompletionTask> tasks,
        CompletionSettings settings, Action<IReadOnlyList<int>>? beforeBatch = null, IProgress<int>? progress = null,
        Action<IReadOnlyList<Completion>>? afterBatch = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxInputTokens, 2);
        var eos = tokenizer.EosTokenId;
        if (settings.PrependBos && eos is null)
            throw new ArgumentException("PrependBos needs a tokenizer with an end-of-text token to use as BOS.");
        var prompts = tasks.Select(t => BuildPrompt(tokenizer, t, settings)).ToArray();
        var newlineTokens = settings.StopAtNewlineForSingleLineTargets ? NewlineTokenIds(tokenizer) : null;
        var order = Enumerable.Range(0, tasks.Count).OrderBy(i => prompts[i].Ids.Length).ThenBy(i => i).ToArray();
        var results = new Completion[tasks.Count];
        for (var start = 0; start < order.Length; start += settings.BatchSize)
        {
            var rows = order.Skip(start).Take(settings.BatchSize).ToArray();
            beforeBatch?.Invoke(rows);
            Func<int, int, bool>? stop = newlineTokens is null ? null
                : (row, token) => !tasks[rows[row]].Target.Contains('\n') && newlineTokens.Contains(token);
            var outputs = Generation.Greedy(model, rows.Select(i => prompts[i].Ids).ToArray(), settings.MaxNewTokens, eos,
                settings.BannedTokenIds, eos, stop);
            for (var r = 0; r < rows.Length; r++)
            {
                var i = rows[r];
                var raw = PromptBoundaries.Prediction(settings.Boundary, tasks[i].Prefix, tokenizer.Decode(outputs[r]));
                results[i] = new Completion(i, raw, Metrics.Score(raw, tasks[i].Target), prompts[i].Ids.Length,
                    prompts[i].ExtraTokens, prompts[i].Truncated);
            }
            afterBatch?.Invoke(rows.Select(i => results[i]).ToList());
            progress?.Report(Math.Min(start + rows.Length, order.Length));
        }
        return results;
    }

    /// <summary>The prompt ids of a task: [BOS] + context + prefix (its end cut at <see cref="CompletionSettings.Boundary"/>, the prefix first cut to <see cref="CompletionSettings.MaxPrefixTokens"/>),
    /// cut on the left to the cap (the prefix's end survives).</summary>
    public static (int[] Ids, int ExtraTokens, bool Truncated) BuildPrompt(ITextTokenizer tokenizer, CompletionTask task, CompletionSettings settings)
    {
        var context = string.IsNullOrEmpty(task.Context) ? [] : tokenizer.Encode(task.Context);
        var prefix = tokenizer.Encode(PromptBoundaries.Cut(settings.Boundary, task.Prefix, task.Target).Prefix);
        if (settings.MaxPrefixTokens is int keep && prefix.Length > keep) prefix = prefix[^keep..];
        var room = settings.MaxInputTokens - (settings.PrependBos ? 1 : 0);
        var body = context.Concat(prefix).ToArray();
        var truncated = body.Length > room;
        if (truncated) body = body[^room..];
        var extra = Math.Max(0, body.Length - prefix.Length);
        var ids = settings.PrependBos ? [tokenizer.EosTokenId!.Value, .. body] : body;
        return (ids, extra, truncated);
    }

    /// <summary>Ids whose text contains a line break.</summary>
    public static IReadOnlySet<int> NewlineTokenIds(ITextTokenizer tokenizer)
    {
        var ids = new HashSet<int>();
        for (var id = 0; id < tokenizer.VocabSize; id++)
            if (tokenizer.Decode([id]).AsSpan().IndexOfAny('\n', '\r') >= 0) ids.Add(id);
        return ids;
    }
}
