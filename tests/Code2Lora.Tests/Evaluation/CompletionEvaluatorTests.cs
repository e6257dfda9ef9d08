using System.Text;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using TorchSharp;

namespace Code2Lora.Tests.Evaluation;

/// <summary>One id per UTF-8 byte plus an end-of-text id: the smallest tokenizer that round-trips any text.</summary>
internal sealed class ByteTokenizer : ITextTokenizer
{
    public int VocabSize => 257;
    public int? EosTokenId => 256;
    public int[] Encode(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
    public string Decode(IReadOnlyList<int> ids) => Encoding.UTF8.GetString(ids.Where(i => i < 256).Select(i => (byte)i).ToArray());
}

[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class CompletionEvaluatorTests
{
    private static readonly ByteTokenizer Tokenizer = new();

    private static DecoderLM TinyModel()
    {
        torch.manual_seed(11);
        var config = ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2 };
        return new DecoderLM(config);
    }

    private static readonly CompletionTask[] Tasks =
    [
        new("def test_a():\n    assert f(1) == ", "2"),
        new("x = 1\n    self.assertEqual(", "x, 1"),
        new("assert ", "True"),
        new("import os\n\ndef test_path():\n    assert os.sep == ", "'/'"),
        new("a\nb\n", "two\nlines"),
        new("a\nb\n", "one line"),
    ];

    [Fact]
    public void Prompt_is_bos_then_context_then_prefix_cut_on_the_left()
    {
        var settings = new CompletionSettings { MaxInputTokens = 8 };
        var (ids, extra, truncated) = CompletionEvaluator.BuildPrompt(Tokenizer, new CompletionTask("abcdefghij", "k"), settings);
        Assert.True(truncated);
        Assert.Equal([256, .. "defghij".Select(c => (int)c)], ids);
        Assert.Equal(0, extra);

        var (withContext, contextTokens, cut) = CompletionEvaluator.BuildPrompt(Tokenizer,
            new CompletionTask("xy", "z", Context: "# File: a.py\n"), new CompletionSettings());
        Assert.False(cut);
        Assert.Equal(13, contextTokens);
        Assert.Equal(256, withContext[0]);
        Assert.Equal("# File: a.py\nxy", Tokenizer.Decode(withContext));

        // A prefix cap makes a context method see the prefix that the same task gets without context.
        var capped = new CompletionSettings { MaxInputTokens = 16, MaxPrefixTokens = 3 };
        var (same, added, _) = CompletionEvaluator.BuildPrompt(Tokenizer, new CompletionTask("abcdefghij", "k", Context: "ctx "), capped);
        Assert.Equal("ctx hij", Tokenizer.Decode(same));
        Assert.Equal(4, added);
        // WithContextRoom keeps the prefix of the plain settings: [BOS] + 7 prefix tokens under a cap of 8.
        var room = new CompletionSettings { MaxInputTokens = 8 }.WithContextRoom(16);
        Assert.Equal(7, room.MaxPrefixTokens);
        Assert.Equal("ctx defghij", Tokenizer.Decode(CompletionEvaluator.BuildPrompt(Tokenizer, new CompletionTask("abcdefghij", "k", Context: "ctx "), room).Ids));
    }

    [Fact]
    public void Batching_and_padding_do_not_change_predictions()
    {
        using var model = TinyModel();
        var settings = new CompletionSettings { MaxNewTokens = 6, StopAtNewlineForSingleLineTargets = false };
        var alone = CompletionEvaluator.Run(model, Tokenizer, Tasks, settings with { BatchSize = 1 });
        var batched = CompletionEvaluator.Run(model, Tokenizer, Tasks, settings with { BatchSize = 5 });
        Assert.Equal(alone.Select(c => c.RawPrediction), batched.Select(c => c.RawPrediction));
        Assert.Equal(Enumerable.Range(0, Tasks.Length), batched.Select(c => c.Index));
    }

    [Fact]
    public void Stopping_at_a_newline_never_changes_a_score()
    {
        using var model = TinyModel();
        // Only 'a', 'b' and a line break may be generated (no EOS), so a random model emits line breaks.
        var allowed = new[] { 'a', 'b', '\n' }.Select(c => (int)c).ToHashSet();
        var settings = new CompletionSettings { MaxNewTokens = 24, BatchSize = 3,
            BannedTokenIds = Enumerable.Range(0, 257).Where(i => !allowed.Contains(i)).ToHashSet() };
        var full = CompletionEvaluator.Run(model, Tokenizer, Tasks, settings with { StopAtNewlineForSingleLineTargets = false });
        var early = CompletionEvaluator.Run(model, Tokenizer, Tasks, settings);
        for (var i = 0; i < Tasks.Length; i++)
        {
            Assert.StartsWith(early[i].RawPrediction, full[i].RawPrediction);
            Assert.Equal(full[i].Score, early[i].Score);
        }
        Assert.Equal(full[4].RawPrediction, early[4].RawPrediction);   // a multi-line target is never cut short
        Assert.Contains(new[] { 0, 1, 2, 3, 5 }, i => early[i].RawPrediction.Length < full[i].RawPrediction.Length);   // the stop did fire
    }

    [Fact]
    public void Banned_tokens_are_never_generated_and_batches_are_announced()
    {
        using var model = TinyModel();
        var unconstrained = CompletionEvaluator.Run(model, Tokenizer, Tasks, new CompletionSettings { MaxNewTokens = 8, StopAtNewlineForSingleLineTargets = false });
        var generated = unconstrained.SelectMany(c => Tokenizer.Encode(c.RawPrediction)).Distinct().ToHashSet();
        Assert.NotEmpty(generated);
        var seen = new List<int>();
        var banned = CompletionEvaluator.Run(model, Tokenizer, Tasks,
            new CompletionSettings { MaxNewTokens = 8, BatchSize = 2, BannedTokenIds = generated, StopAtNewlineForSingleLineTargets = false },
            beforeBatch: rows => seen.AddRange(rows));
        Assert.All(banned, c => Assert.DoesNotContain(Tokenizer.Encode(c.RawPrediction), generated.Contains));
        Assert.Equal(Enumerable.Range(0, Tasks.Length), seen.Order());
    }
}
