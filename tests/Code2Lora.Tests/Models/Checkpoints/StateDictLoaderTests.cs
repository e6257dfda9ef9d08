using Code2Lora.Models.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>Weights land in the right parameters with the module's dtype, and mismatches are listed before anything is written.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class StateDictLoaderTests
{
    /// <summary>Keys: proj.weight [4,3], proj.bias [4], norm.weight [4], norm.bias [4].</summary>
    private sealed class TinyBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Linear proj;
        private readonly LayerNorm norm;

        public TinyBlock() : base(nameof(TinyBlock))
        {
            proj = nn.Linear(3, 4);
            norm = nn.LayerNorm(4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => norm.forward(proj.forward(x));
    }

    // Float64 on purpose: the loader must convert to the parameters' float32.
    private static Dictionary<string, Tensor> Checkpoint() => new()
    {
        ["proj.weight"] = arange(12, dtype: float64).reshape(4, 3) / 8,
        ["proj.bias"] = tensor(new[] { 0.5, -0.5, 1.0, -1.0 }),
        ["norm.weight"] = tensor(new[] { 2.0, 2.0, 0.5, 0.5 }),
        ["norm.bias"] = tensor(new[] { 0.0, 0.25, 0.0, -0.25 }),
    };

    [Fact]
    public void LoadsExactValuesConvertingDType()
    {
        using var block = new TinyBlock();
        var weights = Checkpoint();

        StateDictLoader.Load(block, weights);

        var state = block.state_dict();
        Assert.Equal(new[] { "norm.bias", "norm.weight", "proj.bias", "proj.weight" }, state.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, t) in weights)
        {
            Assert.Equal(float32, state[name].dtype);
            Assert.Equal(t.to(float32).data<float>().ToArray(), state[name].data<float>().ToArray());
        }
        Assert.True(state["proj.weight"].requires_grad);
        Assert.Equal(new[] { 0f, 0.125f, 0.25f }, state["proj.weight"][0].data<float>().ToArray());
    }

    [Fact]
    public void SafetensorsRoundTripReproducesTheModuleOutput()
    {
        using var dir = new CheckpointTempDir();
        using var source = new TinyBlock();
        using var target = new TinyBlock();
        var path = dir.File("model.safetensors");
        SafeTensors.Save(path, source.state_dict());

        StateDictLoader.Load(target, SafeTensors.Load(path));

        using var x = randn(5, 3);
        Assert.Equal(source.forward(x).data<float>().ToArray(), target.forward(x).data<float>().ToArray());
    }

    [Fact]
    public void RenameMapsCheckpointKeysAndDropsNulls()
    {
        using var block = new TinyBlock();
        var weights = Checkpoint().ToDictionary(kv => "model." + kv.Key, kv => kv.Value);
        weights["lm_head.weight"] = ones(2);

        StateDictLoader.Load(block, weights, rename: k => k.StartsWith("model.") ? k["model.".Length..] : null);

        Assert.Equal(new[] { 0.5f, -0.5f, 1f, -1f }, block.state_dict()["proj.bias"].data<float>().ToArray());
    }

    [Fact]
    public void MismatchesAreListedWithCountsAndNothingIsWritten()
    {
        using var block = new TinyBlock();
        var before = block.state_dict()["proj.bias"].clone();
        var weights = Checkpoint();
        weights.Remove("norm.bias");
        weights["extra.weight"] = ones(1);
        weights["proj.weight"] = zeros(3, 4);

        var e = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(block, weights));

        Assert.Contains("1 missing key: norm.bias", e.Message);
        Assert.Contains("1 unexpected key: extra.weight", e.Message);
        Assert.Contains("1 shape mismatch: proj.weight (expected [4, 3], found [3, 4])", e.Message);
        Assert.Equal(before.data<float>().ToArray(), block.state_dict()["proj.bias"].data<float>().ToArray());
    }

    [Fact]
    public void NonStrictIgnoresMissingAndUnexpectedButNotShapes()
    {
        using var block = new TinyBlock();
        var partial = new Dictionary<string, Tensor> { ["proj.bias"] = tensor(new[] { 9f, 8f, 7f, 6f }), ["other"] = ones(3) };

        StateDictLoader.Load(block, partial, strict: false);
        Assert.Equal(new[] { 9f, 8f, 7f, 6f }, block.state_dict()["proj.bias"].data<float>().ToArray());

        partial["proj.bias"] = ones(5);
        var e = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(block, partial, strict: false));
        Assert.Contains("proj.bias (expected [4], found [5])", e.Message);
        Assert.DoesNotContain("unexpected", e.Message);
    }

    [Fact]
    public void LongListsAreCutAtTwentyWithTheFullCount()
    {
        using var block = new TinyBlock();
        var weights = Checkpoint();
        for (var i = 0; i < 25; i++) weights[$"junk.{i:D2}"] = ones(1);

        var e = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(block, weights));

        Assert.Contains("25 unexpected keys: junk.00, ", e.Message);
        Assert.Contains("junk.19, … and 5 more", e.Message);
        Assert.DoesNotContain("junk.20", e.Message);
    }

    [Fact]
    public void TwoKeysRenamedOntoOneTargetAreRefused()
    {
        using var block = new TinyBlock();
        var weights = Checkpoint();
        weights["proj.bias.copy"] = weights["proj.bias"];
        var e = Assert.Throws<CheckpointException>(() =>
            StateDictLoader.Load(block, weights, rename: k => k.Replace(".copy", "")));
        Assert.Contains("both renamed to 'proj.bias'", e.Message);
    }
}
