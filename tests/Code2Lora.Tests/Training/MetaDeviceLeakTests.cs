using Code2Lora.Adapters;
using Code2Lora.Encoders;
using Code2Lora.Experiments;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using Code2Lora.Training.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Training;

/// <summary>Nothing assumes the CPU: one Static training step, one Evo step and one greedy decoding step of the real recipes run on
/// the "meta" device (shapes only, no storage) at Qwen2.5-Coder-1.5B and Qwen3-Embedding-0.6B dimensions, bf16 base, with the
/// paper's sequence lengths. LibTorch refuses any op that mixes a meta tensor with one made on the CPU (the default device when
/// code forgets to pass one), so a tensor created on another device fails the step; the outputs are checked to be on meta too.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class MetaDeviceLeakTests
{
    private static readonly ComputeTarget Meta = ComputeTarget.Resolve("meta", "bf16", "test");
    private static readonly ModelConfig Base = ModelConfigs.Get("qwen2.5-coder-1.5b");
    private static readonly LoraConfig PaperLora = new() { Rank = 16, Alpha = 32, DetachInput = true };

    private static DecoderLM PaperBase()
    {
        var model = new DecoderLM(Base, Meta.Device, Meta.Dtype) { ActivationCheckpointing = true };
        model.eval();
        return model;
    }

    private static CompletionExample Task(int index, string repo, string sha, int length) => SyntheticInputs.Example(index, repo, sha, length, 151_000, 24);

    private static float[] Vector(int width, int seed) => SyntheticInputs.Vector(width, seed);

    private static void AssertOnMeta(Tensor t, string what) => Assert.True(t.device.type == DeviceType.META, $"{what} is on {t.device}");

    [Fact]
    public void A_cpu_tensor_meeting_a_meta_tensor_is_refused()
    {
        // The mechanism every other test here relies on.
        using var meta = torch.zeros(4, device: Meta.Device);
        using var cpu = torch.ones(4);
        Assert.ThrowsAny<Exception>(() => (meta + cpu).Dispose());
    }

    [Fact]
    public void Static_training_step_at_8192_tokens_stays_on_the_device()
    {
        using var scope = torch.NewDisposeScope();
        var model = PaperBase();
        var slots = LoraSlots.Install(model, PaperLora);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 2048, HiddenDim = 512, Lora = PaperLora }, Base, Meta.Device);
        var contexts = RepoContexts.From(new Dictionary<(string, string), float[]> { [("repo", "s0")] = Vector(2048, 1) });
        var batches = new CompletionBatches([Task(0, "repo", "s0", 8192)], batchSize: 1, accumulation: 8, padId: 151643, seed: 3407);
        var recipe = new StaticRecipe(slots, head, batches, [], contexts);
        var (loss, tokens) = recipe.Loss(0, 0);
        AssertOnMeta(loss, "the loss");
        Assert.Equal(24, tokens);
        loss.backward();
        Step(recipe.Trainable);
        Assert.All(head.parameters(), p => AssertOnMeta(p, "a head parameter"));
        Assert.All(model.parameters(), p => Assert.Null(p.grad));   // the base stayed frozen
    }

    [Fact]
    public void Evo_step_at_4096_tokens_stays_on_the_device()
    {
        using var scope = torch.NewDisposeScope();
        var model = PaperBase();
        var slots = LoraSlots.Install(model, PaperLora);
        var gru = new CommitGru(new CommitGruConfig { DiffDim = 2048, StateDim = 2048, HiddenDim = 2048 }, Meta.Device);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 2048, HiddenDim = 1024, Lora = PaperLora }, Base, Meta.Device);
        var history = new CommitHistory("repo", "train", Vector(2048, 1),
            [new CommitStep("c0", 0, "train", Vector(2048, 2), null), new CommitStep("c1", 1, "train", Vector(2048, 3), null)]);
        var tasks = new Dictionary<(string, string), IReadOnlyList<CompletionExample>>
        {
            [("repo", "c1")] = Enumerable.Range(0, 8).Select(i => Task(i, "repo", "c1", 4096)).ToList(),   // ≤ 8 QnAs per commit
        };
        var recipe = new EvoRecipe(slots, gru, head, [history], tasks, new EvoWalkSettings { PadId = 151643 });
        var (loss, tokens) = recipe.Loss(0, 0);       // GRU advance over both commits, head, LoRA loss
        AssertOnMeta(loss, "the loss");
        Assert.Equal(8 * 24, tokens);
        loss.backward();
        Step(recipe.Trainable);
        Assert.All(recipe.Trainable, p => AssertOnMeta(p.Param, p.Name));
    }

    [Fact]
    public void Greedy_decoding_at_16384_input_tokens_and_encoding_stay_on_the_device()
    {
        using var scope = torch.NewDisposeScope();
        var model = PaperBase();
        var slots = LoraSlots.Install(model, PaperLora);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 2048, HiddenDim = 512, Lora = PaperLora }, Base, Meta.Device);
        using var noGrad = torch.no_grad();
        var prompts = new[] { Task(0, "r", "s", 16_384).Sequence.Ids, Task(1, "r", "s", 9_000).Sequence.Ids };
        slots.Use(head.forward(torch.zeros(2, 2048, device: Meta.Device)));
        var (ids, mask) = Generation.LeftPad(prompts, 151643, model.Device);
        using var banned = Generation.BannedBias(new HashSet<int> { 151659, 151660, 151661, 151662, 151663, 151664 }, Base.VocabSize, model.Device);   // FIM specials
        using var cache = model.NewCache();
        var next = Generation.Step(model, ids, mask, cache, banned);                      // prefill
        AssertOnMeta(next, "the next tokens");
        next = Generation.Step(model, next.unsqueeze(1), torch.ones(2, 1, dtype: ScalarType.Int64, device: model.Device), cache, banned);
        AssertOnMeta(next, "the second tokens");
        Assert.Equal(16_385, cache.Length);

        // The repository encoder: 2,048-token state windows (recipe b) and 512-token diff windows (recipe c), masked mean.
        var encoder = new DecoderLM(ModelConfigs.Get("qwen3-embedding-0.6b"), Meta.Device, Meta.Dtype);
        foreach (var window in new[] { 2048, 512 })
        {
            var (windows, windowMask) = Generation.LeftPad([Task(2, "r", "s", window).Sequence.Ids, Task(3, "r", "s", window / 2).Sequence.Ids], 151643, encoder.Device);
            var pooled = ChunkEmbedder.MaskedMean(encoder, windows, windowMask);
            AssertOnMeta(pooled, "the chunk vectors");
            Assert.Equal(new long[] { 2, 1024 }, pooled.shape);
        }
    }

    /// <summary>The optimizer half of a step (clipping needs a host read, which meta tensors cannot give).</summary>
    private static void Step(IReadOnlyList<(string Name, Tensor Param, bool Decay)> trainable)
    {
        Assert.All(trainable, p => AssertOnMeta(p.Param.grad ?? throw new InvalidOperationException($"{p.Name} got no gradient"), p.Name + ".grad"));
        using var optimizer = new AdamW(trainable);
        optimizer.Step(new TrainingConfig { Steps = 1 }, 1e-4);
        optimizer.ZeroGrad();
    }
}
