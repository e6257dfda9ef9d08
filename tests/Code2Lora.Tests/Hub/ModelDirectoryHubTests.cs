using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Hub;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using TorchSharp;

namespace Code2Lora.Tests.Hub;

/// <summary>ModelDirectory.Load takes a Hub id when the model is in the huggingface_hub cache, and says how to download it when not.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ModelDirectoryHubTests
{
    private static readonly string Shipped = Path.Combine(RepoPaths.Data, "models", "tiny-python-lm");

    [Fact]
    public async Task ACachedHubIdResolvesToItsSnapshotAtMain()
    {
        await using var w = new HubWorld();
        var snapshot = await w.Download(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter(["config.json"]) });
        Assert.Equal(snapshot.Folder, ModelDirectory.Resolve("tiny-org/tiny-model", w.Cache));
        Assert.Equal(Shipped, ModelDirectory.Resolve(Shipped, w.Cache));   // an existing directory is taken as it is
    }

    [Fact]
    public void AnUncachedHubIdGivesTheExactDownloadCommand()
    {
        using var dir = new Forge.TempDir();
        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Resolve("Qwen/Qwen2.5-Coder-1.5B", dir.Path));
        Assert.Contains("Qwen/Qwen2.5-Coder-1.5B is not in the Hugging Face cache", e.Message);
        Assert.EndsWith($"Download it with: c2l hub download Qwen/Qwen2.5-Coder-1.5B --to {dir.Path}", e.Message);

        var path = Assert.Throws<CheckpointException>(() => ModelDirectory.Resolve(Path.Combine(dir.Path, "no", "such", "model"), dir.Path));
        Assert.EndsWith("model directory not found.", path.Message);
    }

    [Fact]
    public void ConfigBaseModelsNameDataFoldersOrHubIds()
    {
        Assert.Equal(Path.Combine(RepoPaths.Data, "models/tiny-python-lm"), FrozenBase.Locate("models/tiny-python-lm"));   // configs/*/tiny.json
        Assert.Equal("Qwen/Qwen2.5-Coder-1.5B", FrozenBase.Locate("Qwen/Qwen2.5-Coder-1.5B"));                          // configs/*/paper.json
    }

    [Fact]
    public async Task TheShippedModelLoadsByHubIdAfterADownloadWithIdenticalLogits()
    {
        var files = Directory.GetFiles(Shipped).Select(p => new FakeFile(Path.GetFileName(p), File.ReadAllBytes(p), p.EndsWith(".safetensors"))).ToList();
        var repo = new FakeRepo(HubRepo.Create("c2l/tiny-python-lm"), files);
        await using var w = new HubWorld(repo);
        await w.Download(new HubDownloadRequest(repo.Repo) { Filter = new FileFilter(exclude: ["*.md"]) });

        var direct = ModelDirectory.Load(Shipped);
        var viaHub = ModelDirectory.Load("c2l/tiny-python-lm", hubCache: w.Cache);
        using (direct.Model)
        using (viaHub.Model)
        {
            Assert.StartsWith(Path.Combine(Path.GetFullPath(w.Cache), "models--c2l--tiny-python-lm", "snapshots"), viaHub.Directory);
            using var ids = torch.tensor(direct.Tokenizer.Encode("def add(a, b):\n    return a + b\n"), dtype: torch.int64).unsqueeze(0);
            using var a = direct.Model.forward(ids);
            using var b = viaHub.Model.forward(ids);
            Assert.True(a.allclose(b, rtol: 0, atol: 0));
        }
    }
}
