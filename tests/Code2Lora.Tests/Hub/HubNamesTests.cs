using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>Repository ids, cache folder names and file globs behave as in huggingface_hub.</summary>
public class HubNamesTests
{
    [Theory]
    [InlineData("Qwen/Qwen2.5-Coder-1.5B", HubRepoType.Model, "models--Qwen--Qwen2.5-Coder-1.5B")]
    [InlineData("Qwen/Qwen3-Embedding-0.6B", HubRepoType.Model, "models--Qwen--Qwen3-Embedding-0.6B")]
    [InlineData("someone/repopeftbench_v1", HubRepoType.Dataset, "datasets--someone--repopeftbench_v1")]
    [InlineData("gpt2", HubRepoType.Model, "models--gpt2")]
    public void CacheFolderNamesMatchHuggingFaceHub(string id, HubRepoType type, string folder) =>
        Assert.Equal(folder, HubRepo.Create(id, type).CacheFolderName);

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("owner/-name")]
    [InlineData("owner/na--me")]
    [InlineData("owner/na..me")]
    [InlineData("owner/name.git")]
    [InlineData("owner/na me")]
    [InlineData("")]
    public void InvalidIdsAreRefusedWithTheRule(string id) =>
        Assert.Contains("is not a Hub repository id", Assert.Throws<HubException>(() => HubRepo.Create(id)).Message);

    [Theory]
    [InlineData("Qwen/Qwen2.5-Coder-1.5B", true)]
    [InlineData("data/models", true)]
    [InlineData("gpt2", false)]
    [InlineData("/abs/path", false)]
    [InlineData("./rel/path", false)]
    [InlineData("a/b/c", false)]
    public void NamespacedIdsAreToldFromPaths(string text, bool id) => Assert.Equal(id, HubRepo.LooksLikeNamespacedId(text));

    [Theory]
    [InlineData("*.json", "config.json", true)]
    [InlineData("*.json", "sub/dir/config.json", true)]        // fnmatch's '*' crosses '/'
    [InlineData("*.safetensors", "model.safetensors.index.json", false)]
    [InlineData("data/", "data/train.parquet", true)]          // a trailing '/' means the whole folder
    [InlineData("data/", "metadata/x", false)]
    [InlineData("model-0000?-of-00002.safetensors", "model-00001-of-00002.safetensors", true)]
    [InlineData("[!.]*", ".gitattributes", false)]
    [InlineData("[!.]*", "README.md", true)]
    [InlineData("[ab]*", "b.txt", true)]
    [InlineData("[unclosed", "[unclosed", true)]
    [InlineData("README.MD", "README.md", false)]                // case-sensitive, like fnmatchcase
    public void GlobsFollowPythonFnmatch(string pattern, string path, bool match) =>
        Assert.Equal(match, new FileFilter([pattern]).Accepts(path));

    [Fact]
    public void ExcludeWinsOverInclude()
    {
        var filter = new FileFilter(["*.parquet"], ["embeddings/"]);
        Assert.True(filter.Accepts("data/train.parquet"));
        Assert.False(filter.Accepts("embeddings/train.parquet"));
        Assert.False(filter.Accepts("README.md"));
        Assert.True(new FileFilter().Accepts("anything/at/all"));
    }
}
