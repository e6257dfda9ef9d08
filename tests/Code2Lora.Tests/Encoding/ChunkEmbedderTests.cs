using Code2Lora.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Encoders;

[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ChunkEmbedderTests
{
    private static readonly ChunkingConfig Small = new() { WindowTokens = 4, OverlapTokens = 1, MinWindowTokens = 1, RetokenizeMaxLength = null };

    [Fact]
    public void Windows_follow_the_documented_arithmetic()
    {
        Assert.Equal([new(0, 4), new(3, 4), new(6, 4)], ChunkWindows.Split(10, Small));
        // The tail window [9,10) lies inside [6,10); it appears only on request, and the minimum still applies to it.
        Assert.Equal([new(0, 4), new(3, 4), new(6, 4), new TokenWindow(9, 1)], ChunkWindows.Split(10, Small with { KeepTailWindows = true }));
        Assert.Equal(3, ChunkWindows.Split(10, Small with { KeepTailWindows = true, MinWindowTokens = 2 }).Count);
        // 9 tokens: the last window [6,9) has 3 tokens and is dropped under a minimum of 4.
        Assert.Equal([new(0, 4), new TokenWindow(3, 4)], ChunkWindows.Split(9, Small with { MinWindowTokens = 4 }));
        Assert.Empty(ChunkWindows.Split(3, Small with { MinWindowTokens = 4 }));
        Assert.Empty(ChunkWindows.Split(0, Small));
        Assert.Throws<ArgumentException>(() => ChunkWindows.Split(10, Small with { OverlapTokens = 4 }));
        // A window cap keeps the first windows; a cap above the count changes nothing.
        Assert.Equal([new(0, 4), new TokenWindow(3, 4)], ChunkWindows.Split(10, Small with { MaxWindows = 2 }));
        Assert.Equal(3, ChunkWindows.Split(10, Small with { MaxWindows = 5 }).Count);
        Assert.Contains("max_windows", Assert.Throws<ArgumentException>(() => ChunkWindows.Split(10, Small with { MaxWindows = 0 })).Message);
    }

    [Fact]
    public void Masked_mean_is_the_mean_of_the_unpadded_positions_on_either_side()
    {
        using var model = TinyEncoder.Model();
        int[] shortWindow = [104, 105, 33], longWindow = [1, 2, 3, 4, 5, 6, 7];
        float[] expected;
        using (var noGrad = torch.no_grad())
        {
            var h = model.HiddenStates(torch.tensor(shortWindow.Select(i => (long)i).ToArray(), [1, 3]));
            var rows = Enumerable.Range(0, 3).Select(t => h[0, t].data<float>().ToArray()).ToList();
            expected = Enumerable.Range(0, 64).Select(j => (rows[0][j] + rows[1][j] + rows[2][j]) / 3f).ToArray();
        }
        foreach (var side in new[] { PaddingSide.Left, PaddingSide.Right })
        {
            var pooled = new ChunkEmbedder(model, TinyEncoder.Tokenizer, padding: side).MeanPool([longWindow, shortWindow]);
            Assert.Equal(64, pooled[1].Length);
            for (int j = 0; j < 64; j++) Assert.Equal(expected[j], pooled[1][j], 1e-5f);
        }
    }

    [Fact]
    public void Batching_and_padding_do_not_change_a_chunk_vector()
    {
        using var model = TinyEncoder.Model();
        string[] texts = ["def f(x):\n    return x + 1\n", "a", "", "import os\nprint(os.sep)  # é\n" + new string('x', 30)];
        var chunking = new ChunkingConfig { WindowTokens = 16, OverlapTokens = 4, MinWindowTokens = 2, RetokenizeMaxLength = 16 };
        var alone = new ChunkEmbedder(model, TinyEncoder.Tokenizer, batchSize: 1).Embed(texts, chunking);
        var batched = new ChunkEmbedder(model, TinyEncoder.Tokenizer, batchSize: 8, padding: PaddingSide.Right).Embed(texts, chunking);
        Assert.Equal([2, 0, 0, 5], alone.Select(c => c.Chunks.Count));   // "a" is below the minimum, "" has no tokens
        Assert.Equal(alone.Select(c => c.TokenCount), batched.Select(c => c.TokenCount));
        for (int t = 0; t < texts.Length; t++)
            for (int c = 0; c < alone[t].Chunks.Count; c++)
                for (int j = 0; j < 64; j++) Assert.Equal(alone[t].Chunks[c][j], batched[t].Chunks[c][j], 1e-5f);
    }

    [Fact]
    public void Retokenized_windows_are_cut_to_the_maximum_length()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        // "é" is two bytes; a window boundary between them decodes to U+FFFD (3 bytes) and re-encodes longer, then is cut.
        var windows = embedder.Tokenize(["aé"], new ChunkingConfig { WindowTokens = 2, OverlapTokens = 0, MinWindowTokens = 1, RetokenizeMaxLength = 2 })[0].Windows;
        Assert.Equal([[97, 0xEF], [0xEF, 0xBF]], windows);
        var raw = embedder.Tokenize(["aé"], new ChunkingConfig { WindowTokens = 2, OverlapTokens = 0, MinWindowTokens = 1, RetokenizeMaxLength = null })[0].Windows;
        Assert.Equal([[97, 0xC3], [0xA9]], raw);
    }

    [Fact]
    public void Bad_inputs_get_clear_messages()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        var e = Assert.Throws<ArgumentException>(() => embedder.MeanPool([[1, 2, 9999]]));
        Assert.Contains("9999", e.Message);
        Assert.Contains("vocabulary", Assert.Throws<ArgumentException>(() => new ChunkEmbedder(model, new WideTokenizer())).Message);
        Assert.Equal(0, embedder.ForwardPasses);
    }

    private sealed class WideTokenizer : Code2Lora.Models.Tokenization.ITextTokenizer
    {
        public int VocabSize => 100_000;
        public int? EosTokenId => null;
        public int[] Encode(string text) => [];
        public string Decode(IReadOnlyList<int> ids) => "";
    }
}
