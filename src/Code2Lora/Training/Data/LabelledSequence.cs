using Code2Lora.Bench;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Training.Data;

/// <summary>One supervised sequence: token ids and, aligned with them, the label of each position (−100: no loss).</summary>
public sealed record LabelledSequence(int[] Ids, int[] Labels)
{
    /// <summary>The label of positions that carry no loss (PyTorch's ignore_index).</summary>
    public const int Ignore = -100;

    /// <summary>Positions that carry a loss.</summary>
    public int TargetTokens => Labels.Count(l => l != Ignore);

    /// <summary>
    /// The paper's completion example (§1.6): [BOS] + prefix + target + [EOS], prefix and target tokenized separately,
    /// labels on target and EOS only. Cut on the left to <paramref name="maxTokens"/> so the target always survives
    /// (BOS stays first); a target longer than the budget itself is cut on the right and the prefix dropped.
    /// </summary>
    public static LabelledSequence ForCompletion(ITextTokenizer tokenizer, string prefix, string target, int maxTokens, bool prependBos = true,
        PromptBoundary boundary = PromptBoundary.Paper)
    {
        (prefix, target) = PromptBoundaries.Cut(boundary, prefix, target);
        var eos = tokenizer.EosTokenId ?? throw new ArgumentException("completion examples need a tokenizer with an end-of-text token.");
        var bosCount = prependBos ? 1 : 0;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, bosCount + 2);
        var answer = tokenizer.Encode(target).Append(eos).ToArray();
        if (answer.Length > maxTokens - bosCount) answer = [.. answer[..(maxTokens - bosCount - 1)], eos];
        var prefixIds = tokenizer.Encode(prefix);
        var room = maxTokens - bosCount - answer.Length;
        if (prefixIds.Length > room) prefixIds = prefixIds[^room..];
        int[] ids = prependBos ? [eos, .. prefixIds, .. answer] : [.. prefixIds, .. answer];
        var labels = new int[ids.Length];
        Array.Fill(labels, Ignore, 0, ids.Length - answer.Length);
        answer.CopyTo(labels, ids.Length - answer.Length);
        return new LabelledSequence(ids, labels);
    }
}
