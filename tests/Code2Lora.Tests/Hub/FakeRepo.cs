using System.Security.Cryptography;
using System.Text;
using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>One file of a fake Hub repository, with the checksums the Hub would list for it.</summary>
internal sealed record FakeFile(string Path, byte[] Content, bool Lfs)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));

    /// <summary>The git blob id: of the content for a regular file, of the LFS pointer text for an LFS file.</summary>
    public string BlobId => GitBlobId(Lfs ? Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{Sha256}\nsize {Content.Length}\n") : Content);

    /// <summary>What the cache names the blob: sha256 for LFS, the git blob id otherwise.</summary>
    public string Etag => Lfs ? Sha256 : BlobId;

    public static string GitBlobId(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}

/// <summary>A repository the fake Hub serves: one commit, named by refs, possibly gated.</summary>
internal sealed class FakeRepo(HubRepo repo, IReadOnlyList<FakeFile> files)
{
    public HubRepo Repo { get; } = repo;

    public IReadOnlyList<FakeFile> Files { get; } = files;

    public string Commit { get; } = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("commit of " + repo)));

    /// <summary>Branch and tag names that resolve to <see cref="Commit"/>.</summary>
    public HashSet<string> Refs { get; } = ["main", "v1.0"];

    /// <summary>Answers 401/403 GatedRepo unless the request carries one of <see cref="GrantedTokens"/>.</summary>
    public bool Gated { get; init; }

    public HashSet<string> GrantedTokens { get; } = [];

    public FakeFile File(string path) => Files.Single(f => f.Path == path);

    public string? Resolve(string revision) => Refs.Contains(revision) || revision == Commit ? Commit : null;

    /// <summary>Deterministic pseudo-random bytes (seeded), so tests are repeatable.</summary>
    public static byte[] Bytes(int count, int seed)
    {
        var b = new byte[count];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>A small model repository: text files in git, weights in LFS, a nested LFS file, and two paths with the same content.</summary>
    public static FakeRepo TinyModel()
    {
        var config = Encoding.UTF8.GetBytes("{\"model_type\": \"qwen2\", \"hidden_size\": 32}\n");
        return new FakeRepo(HubRepo.Create("tiny-org/tiny-model"),
        [
            new(".gitattributes", Encoding.UTF8.GetBytes("*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.onnx filter=lfs diff=lfs merge=lfs -text\n"), false),
            new("README.md", Encoding.UTF8.GetBytes("# tiny model\n"), false),
            new("config.json", config, false),
            new("docs/config copy.json", config, false),
            new("docs/usage notes.md", Encoding.UTF8.GetBytes("Load with ModelDirectory.Load(\"tiny-org/tiny-model\").\n"), false),
            new("model.safetensors", Bytes(300_000, 1), true),
            new("onnx/model.onnx", Bytes(70_000, 2), true),
            new("tokenizer.json", Encoding.UTF8.GetBytes("{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}\n"), false),
        ]);
    }

    /// <summary>A small dataset repository laid out like the released Parquet data.</summary>
    public static FakeRepo TinyDataset() => new(HubRepo.Create("tiny-org/tiny-data", HubRepoType.Dataset),
    [
        new("README.md", Encoding.UTF8.GetBytes("---\nlicense: mit\n---\n"), false),
        new("data/test-00000-of-00001.parquet", Bytes(40_000, 3), true),
        new("data/train-00000-of-00001.parquet", Bytes(120_000, 4), true),
        new("embeddings/train.parquet", Bytes(60_000, 5), true),
    ]);
}
