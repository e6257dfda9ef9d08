using System.Buffers.Binary;
using System.Text.Json;
using Code2Lora.Models.Checkpoints;
using TorchSharp;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>Every safetensors file the package writes carries "format": "pt" in "__metadata__": transformers' and PEFT's loaders refuse
/// a file without it ("does not contain the valid metadata").</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class SafeTensorsFormatTests
{
    // What transformers' load_state_dict checks, read straight from the bytes (u64 header length, JSON header) rather than through our parser.
    private static string? FormatOnDisk(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, n));
        return header.RootElement.TryGetProperty("__metadata__", out var m) && m.TryGetProperty("format", out var f) ? f.GetString() : null;
    }

    private static Dictionary<string, torch.Tensor> Tensors() => new() { ["w"] = torch.ones(2, 3), ["b"] = torch.zeros(3) };

    [Fact]
    public void AFileSavedWithoutMetadataStillSaysFormatPt()
    {
        using var dir = new CheckpointTempDir();
        SafeTensors.Save(dir.File("plain.safetensors"), Tensors());
        Assert.Equal("pt", FormatOnDisk(dir.File("plain.safetensors")));
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, SafeTensors.ReadHeader(dir.File("plain.safetensors")).Metadata);
    }

    [Fact]
    public void CallerMetadataIsKeptBesideTheFormatAndShardsCarryItToo()
    {
        using var dir = new CheckpointTempDir();
        var tensors = Enumerable.Range(0, 4).ToDictionary(i => $"layer.{i}", _ => torch.ones(64));
        var metadata = new Dictionary<string, string> { ["c2l_preset"] = "tiny" };   // as Pretraining passes to ModelDirectory.Save
        CheckpointFiles.SaveSharded(dir.Path, tensors, long.MaxValue, metadata);
        Assert.Equal("pt", FormatOnDisk(dir.File(CheckpointFiles.SingleFileName)));

        CheckpointFiles.SaveSharded(dir.Path, tensors, maxShardBytes: 300, metadata);
        var shards = Directory.GetFiles(dir.Path, "model-*.safetensors");
        Assert.Equal(4, shards.Length);
        foreach (var shard in shards)
        {
            Assert.Equal("pt", FormatOnDisk(shard));
            Assert.Equal("tiny", SafeTensors.ReadHeader(shard).Metadata["c2l_preset"]);
        }
    }

    [Fact]
    public void AnotherFormatIsRefusedNamingTheFile()
    {
        using var dir = new CheckpointTempDir();
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Save(dir.File("x.safetensors"), Tensors(), new Dictionary<string, string> { ["format"] = "tf" }));
        Assert.Contains(dir.File("x.safetensors"), e.Message);
        Assert.Contains("'tf'", e.Message);
        Assert.False(File.Exists(dir.File("x.safetensors")));
    }
}
