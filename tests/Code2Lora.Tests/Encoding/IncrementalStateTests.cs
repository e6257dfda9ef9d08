using Code2Lora.Encoders;
using Code2Lora.Mining;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Encoders;

/// <summary>States encoded with the per-file cache along a history equal states encoded from scratch, and embed only new files.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class IncrementalStateTests
{
    private static readonly RepoStateRecipe Recipe = RepoStateRecipe.Tiny with { Chunking = RepoStateRecipe.Tiny.Chunking with { MaxWindows = 3 } };

    [Theory]
    // Batch size 1: every window is its own forward pass of the same shape, so cached and fresh file vectors are the same bits.
    [InlineData(1, StatePooling.MeanMaxL2, 0.0)]
    [InlineData(1, StatePooling.WeightedMeanMax, 0.0)]
    // Batch size 4: a window is padded to its batch's longest, and which windows share a batch depends on which files are
    // embedded together; masked positions add exact zeros, but the matrix kernels may sum in another order for another shape.
    [InlineData(4, StatePooling.MeanMaxL2, 1e-6)]
    public void Cached_states_along_a_history_equal_from_scratch_states_and_embed_only_new_texts(int batch, StatePooling pooling, double tolerance)
    {
        using var dir = new TempDir();
        var recipe = Recipe with { Pooling = pooling, Files = Recipe.Files with { Extensions = [".py", ".md"] } };
        using var source = RepoSource.Open(SyntheticHistory.Generate(dir.Sub("repo"), commits: 5, seed: 11), "synthetic", recipe.Files.Rules);
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer, batchSize: batch);
        var encoder = new RepoStateEncoder(embedder, recipe);
        var cache = FileVectorCache.InMemory();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long incrementalTokens = 0, fullTokens = 0;
        foreach (var commit in source.FirstParentHistory())
        {
            var files = source.ReadSnapshot(commit.Sha, recipe.Files.Includes).Files;
            var newTexts = recipe.Files.Select(files).Select(f => FileVectorCache.ContentKey(f.Text)).Where(seen.Add).Count();
            var (misses, tokens) = (cache.Misses, embedder.TokensEmbedded);
            var incremental = encoder.Encode(files, cache, out var emptyIncremental);
            Assert.Equal(newTexts, cache.Misses - misses);   // exactly the texts no earlier commit had
            incrementalTokens += embedder.TokensEmbedded - tokens;
            tokens = embedder.TokensEmbedded;
            var full = encoder.Encode(files, out var emptyFull);
            fullTokens += embedder.TokensEmbedded - tokens;

            Assert.Equal(emptyFull, emptyIncremental);
            Assert.Equal(full.Length, incremental.Length);
            var worst = full.Zip(incremental, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(worst <= tolerance, $"{commit.Sha[..8]}: incremental and from-scratch states differ by {worst:G3} (allowed {tolerance:G3}).");
            if (tolerance == 0) Assert.Equal(full.Select(BitConverter.SingleToInt32Bits), incremental.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.True(incrementalTokens * 2 < fullTokens, $"{incrementalTokens} tokens embedded incrementally vs {fullTokens} from scratch");
    }

    [Fact]
    public async Task The_file_cache_persists_exact_vectors_and_no_window_entries()
    {
        using var dir = new TempDir();
        var cache = await FileVectorCache.OpenAsync(dir.Sub("cache"));
        var vector = new[] { 0.1f, -3.25e-7f, float.Epsilon, 1234.5678f };
        cache.Add("a", new FileVector(vector, 17));
        cache.Add("b", new FileVector(null, 2));
        await cache.FlushAsync();
        var again = await FileVectorCache.OpenAsync(dir.Sub("cache"));
        Assert.True(again.TryGet("a", out var a));
        Assert.True(again.TryGet("b", out var b));
        Assert.False(again.TryGet("c", out _));
        Assert.Equal(vector, a.Vector);
        Assert.Equal(17, a.TokenCount);
        Assert.Null(b.Vector);
        Assert.Equal((2L, 1L), (again.Hits, again.Misses));
        Assert.NotEqual(FileVectorCache.IdFor("m", RepoStateRecipe.Tiny.Chunking), FileVectorCache.IdFor("m", RepoStateRecipe.Released.Chunking));
        Assert.NotEqual(FileVectorCache.Folder("s", "files-x", "a/b"), FileVectorCache.Folder("s", "files-x", "a_b"));
    }
}
