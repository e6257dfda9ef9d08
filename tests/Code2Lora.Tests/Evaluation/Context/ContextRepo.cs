using Code2Lora.Bench;
using Code2Lora.Mining;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Evaluation.Context;

/// <summary>A plain-folder repository written by a test (one synthetic commit), with helpers to make tasks on it.</summary>
internal sealed class ContextRepo : IDisposable
{
    private readonly TempDir dir = new();

    public ContextRepo(string repoId, IReadOnlyDictionary<string, string> files)
    {
        var root = dir.Sub("repo");
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        Input = new RepoInput(repoId, root, "test", Static: true, Evolution: false);
        using var source = RepoSource.Open(root, repoId);
        Sha = source.Head.Sha;
    }

    public RepoInput Input { get; }
    public string Sha { get; }
    public string Scratch(string name) => dir.Sub(name);

    public QnaRow Task(string prefix, string testFile = "tests/test_x.py") =>
        new() { RepoId = Input.RepoId, CommitSha = Sha, TestFile = testFile, Prefix = prefix, Target = "x" };

    public void Dispose() => dir.Dispose();
}
