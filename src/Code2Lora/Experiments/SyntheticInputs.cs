using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;

namespace Code2Lora.Experiments;

/// <summary>Seeded stand-ins for real data in dry runs and benchmarks at the paper's size: token sequences and encoder vectors.</summary>
public static class SyntheticInputs
{
    /// <summary>Example <paramref name="index"/>: <paramref name="tokens"/> random ids below <paramref name="vocab"/>, the last
    /// <paramref name="target"/> of them labelled.</summary>
    public static CompletionExample Example(int index, string repo, string sha, int tokens, int vocab, int target)
    {
        var rng = new Random(index + 1);
        var ids = Enumerable.Range(0, tokens).Select(_ => rng.Next(0, vocab)).ToArray();
        var labels = ids.Select((t, i) => i >= tokens - target ? t : LabelledSequence.Ignore).ToArray();
        return new CompletionExample(index, repo, sha, new LabelledSequence(ids, labels));
    }

    /// <summary>A seeded vector of <paramref name="width"/> values in [0, 1).</summary>
    public static float[] Vector(int width, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble()).ToArray();
    }
}
