using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models;

/// <summary>Checkpointed decoder blocks give the unchecked run's loss and gradients: to the generated adapters' head, to a
/// trainable LoRA pair held outside the model, and to the base weights themselves (full fine-tuning).</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class ActivationCheckpointingTests
{
    private static readonly ModelConfig Tiny = ModelConfigs.Get("tiny-qwen2") with { NumHiddenLayers = 3 };

    private static (Tensor Ids, Tensor Mask, Tensor Labels) Batch()
    {
        var rng = new Random(2);
        var ids = Enumerable.Range(0, 48).Select(_ => (long)rng.Next(3, Tiny.VocabSize)).ToArray();
        var mask = Enumerable.Range(0, 48).Select(i => i is >= 24 and < 29 ? 0L : 1L).ToArray();                 // left padding in row 1
        var labels = ids.Select((t, i) => i % 24 >= 16 ? t : LabelledSequence.Ignore).ToArray();               // loss on the last 8 positions
        return (torch.tensor(ids, [2, 24]), torch.tensor(mask, [2, 24]), torch.tensor(labels, [2, 24]));
    }

    private static (double Loss, Dictionary<string, Tensor> Grads) GeneratedAdapterStep(bool checkpointed, bool perLayer, bool detachInput)
    {
        torch.manual_seed(11);
        var model = new DecoderLM(Tiny);
        var lora = new LoraConfig { Rank = 4, Alpha = 8, DetachInput = detachInput };
        var slots = LoraSlots.Install(model, lora);
        slots.FreezeBase();
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 8, HiddenDim = 16, Lora = lora, InitLogScale = -1.0, PerLayer = perLayer }, Tiny);
        model.ActivationCheckpointing = checkpointed;
        var (ids, mask, labels) = Batch();
        slots.Use(head.forward(torch.randn(2, 8)));
        var (sum, tokens) = LanguageModelLoss.TokenSum(model, ids, mask, labels);
        var loss = sum / tokens;
        loss.backward();
        return (loss.item<float>(), head.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Generated_adapters_get_the_same_loss_and_head_gradients(bool perLayer, bool detachInput)
    {
        var plain = GeneratedAdapterStep(checkpointed: false, perLayer, detachInput);
        var checkpointed = GeneratedAdapterStep(checkpointed: true, perLayer, detachInput);
        Assert.Equal(plain.Loss, checkpointed.Loss, 6);
        Assert.Equal(plain.Grads.Keys, checkpointed.Grads.Keys);
        Assert.Contains(plain.Grads.Values, g => g.abs().max().item<float>() > 0);   // the comparison is not between zeros
        foreach (var (name, g) in plain.Grads)
            Assert.True(g.allclose(checkpointed.Grads[name], rtol: 1e-5, atol: 1e-7), $"{name}: max |Δ| {(g - checkpointed.Grads[name]).abs().max().item<float>()}");
    }

    private static (double Loss, Dictionary<string, Tensor> Grads) TrainableStep(bool checkpointed, bool fullFineTune)
    {
        torch.manual_seed(5);
        var model = new DecoderLM(Tiny);
        model.ActivationCheckpointing = checkpointed;
        var (ids, mask, labels) = Batch();
        var grads = new Dictionary<string, Tensor>();
        Tensor loss;
        if (fullFineTune)
        {
            var (sum, tokens) = LanguageModelLoss.TokenSum(model, ids, mask, labels);
            loss = sum / tokens;
            loss.backward();
            foreach (var (name, p) in model.named_parameters()) grads[name] = p.grad!.clone();
        }
        else
        {
            var lora = new LoraConfig { Rank = 4, Alpha = 8, DetachInput = false };
            var slots = LoraSlots.Install(model, lora);
            slots.FreezeBase();
            using var adapter = new LoraAdapter(Tiny, lora, model.Device);
            using (torch.no_grad()) foreach (var p in adapter.parameters()) p.normal_(0, 0.1);   // B starts at zero: give it a value
            slots.Use(adapter);
            var (sum, tokens) = LanguageModelLoss.TokenSum(model, ids, mask, labels);
            loss = sum / tokens;
            loss.backward();
            foreach (var (name, p) in adapter.named_parameters()) grads[name] = p.grad!.clone();
        }
        return (loss.item<float>(), grads);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Trainable_weights_get_the_same_loss_and_gradients(bool fullFineTune)
    {
        var plain = TrainableStep(checkpointed: false, fullFineTune);
        var checkpointed = TrainableStep(checkpointed: true, fullFineTune);
        Assert.Equal(plain.Loss, checkpointed.Loss, 6);
        Assert.NotEmpty(plain.Grads);
        foreach (var (name, g) in plain.Grads)
            Assert.True(g.allclose(checkpointed.Grads[name], rtol: 1e-5, atol: 1e-7), $"{name}: max |Δ| {(g - checkpointed.Grads[name]).abs().max().item<float>()}");
    }

    [Fact]
    public void Inference_and_decoding_are_unchanged_by_the_switch()
    {
        torch.manual_seed(3);
        var model = new DecoderLM(Tiny);
        var (ids, mask, _) = Batch();
        using var plain = model.Forward(ids, mask);
        model.ActivationCheckpointing = true;
        using var checkpointed = model.Forward(ids, mask);   // nothing needs a gradient: the blocks run as usual
        Assert.True(plain.allclose(checkpointed));
        var prompts = new[] { new[] { 5, 6, 7 }, new[] { 9, 10 } };
        model.ActivationCheckpointing = false;
        var expected = Generation.Greedy(model, prompts, 4, eosTokenId: null);
        model.ActivationCheckpointing = true;
        Assert.Equal(expected, Generation.Greedy(model, prompts, 4, eosTokenId: null));
    }
}
