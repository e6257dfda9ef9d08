using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>Mining over a git repository through libgit2.</summary>
internal sealed class GitBackend : IRepoBackend
{
    private readonly Repository _repo;
    private readonly string _path;

    private GitBackend(Repository repo, string path) { _repo = repo; _path = path; }

    public static GitBackend Open(string path)
    {
        Repository repo;
        try { repo = new Repository(path); }
        catch (LibGit2SharpException e) { throw new MiningException($"'{path}' is not a readable git repository: {e.Message}", e); }
        if (repo.Head?.Tip is null)
        {
            repo.Dispose();
            throw new MiningException($"git repository '{path}' has no commits (empty or unborn HEAD)");
        }
        return new GitBackend(repo, path);
    }

    public CommitInfo Head => Info(_repo.Head.Tip, FirstParentHistory(null).Count - 1);

    public IReadOnlyList<CommitInfo> FirstParentHistory(DateTimeOffset? until)
    {
        var chain = new List<Commit>();
        for (var c = _repo.Head.Tip; c is not null; c = c.Parents.FirstOrDefault()) chain.Add(c);
        chain.Reverse();
        if (until is { } cutoff) chain = chain.Where(c => c.Committer.When <= cutoff).ToList();
        return chain.Select((c, i) => Info(c, i)).ToList();
    }

    private static CommitInfo Info(Commit c, int index) =>
        new(c.Sha, index, c.Committer.When, c.MessageShort, c.Parents.FirstOrDefault()?.Sha);

    private Commit Lookup(string sha) => _repo.Lookup<Commit>(sha) ?? throw new MiningException($"commit {sha} not found in '{_path}'");

    public Snapshot ReadSnapshot(string repoId, string? commitSha, Func<string, bool>? include, MiningRules rules)
    {
        var commit = commitSha is null ? _repo.Head.Tip : Lookup(commitSha);
        var files = new List<SourceFile>();
        var skipped = new List<SkippedFile>();
        Walk(commit.Tree, "", include, rules, files, skipped);
        return new Snapshot(repoId, commit.Sha, files, skipped);
    }

    private static void Walk(Tree tree, string prefix, Func<string, bool>? include, MiningRules rules, List<SourceFile> files, List<SkippedFile> skipped)
    {
        foreach (var entry in tree)
        {
            var path = prefix + entry.Name;
            if (entry.TargetType == TreeEntryTargetType.Tree)
            {
                Walk((Tree)entry.Target, path + "/", include, rules, files, skipped);
                continue;
            }
            if (include is not null && !include(path)) continue;
            if (FileRules.InSkippedDirectory(path, rules)) { skipped.Add(new SkippedFile(path, SkipReason.SkippedDirectory, null)); continue; }
            if (entry.TargetType == TreeEntryTargetType.GitLink) { skipped.Add(new SkippedFile(path, SkipReason.Submodule, null)); continue; }
            if (entry.Mode == Mode.SymbolicLink) { skipped.Add(new SkippedFile(path, SkipReason.Symlink, null)); continue; }
            var text = Read((Blob)entry.Target, path, rules.MaxFileBytes, out var skip);
            if (text is not null) files.Add(new SourceFile(path, text));
            else if (skip is not null) skipped.Add(skip);
        }
    }

    private static string? Read(Blob blob, string path, long maxBytes, out SkippedFile? skipped)
    {
        if (blob.Size > maxBytes) { skipped = new SkippedFile(path, SkipReason.TooLarge, $"{blob.Size} bytes"); return null; }
        using var s = blob.GetContentStream();
        using var ms = new MemoryStream((int)blob.Size);
        s.CopyTo(ms);
        return FileContent.Decode(path, ms.GetBuffer().AsSpan(0, (int)ms.Length), out skipped);
    }

    public IReadOnlyList<FileChange> Changes(CommitInfo commit)
    {
        var c = Lookup(commit.Sha);
        var parent = c.Parents.FirstOrDefault();
        var changes = _repo.Diff.Compare<TreeChanges>(parent?.Tree, c.Tree, new CompareOptions { Similarity = SimilarityOptions.Renames });
        var result = new List<FileChange>();
        foreach (var t in changes)
        {
            var kind = t.Status switch
            {
                LibGit2Sharp.ChangeKind.Added or LibGit2Sharp.ChangeKind.Copied => ChangeKind.Added,
                LibGit2Sharp.ChangeKind.Deleted => ChangeKind.Deleted,
                LibGit2Sharp.ChangeKind.Renamed => ChangeKind.Renamed,
                LibGit2Sharp.ChangeKind.Modified or LibGit2Sharp.ChangeKind.TypeChanged => ChangeKind.Modified,
                _ => (ChangeKind?)null,
            };
            if (kind is { } k) result.Add(new FileChange(k, t.Path, k == ChangeKind.Renamed ? t.OldPath : null));
        }
        return result;
    }

    public string? ReadText(string commitSha, string path, long maxBytes, out SkippedFile? skipped)
    {
        var entry = Lookup(commitSha)[path];
        if (entry is null) { skipped = null; return null; }
        if (entry.TargetType == TreeEntryTargetType.GitLink) { skipped = new SkippedFile(path, SkipReason.Submodule, null); return null; }
        if (entry.Mode == Mode.SymbolicLink) { skipped = new SkippedFile(path, SkipReason.Symlink, null); return null; }
        if (entry.Target is not Blob blob) { skipped = null; return null; }
        return Read(blob, path, maxBytes, out skipped);
    }

    public string ProductionDiff(string? fromSha, string toSha, MiningRules rules)
    {
        var from = fromSha is null ? null : Lookup(fromSha).Tree;
        var to = Lookup(toSha).Tree;
        var options = new CompareOptions { Similarity = SimilarityOptions.None, ContextLines = rules.DiffContextLines };
        var paths = _repo.Diff.Compare<TreeChanges>(from, to, options)
            .Where(t => FileRules.IsProductionFile(t.Path, rules) && t.Mode != Mode.GitLink && t.OldMode != Mode.GitLink)
            .Select(t => t.Path).ToList();
        if (paths.Count == 0) return "";
        using var patch = _repo.Diff.Compare<Patch>(from, to, paths, new ExplicitPathsOptions { ShouldFailOnUnmatchedPath = false }, options);
        return patch.Content;
    }

    public void Dispose() => _repo.Dispose();
}
