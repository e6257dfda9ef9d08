namespace Code2Lora.Encoders;

/// <summary>Recipe (c): a commit's filtered unified diff → concat(max over chunks, mean over chunks), not normalised.</summary>
public sealed class DiffEncoder(ChunkEmbedder embedder, DiffRecipe recipe)
{
    /// <summary>Width of a diff vector: [max half; mean half].</summary>
    public int Dimension => 2 * embedder.Dimension;

    /// <summary>One vector per diff, windows of all diffs batched together; a diff with no window (e.g. empty) gives zeros.</summary>
    public IReadOnlyList<float[]> Encode(IReadOnlyList<string> diffs)
    {
        var chunked = embedder.Embed(diffs, recipe.Chunking);
        return chunked.Select(c => Pool(c.Chunks, embedder.Dimension)).ToList();
    }

    /// <summary>One diff's vector.</summary>
    public float[] Encode(string diff) => Encode([diff])[0];

    /// <summary>Chunk vectors → [max; mean] (max first, as the released code); no chunks → zeros of 2·<paramref name="width"/>.</summary>
    public static float[] Pool(IReadOnlyList<float[]> chunks, int width) =>
        chunks.Count == 0 ? new float[2 * width] : VectorPooling.Concat(VectorPooling.Max(chunks), VectorPooling.Mean(chunks));
}
