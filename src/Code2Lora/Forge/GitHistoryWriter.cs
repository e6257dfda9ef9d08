using System.Text;
using LibGit2Sharp;

namespace Code2Lora.Forge;

/// <summary>
/// Writes a planned history as real git commits with LibGit2Sharp, straight into the object database
/// (no working-tree churn per commit), then checks out the last commit on <c>main</c>.
/// Commit ids depend only on content, messages and the fixed signatures, so they are reproducible.
/// </summary>
internal static class GitHistoryWriter
{
    /// <summary>Creates a repository at <paramref name="path"/> and returns the commit ids, oldest first.</summary>
    public static List<string> Write(string path, ForgedHistory history)
    {
        Repository.Init(path);
        using var repo = new Repository(path);
        var blobs = new Dictionary<string, (string Content, Blob Blob)>(StringComparer.Ordinal);
        var shas = new List<string>(history.Commits.Count);
        Commit? parent = null;
        var email = $"maintainer@{history.Package}.forge.invalid";
        foreach (var planned in history.Commits)
        {
            var tree = new TreeDefinition();
            foreach (var (file, content) in planned.Files)
            {
                if (!blobs.TryGetValue(file, out var cached) || cached.Content != content)
                {
                    using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
                    cached = (content, repo.ObjectDatabase.CreateBlob(stream));
                    blobs[file] = cached;
                }
                tree.Add(file, cached.Blob, Mode.NonExecutableFile);
            }
            var signature = new Signature("Forge Maintainer", email, planned.When);
            var commit = repo.ObjectDatabase.CreateCommit(signature, signature, planned.Message + "\n",
                repo.ObjectDatabase.CreateTree(tree), parent is null ? [] : [parent], prettifyMessage: false);
            shas.Add(commit.Sha);
            parent = commit;
        }
        repo.Refs.Add("refs/heads/main", parent!.Id);
        repo.Refs.UpdateTarget("HEAD", "refs/heads/main");
        repo.Reset(ResetMode.Hard, parent);
        return shas;
    }
}
