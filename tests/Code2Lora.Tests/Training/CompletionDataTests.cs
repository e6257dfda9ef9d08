using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Training;

/// <summary>Expected values for the paper's example layout, left padding and the target-only loss.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class CompletionDataTests
{
    private static readonly ByteTokenizer Tokenizer = new();
    private const int I = LabelledSequence.Ignore, Eos = 256;

    [Fact]
    public void Example_is_bos_prefix_target_eos_with_labels_on_target_and_eos()
    {
        var s = LabelledSequence.ForCompletion(Tokenizer, "abc", "d", maxTokens: 10);
        Assert.Equal([Eos, 'a', 'b', 'c', 'd', Eos], s.Ids);
        Assert.Equal([I, I, I, I, 'd', Eos], s.Labels);
        Assert.Equal(2, s.TargetTokens);
    }

    [Fact]
    public void Left_truncation_keeps_bos_and_the_whole_target()
    {
        var s = LabelledSequence.ForCompletion(Tokenizer, "abcdef", "xy", maxTokens: 6);
        Assert.Equal([Eos, 'e', 'f', 'x', 'y', Eos], s.Ids);
        Assert.Equal([I, I, I, 'x', 'y', Eos], s.Labels);

        var tooLong = LabelledSequence.ForCompletion(Tokenizer, "abc", "defg", maxTokens: 4);
        Assert.Equal([Eos, 'd', 'e', Eos], tooLong.Ids);
        Assert.Equal([I, 'd', 'e', Eos], tooLong.Labels);

        var noBos = LabelledSequence.ForCompletion(Tokenizer, "abc", "d", maxTokens: 3, prependBos: false);
        Assert.Equal(['c', 'd', Eos], noBos.Ids);
    }

    [Fact]
    public void Collate_pads_on_the_left()
    {
        using var batch = SequenceBatch.Collate([new LabelledSequence([1, 2, 3], [I, 2, 3]), new LabelledSequence([4], [4])], padId: 9);
        Assert.Equal(new long[] { 1, 2, 3, 9, 9, 4 }, batch.Ids.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 0, 0, 1 }, batch.Mask.data<long>().ToArray());
        Assert.Equal(new long[] { I, 2, 3, I, I, 4 }, batch.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Loss_sums_next_token_cross_entropy_over_labelled_positions_only()
    {
        torch.manual_seed(5);
        using var logits = torch.randn(1, 4, 7);
        using var labels = torch.tensor(new long[] { I, 5, 2, I }, [1, 4]);
        var (sum, tokens) = LanguageModelLoss.TokenSum(logits, labels);
        // Position t predicts label t+1: logits[0] → 5, logits[1] → 2; logits[2] → −100 is ignored, logits[3] has no next.
        var logp = logits[0].log_softmax(-1);
        var expected = -(logp[0, 5].item<float>() + logp[1, 2].item<float>());
        Assert.Equal(2, tokens);
        Assert.Equal(expected, sum.item<float>(), 5);
    }

    [Fact]
    public void Loss_at_labelled_positions_equals_the_loss_over_full_logits_and_its_gradient()
    {
        torch.manual_seed(5);
        using var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2"));
        using var batch = SequenceBatch.Collate([
            LabelledSequence.ForCompletion(Tokenizer, "def f(x):", " return x", maxTokens: 24),
            LabelledSequence.ForCompletion(Tokenizer, "a = 1", "b", maxTokens: 24)], padId: Eos);

        var (full, fullTokens) = LanguageModelLoss.TokenSum(model.Forward(batch.Ids, batch.Mask), batch.Labels);
        full.backward();
        var fullGrad = model.parameters().First().grad!.clone();
        model.zero_grad();
        var (picked, pickedTokens) = LanguageModelLoss.TokenSum(model, batch.Ids, batch.Mask, batch.Labels);
        picked.backward();

        Assert.Equal(fullTokens, pickedTokens);
        Assert.Equal(10 + 2, pickedTokens);   // " return x" and "b" as bytes, each with its EOS
        Assert.Equal(full.item<float>(), picked.item<float>(), 3);
        Assert.True(fullGrad.allclose(model.parameters().First().grad!, rtol: 1e-4, atol: 1e-6));

        using var noGrad = torch.no_grad();
        var rows = LanguageModelLoss.PerRow(model, batch.Ids, batch.Mask, batch.Labels);
        using var logits = model.Forward(batch.Ids, batch.Mask);
        for (var i = 0; i < rows.Length; i++)
        {
            var (rowSum, rowTokens) = LanguageModelLoss.TokenSum(logits[i..(i + 1)], batch.Labels[i..(i + 1)]);
            Assert.Equal(rowTokens, rows[i].Tokens);
            Assert.Equal(rowSum.item<float>(), rows[i].Sum, 3);
        }
    }
}
