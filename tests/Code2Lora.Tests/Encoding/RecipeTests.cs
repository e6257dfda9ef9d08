using Code2Lora.Encoders;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Encoders;

[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class RecipeTests
{
    private static readonly SourceFile[] Files =
    [
        new("pkg/__init__.py", "from .core import area\n"),
        new("pkg/core.py", "def area(w, h):\n    return w * h\n\nNAME = 'core'\n"),
        new("README.md", "# pkg\n\nComputes areas.\n"),
        new("tests/test_core.py", "from pkg.core import area\n\ndef test_area():\n    assert area(2, 3) == 6\n"),
        new("pkg/x.py", "x\n"),   // 2 tokens: below recipe (b)'s tiny minimum of 4, so it drops out
    ];

    [Fact]
    public void Released_state_pooling_is_the_normalised_mean_then_max()
    {
        var v = RepoStateEncoder.Pool([Facts([1, 2]), Facts([3, 0])], RepoStateRecipe.Released);
        var n = Math.Sqrt(2 * 2 + 1 * 1 + 3 * 3 + 2 * 2);
        Assert.Equal([(float)(2 / n), (float)(1 / n), (float)(3 / n), (float)(2 / n)], v);
    }

    [Fact]
    public void Diff_pooling_puts_max_first_and_is_not_normalised()
    {
        Assert.Equal([3f, 5f, 2f, 3f], DiffEncoder.Pool([[1f, 5f], [3f, 1f]], 2));
        Assert.Equal(new float[6], DiffEncoder.Pool([], 3));
    }

    [Fact]
    public void Described_pooling_weights_by_importance_and_scales_both_halves()
    {
        // One file: its weight is 1, so the result is [0.6 f; 1.4 f].
        var single = RepoStateEncoder.Pool([Facts([1, -2])], RepoStateRecipe.Described);
        Assert.Equal([0.6f, -1.2f, 1.4f, -2.8f], single);
        Assert.Equal(-0.25 + 0.1, FileImportance.PathBonus("pkg/__init__.py") + FileImportance.DepthBonus("pkg/__init__.py"));
        Assert.Equal(0.15 + 0.2, FileImportance.PathBonus("README.md") + FileImportance.DepthBonus("README.md"));
        Assert.Equal(0.15, FileImportance.PathBonus("a/src/b/c.py"));
        Assert.Equal(-0.25, FileImportance.PathBonus("typing_extras.py"));
        // Same vectors and sizes: only the path terms differ, so the root README outweighs the nested __init__.py by exp(0.5/τ).
        var w = FileImportance.Weights([new FileFacts("README.md", [1, 0], 10, 30), new FileFacts("pkg/__init__.py", [1, 0], 10, 30)], 0.15);
        Assert.Equal(Math.Exp((0.35 - -0.15) / 0.15), w[0] / w[1], 9);
        Assert.Equal(1.0, w.Sum(), 12);
    }

    [Fact]
    public void Tiny_model_state_and_diff_vectors_have_the_recipe_shapes()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        var released = new RepoStateEncoder(embedder, RepoStateRecipe.Tiny).Encode(Files, out var empty);
        Assert.False(empty);
        Assert.Equal(128, released.Length);
        Assert.Equal(1.0, Math.Sqrt(released.Sum(x => (double)x * x)), 5);

        var diffs = new DiffEncoder(embedder, DiffRecipe.Tiny).Encode(["@@ -1 +1 @@\n-x = 1\n+x = 2\n" + new string('#', 100), ""]);
        Assert.Equal(128, diffs[0].Length);
        for (int j = 0; j < 64; j++) Assert.True(diffs[0][j] >= diffs[0][64 + j] - 1e-6f, "the max half comes first");
        Assert.Equal(new float[128], diffs[1]);
    }

    [Fact]
    public void File_filters_follow_each_recipe()
    {
        Assert.Equal(["pkg/__init__.py", "pkg/core.py", "pkg/x.py", "tests/test_core.py"], RepoStateRecipe.Released.Files.Select(Files).Select(f => f.Path));
        Assert.Equal(["README.md", "pkg/__init__.py", "pkg/core.py", "pkg/x.py"], RepoStateRecipe.Described.Files.Select(Files).Select(f => f.Path));
        Assert.False(RepoStateRecipe.Described.Files.Includes("venv/lib/site.py"));
        Assert.True(RepoStateRecipe.Released.Files.Includes("venv/lib/site.py"));   // git ls-tree of every tracked .py
    }

    [Fact]
    public void An_empty_state_is_the_documented_zero_vector()
    {
        using var model = TinyEncoder.Model();
        var encoder = new RepoStateEncoder(new ChunkEmbedder(model, TinyEncoder.Tokenizer), RepoStateRecipe.Tiny);
        Assert.Equal(new float[128], encoder.Encode([], out var none));
        Assert.True(none);
        Assert.Equal(new float[128], encoder.Encode([new SourceFile("a.py", "x\n"), new SourceFile("notes.txt", "long enough text")], out var tooSmall));
        Assert.True(tooSmall);
    }

    private static FileFacts Facts(float[] v) => new("pkg/m.py", v, 100, 50);

    [Theory]
    [InlineData("tiny")]
    [InlineData("smoke")]
    public void Embed_stores_the_vectors_the_experiments_read(string preset)
    {
        var encoders = Code2Lora.Experiments.PresetEncoders.For(preset);
        Assert.Contains(Code2Lora.Experiments.StaticExperimentConfig.Get(preset).Encoder, encoders);
        Assert.Contains(Code2Lora.Experiments.EvoExperimentConfig.Get(preset).Encoder, encoders);
        Assert.All(encoders, e => Assert.True(e.State.Files.ExcludeTests));         // the scored assertions are never in the vector
        Assert.DoesNotContain(EncoderConfig.Tiny, encoders);                         // the look-alike recipe that reads test files
    }
}
