using Code2Lora.Encoders;

namespace Code2Lora.Evaluation.Context;

/// <summary>Texts → L2-normalised masked-mean vectors of their first <c>maxTokens</c> embedder tokens (the authors truncate chunks and queries to 512).</summary>
public static class DenseEncoder
{
    /// <summary>One unit vector per text (zeros for a text with no token), batched by length with the embedder's batch size.</summary>
    public static float[][] Encode(ChunkEmbedder embedder, IReadOnlyList<string> texts, int maxTokens)
    {
        var firstWindow = new ChunkingConfig { WindowTokens = maxTokens, OverlapTokens = 0, MinWindowTokens = 1, RetokenizeMaxLength = null };
        var windows = embedder.Tokenize(texts, firstWindow).Select(t => t.Windows.Count > 0 ? t.Windows[0] : null).ToArray();
        var vectors = new float[texts.Count][];
        var order = Enumerable.Range(0, texts.Count).Where(i => windows[i] is not null).OrderBy(i => windows[i]!.Length).ThenBy(i => i).ToList();
        for (int s = 0; s < order.Count; s += embedder.BatchSize)
        {
            var batch = order.GetRange(s, Math.Min(embedder.BatchSize, order.Count - s));
            var pooled = embedder.MeanPool(batch.Select(i => windows[i]!).ToList());
            for (int j = 0; j < batch.Count; j++) vectors[batch[j]] = VectorPooling.L2Normalise(pooled[j]);
        }
        for (int i = 0; i < vectors.Length; i++) vectors[i] ??= new float[embedder.Dimension];
        return vectors;
    }
}
