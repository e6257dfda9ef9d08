using System.Text.Json.Nodes;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Models.Tokenization;
using Code2Lora.Tests.Models.Checkpoints;
using Code2Lora.Tests.Models.Tokenization;
using TorchSharp;

namespace Code2Lora.Tests.Models;

/// <summary>Model directories (config.json + model.safetensors + tokenizer.json): save/load round trip and the errors of broken ones.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ModelDirectoryTests
{
    private static readonly Lazy<ByteLevelBpeTokenizer> Tokenizer300 = new(() => TokenizerFixtures.Train(300, PreTokenizer.Qwen2Pattern));

    private static DecoderLM TinyModel()
    {
        torch.manual_seed(5);
        return new DecoderLM(ModelConfigs.Get("tiny-qwen2"));
    }

    private static void SaveTiny(string dir)
    {
        using var model = TinyModel();
        ModelDirectory.Save(dir, model, Tokenizer300.Value, new Dictionary<string, string> { ["format"] = "pt", ["step"] = "7" });
    }

    [Fact]
    public void SaveLoadSaveRoundTripsBitIdentically()
    {
        using var a = new CheckpointTempDir();
        using var b = new CheckpointTempDir();
        using var original = TinyModel();
        ModelDirectory.Save(a.Path, original, Tokenizer300.Value, new Dictionary<string, string> { ["format"] = "pt" });

        var loaded = ModelDirectory.Load(a.Path);
        using (loaded.Model)
        {
            Assert.Equal(original.Config, loaded.Config);
            Assert.Equal("pt", loaded.Metadata["format"]);
            Assert.Equal(300, loaded.Tokenizer.VocabSize);
            Assert.Equal(Tokenizer300.Value.Encode("def f(x):\n    return x\n"), loaded.Tokenizer.Encode("def f(x):\n    return x\n"));
            using var ids = torch.tensor(loaded.Tokenizer.Encode("x = 1\nassert x == 1"), dtype: torch.int64).unsqueeze(0);
            using var expected = original.forward(ids);
            using var actual = loaded.Model.forward(ids);
            Assert.True(expected.allclose(actual, rtol: 0, atol: 0));

            ModelDirectory.Save(b.Path, loaded.Model, (ByteLevelBpeTokenizer)loaded.Tokenizer, loaded.Metadata);
        }
        foreach (var name in new[] { "config.json", "model.safetensors", "tokenizer.json" })
            Assert.Equal(File.ReadAllBytes(a.File(name)), File.ReadAllBytes(b.File(name)));
        Assert.Equal(3, Directory.GetFiles(b.Path).Length);
    }

    [Fact]
    public void LoadsShardedWeightsAndConvertsDtype()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        var weights = SafeTensors.Load(dir.File("model.safetensors"));
        CheckpointFiles.SaveSharded(dir.Path, weights, maxShardBytes: 20_000);
        foreach (var t in weights.Values) t.Dispose();
        Assert.False(File.Exists(dir.File("model.safetensors")));

        var loaded = ModelDirectory.Load(dir.Path, dtype: torch.ScalarType.BFloat16);
        using (loaded.Model) Assert.Equal(torch.ScalarType.BFloat16, loaded.Model.DType);
    }

    [Fact]
    public void CheckFindsTruncatedAndMissingShardsWithoutLoading()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        Assert.Equal(ModelConfigs.Get("tiny-qwen2"), ModelDirectory.Check(dir.Path));
        var weights = File.ReadAllBytes(dir.File("model.safetensors"));
        File.WriteAllBytes(dir.File("model.safetensors"), weights[..(weights.Length / 2)]);
        Assert.Contains(dir.File("model.safetensors"), Assert.Throws<CheckpointException>(() => ModelDirectory.Check(dir.Path)).Message);

        File.WriteAllBytes(dir.File("model.safetensors"), weights);
        var tensors = SafeTensors.Load(dir.File("model.safetensors"));
        CheckpointFiles.SaveSharded(dir.Path, tensors, maxShardBytes: 20_000);
        foreach (var t in tensors.Values) t.Dispose();
        ModelDirectory.Check(dir.Path);
        File.Delete(dir.File("model-00002-of-" + Directory.GetFiles(dir.Path, "model-00001-of-*")[0][^17..]));
        Assert.Contains("model-00002-of-", Assert.Throws<CheckpointException>(() => ModelDirectory.Check(dir.Path)).Message);
    }

    [Fact]
    public void AdaptersNameTheBaseByHubIdOrFullPath()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        Assert.Equal(Path.GetFullPath(dir.Path), ModelDirectory.NameOrPath(dir.Path));
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["_name_or_path"] = "Qwen/Qwen2.5-Coder-1.5B";
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        Assert.Equal("Qwen/Qwen2.5-Coder-1.5B", ModelDirectory.NameOrPath(dir.Path));
        config["_name_or_path"] = "/home/someone/models/qwen";             // a path on another machine says nothing here
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        Assert.Equal(Path.GetFullPath(dir.Path), ModelDirectory.NameOrPath(dir.Path));
    }

    private static CheckpointException LoadFails(string dir) => Assert.Throws<CheckpointException>(() => ModelDirectory.Load(dir).Model.Dispose());

    [Fact]
    public void MissingFilesAreNamed()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        File.Delete(dir.File("model.safetensors"));
        var e = LoadFails(dir.Path);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("model.safetensors", e.Message);

        SaveTiny(dir.Path);
        File.Delete(dir.File("config.json"));
        e = LoadFails(dir.Path);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("config.json is missing", e.Message);

        SaveTiny(dir.Path);
        File.Delete(dir.File("tokenizer.json"));
        Assert.Contains("tokenizer.json is missing", LoadFails(dir.Path).Message);

        Assert.Contains("not found", LoadFails(dir.File("nowhere")).Message);
    }

    [Fact]
    public void TokenizerLargerThanTheEmbeddingIsRejected()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["vocab_size"] = 280;
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());

        var e = LoadFails(dir.Path);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("300 ids", e.Message);
        Assert.Contains("vocab_size is 280", e.Message);
    }

    [Fact]
    public void WeightsThatDoNotFitTheConfigAreRejected()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["intermediate_size"] = 96;
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());

        var e = LoadFails(dir.Path);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("shape mismatch", e.Message);
        Assert.Contains("mlp", e.Message);
    }

    [Fact]
    public void TruncatedWeightsAreReported()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        var path = dir.File("model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var e = LoadFails(dir.Path);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void BrokenConfigAndTokenizerAreReportedAsCheckpointErrors()
    {
        using var dir = new CheckpointTempDir();
        SaveTiny(dir.Path);
        File.WriteAllText(dir.File("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        Assert.Contains("WordPiece", LoadFails(dir.Path).Message);

        File.WriteAllText(dir.File("config.json"), "{\"model_type\": \"qwen2\"}");
        var e = LoadFails(dir.Path);
        Assert.Contains("config.json", e.Message);
        Assert.Contains("vocab_size", e.Message);
    }
}
