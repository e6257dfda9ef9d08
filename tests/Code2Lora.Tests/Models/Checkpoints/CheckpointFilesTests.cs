using System.Text.Json.Nodes;
using Code2Lora.Models.Checkpoints;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>Model directories: sharded save with a Hugging Face index, single-file save, and the errors of broken directories.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class CheckpointFilesTests
{
    // Five F32 tensors of 16 elements (64 bytes each), plus a BF16 one of 8 elements (16 bytes).
    private static Dictionary<string, Tensor> Weights() => new()
    {
        ["layers.0.w"] = arange(16, dtype: float32),
        ["layers.1.w"] = arange(16, dtype: float32) * 2,
        ["layers.2.w"] = arange(16, dtype: float32) * 3,
        ["layers.3.w"] = arange(16, dtype: float32) * 4,
        ["lm_head.weight"] = arange(16, dtype: float32).reshape(4, 4) - 8,
        ["norm.weight"] = linspace(-1, 1, 8).to(bfloat16),
    };

    [Fact]
    public void ShardedSaveWritesHfNamesAndIndexAndLoadsBack()
    {
        using var dir = new CheckpointTempDir();
        var weights = Weights();

        CheckpointFiles.SaveSharded(dir.Path, weights, maxShardBytes: 150, new Dictionary<string, string> { ["format"] = "pt" });

        // Ordinal order, 150-byte budget: [l0, l1] [l2, l3] [lm_head, norm]
        var files = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json" }, files);
        var index = JsonNode.Parse(File.ReadAllText(dir.File(CheckpointFiles.IndexFileName)))!;
        Assert.Equal(5 * 64 + 16, (long)index["metadata"]!["total_size"]!);
        Assert.Equal("model-00002-of-00003.safetensors", (string)index["weight_map"]!["layers.3.w"]!);
        Assert.Equal("model-00003-of-00003.safetensors", (string)index["weight_map"]!["norm.weight"]!);
        Assert.Equal("pt", SafeTensors.ReadHeader(dir.File("model-00001-of-00003.safetensors")).Metadata["format"]);

        var loaded = CheckpointFiles.LoadDirectory(dir.Path);
        Assert.Equal(weights.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, t) in weights) SafeTensorsRoundTripTests.AssertSame(t, loaded[name], name);
    }

    [Fact]
    public void SaveThatFitsWritesOneFileAndRemovesAnOlderShardedLayout()
    {
        using var dir = new CheckpointTempDir();
        var weights = Weights();
        CheckpointFiles.SaveSharded(dir.Path, weights, maxShardBytes: 150);
        File.WriteAllText(dir.File("config.json"), "{}");

        CheckpointFiles.SaveSharded(dir.Path, weights, maxShardBytes: 1 << 20);

        var files = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "config.json", "model.safetensors" }, files);
        var loaded = CheckpointFiles.LoadDirectory(dir.Path);
        foreach (var (name, t) in weights) SafeTensorsRoundTripTests.AssertSame(t, loaded[name], name);
    }

    [Fact]
    public void TensorLargerThanTheShardLimitGetsAShardOfItsOwn()
    {
        using var dir = new CheckpointTempDir();
        var weights = new Dictionary<string, Tensor> { ["a"] = ones(4), ["big"] = ones(100), ["c"] = ones(4) };
        CheckpointFiles.SaveSharded(dir.Path, weights, maxShardBytes: 32);
        var index = JsonNode.Parse(File.ReadAllText(dir.File(CheckpointFiles.IndexFileName)))!;
        Assert.Equal("model-00002-of-00003.safetensors", (string)index["weight_map"]!["big"]!);
        Assert.Equal(100, CheckpointFiles.LoadDirectory(dir.Path)["big"].numel());
    }

    [Fact]
    public void DirectoryWithoutWeightsNamesWhatItHolds()
    {
        using var dir = new CheckpointTempDir();
        File.WriteAllText(dir.File("config.json"), "{}");
        var e = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadDirectory(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("neither model.safetensors nor model.safetensors.index.json", e.Message);
        Assert.Contains("config.json", e.Message);
        Assert.Contains("not found", Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadDirectory(dir.File("nope"))).Message);
    }

    [Fact]
    public void IndexNamingAMissingShardIsReported()
    {
        using var dir = new CheckpointTempDir();
        CheckpointFiles.SaveSharded(dir.Path, Weights(), maxShardBytes: 150);
        File.Delete(dir.File("model-00002-of-00003.safetensors"));
        var e = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadDirectory(dir.Path));
        Assert.Contains(CheckpointFiles.IndexFileName, e.Message);
        Assert.Contains("shard 'model-00002-of-00003.safetensors'", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Theory]
    [InlineData("{ broken", "not valid JSON")]
    [InlineData("{\"metadata\": {}}", "no \"weight_map\"")]
    [InlineData("{\"weight_map\": {\"w\": \"../outside.safetensors\"}}", "not a plain file name")]
    [InlineData("{\"weight_map\": {\"w\": 3}}", "not a file name")]
    public void BrokenIndexIsReported(string index, string fragment)
    {
        using var dir = new CheckpointTempDir();
        File.WriteAllText(dir.File(CheckpointFiles.IndexFileName), index);
        var e = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadDirectory(dir.Path));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void IndexPlacingATensorInAShardThatLacksItIsReported()
    {
        using var dir = new CheckpointTempDir();
        SafeTensors.Save(dir.File("model-00001-of-00001.safetensors"), new Dictionary<string, Tensor> { ["a"] = ones(2) });
        File.WriteAllText(dir.File(CheckpointFiles.IndexFileName),
            "{\"weight_map\": {\"a\": \"model-00001-of-00001.safetensors\", \"ghost\": \"model-00001-of-00001.safetensors\"}}");
        var e = Assert.Throws<CheckpointException>(() => CheckpointFiles.LoadDirectory(dir.Path));
        Assert.Contains("ghost", e.Message);
    }
}
