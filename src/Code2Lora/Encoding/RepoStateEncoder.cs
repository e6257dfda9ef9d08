using Code2Lora.Mining;

namespace Code2Lora.Encoders;

/// <summary>Recipes (a)/(b): the files of one repository state → one vector of 2 × the embedder's width.</summary>
public sealed class RepoStateEncoder(ChunkEmbedder embedder, RepoStateRecipe recipe)
{
    /// <summary>Width of a state vector: [mean half; max half].</summary>
    public int Dimension => 2 * embedder.Dimension;

    /// <summary>The recipe in use.</summary>
    public RepoStateRecipe Recipe => recipe;

    /// <summary>
    /// Filters <paramref name="files"/> by the recipe, embeds each as the mean of its chunk vectors (files with no
    /// window of the minimum length drop out) and pools the file vectors. A state with no embeddable file gives the
    /// zero vector (there is nothing to normalise); <paramref name="empty"/> says so.
    /// Files are expected to be text already: <see cref="RepoSource.ReadSnapshot"/> never returns binary or non-UTF-8 files.
    /// </summary>
    public float[] Encode(IReadOnlyList<SourceFile> files, out bool empty)
    {
        var selected = recipe.Files.Select(files);
        var chunked = embedder.Embed(selected.Select(f => f.Text).ToList(), recipe.Chunking);
        return Pool(selected, chunked.Select(c => FileVectorOf(c)).ToList(), out empty);
    }

    /// <summary>
    /// As <see cref="Encode(IReadOnlyList{SourceFile}, out bool)"/>, but file vectors come from <paramref name="cache"/> when the
    /// file's text was embedded before (at an earlier commit), and only the other files are embedded (each distinct text once)
    /// and added to it. Pooling is the same, over the same file vectors, so the state equals the uncached one up to the
    /// batching of its windows (bitwise with batch size 1).
    /// </summary>
    public float[] Encode(IReadOnlyList<SourceFile> files, FileVectorCache cache, out bool empty)
    {
        var selected = recipe.Files.Select(files);
        var keys = selected.Select(f => FileVectorCache.ContentKey(f.Text)).ToList();
        var found = new Dictionary<string, FileVector>(StringComparer.Ordinal);
        var missing = new List<int>();
        var queued = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < selected.Count; i++)
        {
            if (found.ContainsKey(keys[i]) || queued.Contains(keys[i])) continue;
            if (cache.TryGet(keys[i], out var hit)) found[keys[i]] = hit;
            else if (queued.Add(keys[i])) missing.Add(i);
        }
        var chunked = embedder.Embed(missing.Select(i => selected[i].Text).ToList(), recipe.Chunking);
        for (int j = 0; j < missing.Count; j++)
        {
            var vector = FileVectorOf(chunked[j]);
            cache.Add(keys[missing[j]], vector);
            found[keys[missing[j]]] = vector;
        }
        return Pool(selected, keys.Select(k => found[k]).ToList(), out empty);
    }

    private static FileVector FileVectorOf(ChunkedText chunked) =>
        new(chunked.Chunks.Count > 0 ? VectorPooling.Mean(chunked.Chunks) : null, chunked.TokenCount);

    // Files with no kept window drop out; a state with none left is the zero vector.
    private float[] Pool(IReadOnlyList<SourceFile> selected, IReadOnlyList<FileVector> vectors, out bool empty)
    {
        var facts = new List<FileFacts>();
        for (int i = 0; i < selected.Count; i++)
            if (vectors[i].Vector is { } v) facts.Add(new FileFacts(selected[i].Path, v, vectors[i].TokenCount, LineCount(selected[i].Text)));
        empty = facts.Count == 0;
        return empty ? new float[Dimension] : Pool(facts, recipe);
    }

    /// <summary>File vectors (with their facts) → repository vector, as the recipe's pooling says.</summary>
    public static float[] Pool(IReadOnlyList<FileFacts> files, RepoStateRecipe recipe)
    {
        var vectors = files.Select(f => f.Vector).ToList();
        return recipe.Pooling switch
        {
            StatePooling.MeanMaxL2 => VectorPooling.L2Normalise(VectorPooling.Concat(VectorPooling.Mean(vectors), VectorPooling.Max(vectors))),
            StatePooling.WeightedMeanMax => VectorPooling.Concat(
                VectorPooling.Weighted(vectors, FileImportance.Weights(files, recipe.Tau)), VectorPooling.Max(vectors), recipe.MeanScale, recipe.MaxScale),
            _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe.Pooling, "unknown state pooling"),
        };
    }

    // Python's len(text.splitlines()) for the usual line breaks: a final newline does not start another line.
    private static int LineCount(string text)
    {
        if (text.Length == 0) return 0;
        var lines = text.Count(c => c == '\n');
        return text[^1] == '\n' ? lines : lines + 1;
    }
}
