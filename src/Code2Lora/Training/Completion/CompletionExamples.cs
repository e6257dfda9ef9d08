using Code2Lora.Bench;
using Code2Lora.Models.Tokenization;
using Code2Lora.Training.Data;

namespace Code2Lora.Training.Completion;

/// <summary>One training example of an assertion-completion recipe: the task's repository state and its labelled ids.</summary>
public sealed record CompletionExample(int Index, string RepoId, string CommitSha, LabelledSequence Sequence);

/// <summary>Tokenizes benchmark tasks into the paper's training sequences ([BOS] + prefix + target + [EOS], cut on the left).</summary>
public static class CompletionExamples
{
    /// <summary>One example per row, in row order (tokenized in parallel; the result does not depend on scheduling).</summary>
    public static IReadOnlyList<CompletionExample> Build(IReadOnlyList<QnaRow> rows, ITextTokenizer tokenizer, int maxTokens, bool prependBos = true,
        PromptBoundary boundary = PromptBoundary.Paper)
    {
        var examples = new CompletionExample[rows.Count];
        Parallel.For(0, rows.Count, i =>
        {
            var r = rows[i];
            examples[i] = new CompletionExample(i, r.RepoId, r.CommitSha, LabelledSequence.ForCompletion(tokenizer, r.Prefix, r.Target, maxTokens, prependBos, boundary));
        });
        return examples;
    }
}

/// <summary>A flat shuffle over examples, redrawn each epoch, as a pure function of (seed, position): position p is
/// example <c>Permutation(p / count)[p % count]</c>, so a resumed run sees exactly the batches the interrupted one would have.</summary>
public sealed class EpochOrder
{
    private readonly int _count;
    private readonly long _seed;
    private int _cachedEpoch = -1;
    private int[] _cached = [];

    /// <summary>An order over <paramref name="count"/> examples.</summary>
    public EpochOrder(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        (_count, _seed) = (count, seed);
    }

    /// <summary>The example at global position <paramref name="position"/> (0-based, across epochs).</summary>
    public int At(long position)
    {
        var epoch = (int)(position / _count);
        if (epoch != _cachedEpoch)
        {
            var perm = Enumerable.Range(0, _count).ToArray();
            Runtime.SeededRandom.For(_seed, $"epoch/{epoch}").Shuffle(perm);
            (_cached, _cachedEpoch) = (perm, epoch);
        }
        return _cached[(int)(position % _count)];
    }

    /// <summary>Optimizer steps that cover <paramref name="epochs"/> passes at <paramref name="examplesPerStep"/> examples per step.</summary>
    public static int StepsFor(int count, double epochs, int examplesPerStep) => (int)Math.Ceiling(count * epochs / examplesPerStep);
}
