using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using Code2Lora.Config;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training.Data;
using TorchSharp;

namespace Code2Lora.Tests.Bench;

/// <summary>The prompt boundary: what moves, what the model is trained and scored on, and why it matters to a word-level BPE.</summary>
[Collection("Torch")]
public class PromptBoundaryTests
{
    private const int I = LabelledSequence.Ignore, Eos = 256;
    private static readonly ByteTokenizer Bytes = new();

    [Theory]
    [InlineData("assert a == ", "b", "assert a ==", " b")]
    [InlineData("self.assertEqual(x, \t ", "1)", "self.assertEqual(x,", " \t 1)")]
    [InlineData("f(\n", "x)", "f(\n", "x)")]          // a line break stays in the prompt
    [InlineData("f(\n  ", "x)", "f(\n", "  x)")]
    [InlineData("assert a ==", "b", "assert a ==", "b")]  // nothing to move
    public void Healed_moves_only_trailing_spaces_and_tabs(string prefix, string target, string cutPrefix, string cutTarget)
    {
        Assert.Equal((cutPrefix, cutTarget), PromptBoundaries.Cut(PromptBoundary.Healed, prefix, target));
        Assert.Equal(prefix + target, cutPrefix + cutTarget);
        Assert.Equal((prefix, target), PromptBoundaries.Cut(PromptBoundary.Paper, prefix, target));
    }

    [Fact]
    public void A_healed_prediction_loses_the_moved_whitespace_only_when_the_model_wrote_it()
    {
        Assert.Equal("b)", PromptBoundaries.Prediction(PromptBoundary.Healed, "assert a == ", " b)"));
        Assert.Equal("b)", PromptBoundaries.Prediction(PromptBoundary.Healed, "assert a == ", "b)"));
        Assert.Equal("  b", PromptBoundaries.Prediction(PromptBoundary.Healed, "assert a == ", "   b"));
        Assert.Equal(" b)", PromptBoundaries.Prediction(PromptBoundary.Paper, "assert a == ", " b)"));
    }

    [Fact]
    public void Healed_training_labels_the_moved_space_and_keeps_the_text()
    {
        var paper = LabelledSequence.ForCompletion(Bytes, "x == ", "d", maxTokens: 16);
        var healed = LabelledSequence.ForCompletion(Bytes, "x == ", "d", maxTokens: 16, boundary: PromptBoundary.Healed);
        Assert.Equal(paper.Ids, healed.Ids);   // bytes: the same text either way, so the same ids
        Assert.Equal([I, I, I, I, I, I, 'd', Eos], paper.Labels);
        Assert.Equal([I, I, I, I, I, ' ', 'd', Eos], healed.Labels);
    }

    [Fact]
    public void Under_the_tiny_base_tokenizer_the_paper_cut_ends_in_a_lone_space_and_the_healed_cut_does_not()
    {
        var bpe = ByteLevelBpeTokenizer.Load(Path.Combine(RepoPaths.Data, "models", "tiny-python-lm", "tokenizer.json"));
        const string prefix = "    durl = make()\n    assert result == ", target = "durl";
        var paper = LabelledSequence.ForCompletion(bpe, prefix, target, 64);
        var healed = LabelledSequence.ForCompletion(bpe, prefix, target, 64, boundary: PromptBoundary.Healed);
        int[] Answer(LabelledSequence s) => s.Ids.Where((_, k) => s.Labels[k] != I).ToArray();

        Assert.Equal(" ", bpe.Decode([paper.Ids[^(Answer(paper).Length + 1)]]));   // the prompt's last token is the space alone
        Assert.Equal(prefix + target, bpe.Decode(paper.Ids[1..^1]));
        Assert.Equal(prefix + target, bpe.Decode(healed.Ids[1..^1]));
        // Healed, the target is tokenized as running text tokenizes it: the tokens of " durl" in "= durl" are the target's.
        var running = bpe.Encode("    durl = make()\n    assert result == durl");
        Assert.Equal(running, healed.Ids[1..^1]);
        Assert.NotEqual(running, paper.Ids[1..^1]);
    }

    [Fact]
    public void Decoding_and_target_loss_cut_where_training_cuts_and_scoring_uses_the_benchmark_target()
    {
        torch.manual_seed(11);
        using var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, HiddenSize = 32, IntermediateSize = 64,
            NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2 });
        var task = new QnaRow { RepoId = "r", Prefix = "def test():\n    assert f(1) == ", Target = "2" };
        // Only a space and '2' may be generated, so the continuation starts either with the moved space or without it.
        var settings = new CompletionSettings { MaxNewTokens = 3, Boundary = PromptBoundary.Healed,
            BannedTokenIds = Enumerable.Range(0, 257).Where(t => t is not (' ' or '2')).ToHashSet() };

        var prompt = CompletionEvaluator.BuildPrompt(Bytes, new CompletionTask(task.Prefix, task.Target), settings).Ids;
        Assert.Equal("def test():\n    assert f(1) ==", Bytes.Decode(prompt));
        var completion = CompletionEvaluator.Run(model, Bytes, [new CompletionTask(task.Prefix, task.Target)], settings)[0];
        var generated = Bytes.Decode(Generation.Greedy(model, [prompt], 3, Eos, settings.BannedTokenIds, Eos)[0]);
        Assert.Equal(PromptBoundaries.Prediction(PromptBoundary.Healed, task.Prefix, generated), completion.RawPrediction);
        Assert.Equal(Metrics.Score(completion.RawPrediction, "2"), completion.Score);

        var evaluated = TargetLossEvaluator.Sequence(Bytes, task, null, settings, Eos);
        var trained = LabelledSequence.ForCompletion(Bytes, task.Prefix, task.Target, 64, boundary: PromptBoundary.Healed);
        Assert.Equal(trained.Ids, evaluated.Ids);
        Assert.Equal(trained.Labels, evaluated.Labels);
    }
}
