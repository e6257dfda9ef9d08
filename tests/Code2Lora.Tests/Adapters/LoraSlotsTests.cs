using Code2Lora.Adapters;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Tests.Adapters;

/// <summary>Installing adapters into a DecoderLM: no-op when empty, trainable and generated sources, batch mixing, merge/unmerge.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class LoraSlotsTests
{
    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void EmptySlotsLeaveKeysAndLogitsBitIdentical(string name)
    {
        using var model = AdapterFixtures.Model(name);
        using var ids = AdapterFixtures.Ids(2, 6);
        var keysBefore = Keys(model);
        using var before = model.Forward(ids);
        var slots = LoraSlots.Install(model, new LoraConfig());
        Assert.Equal(2 * 7, slots.Count);
        Assert.Equal(keysBefore, Keys(model));   // same names and shapes (re-registration moves the wrapped ones to the end of their parent)
        using var empty = model.Forward(ids);
        Assert.True(AdapterFixtures.SameBytes(before, empty));
        // Set, then clear: back to the plain model, bit for bit.
        using var generated = AdapterFixtures.RandomGenerated(model.Config, new LoraConfig(), batch: 2);
        slots.Use(generated);
        using var adapted = model.Forward(ids);
        Assert.True(AdapterFixtures.MaxAbsDiff(adapted, before) > 1e-4);
        slots.Clear();
        using var cleared = model.Forward(ids);
        Assert.True(AdapterFixtures.SameBytes(before, cleared));
        Assert.Throws<InvalidOperationException>(() => LoraSlots.Install(model, new LoraConfig()));
    }

    private static List<string> Keys(Code2Lora.Models.DecoderLM model) =>
        model.state_dict().Select(kv => $"{kv.Key} {string.Join(",", kv.Value.shape)}").Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void TargetSubsetWrapsOnlyThoseProjections()
    {
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, new LoraConfig { TargetModules = ["v_proj", "q_proj"] });
        Assert.Equal(4, slots.Count);
        Assert.Equal("model.layers.1.self_attn.v_proj", slots[1, "v_proj"].Path);
        Assert.Throws<KeyNotFoundException>(() => slots[0, "down_proj"]);
        Assert.Throws<ArgumentException>(() => LoraSlots.Install(model, new LoraConfig { TargetModules = ["lm_head"] }));
    }

    [Fact]
    public void PeftInitialisedAdapterStartsAtTheBaseAndTrainsThroughB()
    {
        using var model = AdapterFixtures.Model();
        using var ids = AdapterFixtures.Ids(2, 6);
        using var before = model.Forward(ids);
        var config = AdapterFixtures.Rank4 with { DetachInput = false };
        var slots = LoraSlots.Install(model, config);
        slots.FreezeBase();
        torch.manual_seed(9);
        using var adapter = new LoraAdapter(model.Config, config);
        Assert.Equal(0f, adapter.Pair(0, "q_proj").B.abs().sum().item<float>());
        Assert.True(adapter.Pair(0, "q_proj").A.abs().sum().item<float>() > 0);
        Assert.Contains("layers.1.down_proj.lora_A", adapter.named_parameters().Select(p => p.name));
        slots.Use(adapter);
        using var logits = model.Forward(ids);
        Assert.True(AdapterFixtures.SameBytes(before, logits));   // B = 0: the delta adds exact zeros
        using var loss = F.cross_entropy(logits[.., ..^1].reshape(-1, 512), ids[.., 1..].reshape(-1));
        loss.backward();
        Assert.All(adapter.parameters().Where(p => p.shape[1] == 4), p => Assert.True(p.grad!.abs().sum().item<float>() > 0));   // every lora_B
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void DecodingDropsFinishedRowsWithTheirAdaptersAndEachRowDecodesAsAlone()
    {
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        using var generated = AdapterFixtures.RandomGenerated(model.Config, AdapterFixtures.Rank4, batch: 3);
        int[][] prompts = [[5, 9, 33, 40], [100, 200], [42, 7, 7]];
        var stopAt = new[] { 1, 6, 3 };   // rows 0 and 2 leave the batch early; row 1 decodes on alone
        slots.Use(generated);
        var counts = new int[3];
        var batched = Code2Lora.Models.Generation.Greedy(model, prompts, 6, eosTokenId: null, stopAfter: (row, _) => ++counts[row] == stopAt[row]);
        Assert.Equal(stopAt, batched.Select(o => o.Length));
        using (var whole = model.Forward(AdapterFixtures.Ids(3, 5)))   // the batch's per-row weights are back after decoding
            Assert.Equal(3, whole.shape[0]);
        for (var i = 0; i < 3; i++)
        {
            using var row = generated.Row(i);
            slots.Use(row);
            Assert.Equal(Code2Lora.Models.Generation.Greedy(model, [prompts[i]], stopAt[i], eosTokenId: null)[0], batched[i]);
        }
    }

    [Fact]
    public void OneBatchMixesRepositoriesRowByRow()
    {
        using var model = AdapterFixtures.Model();
        using var ids = AdapterFixtures.Ids(3, 5);
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        using var generated = AdapterFixtures.RandomGenerated(model.Config, AdapterFixtures.Rank4, batch: 3);
        slots.Use(generated);
        using var batched = model.Forward(ids);
        for (var i = 0; i < 3; i++)
        {
            using var row = generated.Row(i);
            slots.Use(row);
            using var single = model.Forward(ids[i..(i + 1)]);
            Assert.True(AdapterFixtures.MaxAbsDiff(batched[i..(i + 1)], single) < 1e-5, $"row {i}");
            // Another repository's adapter on the same tokens gives other logits: rows are not sharing one adapter.
            using var other = generated.Row((i + 1) % 3);
            slots.Use(other);
            using var crossed = model.Forward(ids[i..(i + 1)]);
            Assert.True(AdapterFixtures.MaxAbsDiff(crossed, single) > 1e-4, $"row {i} vs another adapter");
        }
    }

    [Fact]
    public void MergedLogitsEqualTheDeltaPathAndUnmergeRestoresTheBase()
    {
        using var model = AdapterFixtures.Model();
        using var ids = AdapterFixtures.Ids(2, 6);
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        var baseWeights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var generated = AdapterFixtures.RandomGenerated(model.Config, AdapterFixtures.Rank4, batch: 2);
        slots.Use(generated);
        Assert.Throws<InvalidOperationException>(() => slots.Merge());   // two repositories cannot share one merged weight
        using var one = generated.Row(1);
        slots.Use(one);
        using var withDelta = model.Forward(ids[1..2]);
        slots.Merge();
        Assert.True(slots.IsMerged);
        using var merged = model.Forward(ids[1..2]);
        Assert.True(AdapterFixtures.MaxAbsDiff(withDelta, merged) < 1e-5);
        Assert.Throws<InvalidOperationException>(() => slots.Clear());
        slots.Unmerge();
        // fp32: (W + d) − d equals W up to one rounding of W + d, i.e. a few ulp of |W| + |d| (here ≤ 1e-7 absolute).
        foreach (var (key, value) in model.state_dict())
            Assert.True(AdapterFixtures.MaxAbsDiff(value, baseWeights[key]) < 1e-7, key);
        slots.Clear();
        using var plain = model.Forward(ids[1..2]);
        using var unadapted = new Code2Lora.Models.DecoderLM(model.Config);
        unadapted.load_state_dict(baseWeights);
        using var reference = unadapted.Forward(ids[1..2]);
        Assert.True(AdapterFixtures.MaxAbsDiff(plain, reference) < 1e-5);
    }

    [Fact]
    public void ModelCanChangeDtypeAfterInstalling()
    {
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        model.to(ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, slots[0, "q_proj"].Weight.dtype);
        using var generated = AdapterFixtures.RandomGenerated(model.Config, AdapterFixtures.Rank4, batch: 1);
        slots.Use(generated);
        using var logits = model.Forward(AdapterFixtures.Ids(1, 4));
        Assert.Equal(ScalarType.BFloat16, logits.dtype);
    }

    [Fact]
    public void GeneratedAdaptersKeepTheGraph()
    {
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        slots.FreezeBase();
        using var generated = AdapterFixtures.RandomGenerated(model.Config, AdapterFixtures.Rank4, batch: 2);
        foreach (var t in generated.A.Values.Concat(generated.B.Values)) t.requires_grad_(true);
        slots.Use(generated);
        using var ids = AdapterFixtures.Ids(2, 5);
        model.Forward(ids).square().mean().backward();
        Assert.All(generated.A.Values.Concat(generated.B.Values), t => Assert.True(t.grad!.abs().sum().item<float>() > 0));
    }
}
