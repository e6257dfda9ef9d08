using System.Text;
using LibGit2Sharp;
using GitChangeKind = LibGit2Sharp.ChangeKind;

namespace Code2Lora.Mining;

/// <summary>A git repository (work tree or bare) read through LibGit2Sharp. Not thread-safe, like LibGit2Sharp itself.</summary>
internal sealed class GitBackend : IRepoBackend
{
    private readonly Repository repo;
    private readonly string root;
    private readonly MiningRules rules;
    private readonly Dictionary<string, Commit> commitsBySha = new(StringComparer.Ordinal);
    private IReadOnlyList<CommitInfo>? history;

    private GitBackend(Repository repo, string root, MiningRules rules)
    {
        this.repo = repo;
        this.root = root;
        this.rules = rules;
    }

    /// <summary>Opens the repository; refuses one without commits.</summary>
    public static GitBackend Open(string root, MiningRules rules)
    {
        Repository repo;
        try { repo = new Repository(root); }
        catch (LibGit2SharpException e) { throw new MiningException($"{root}: cannot open the git repository ({e.Message.TrimEnd('.')}); repair it (git fsck) or pass another folder.", e); }
        if (repo.Head?.Tip is null)
        {
            var head = repo.Head?.CanonicalName ?? "HEAD";
            repo.Dispose();
            throw new MiningException($"{root}: git repository with no commits ({head} is unborn), nothing to mine; commit something first or pass another folder.");
        }
        return new GitBackend(repo, root, rules);
    }

    public IReadOnlyList<CommitInfo> History => history ??= WalkFirstParents();

    private List<CommitInfo> WalkFirstParents()
    {
        var chain = new List<Commit>();
        for (var c = repo.Head.Tip; c is not null; c = c.Parents.FirstOrDefault()) chain.Add(c);
        chain.Reverse();
        var infos = new List<CommitInfo>(chain.Count);
        for (var i = 0; i < chain.Count; i++)
        {
            var c = chain[i];
            commitsBySha[c.Sha] = c;
            infos.Add(new CommitInfo(c.Sha, i, c.Committer.When, c.Message, i == 0 ? null : chain[i - 1].Sha));
        }
        return infos;
    }

    private Commit Lookup(string sha)
    {
        if (commitsBySha.TryGetValue(sha, out var cached)) return cached;
        Commit? c;
        try { c = repo.Lookup<Commit>(sha); }
        catch (LibGit2SharpException e) { throw new MiningException($"Bad commit id '{sha}' in '{root}': {e.Message}", e); }
        if (c is null) throw new MiningException($"Commit '{sha}' not found in '{root}'.");
        commitsBySha[c.Sha] = c;
        return c;
    }

    public Snapshot ReadSnapshot(string repoId, string sha, Func<string, bool>? include)
    {
        var commit = Lookup(sha);
        var files = new List<SourceFile>();
        var skipped = new List<SkippedFile>();
        Walk(commit.Tree, "", null, include, files, skipped);
        return new Snapshot(repoId, commit.Sha, files, skipped);
    }

    private void Walk(Tree tree, string prefix, string? skippedDir, Func<string, bool>? include,
        List<SourceFile> files, List<SkippedFile> skipped)
    {
        foreach (var entry in tree)
        {
            var path = prefix + entry.Name;
            if (entry.TargetType == TreeEntryTargetType.Tree)
            {
                var dir = skippedDir ?? (FileRules.IsSkippedDirectoryName(entry.Name, rules) ? path : null);
                Walk((Tree)entry.Target, path + "/", dir, include, files, skipped);
                continue;
            }
            if (include is not null && !include(path)) continue;
            if (skippedDir is not null)
            {
                skipped.Add(new SkippedFile(path, SkipReason.SkippedDirectory, skippedDir));
                continue;
            }
            var text = ReadEntry(entry, path, out var skip);
            if (text is not null) files.Add(new SourceFile(path, text));
            else skipped.Add(skip!);
        }
    }

    private string? ReadEntry(TreeEntry entry, string path, out SkippedFile? skipped)
    {
        skipped = null;
        if (SourceText.HasInvalidPathEncoding(path))
            skipped = new SkippedFile(path, SkipReason.InvalidPathEncoding, "the path's bytes are not UTF-8");
        else if (entry.Mode == Mode.SymbolicLink)
            skipped = new SkippedFile(path, SkipReason.Symlink, "git mode 120000");
        else if (entry.Mode == Mode.GitLink || entry.TargetType == TreeEntryTargetType.GitLink)
            skipped = new SkippedFile(path, SkipReason.Submodule, $"gitlink to {entry.Target.Sha}");
        if (skipped is not null) return null;
        return ReadBlob((Blob)entry.Target, path, out skipped);
    }

    private string? ReadBlob(Blob blob, string path, out SkippedFile? skipped)
    {
        try
        {
            var size = blob.Size;
            // Check the size before loading, so a 500 MB blob is never pulled into memory.
            if (size > rules.MaxFileBytes)
            {
                skipped = new SkippedFile(path, SkipReason.TooLarge, $"{size} bytes > {rules.MaxFileBytes}");
                return null;
            }
            var bytes = new byte[size];
            using (var stream = blob.GetContentStream()) stream.ReadExactly(bytes);
            return SourceText.Decode(path, bytes, rules, out skipped);
        }
        catch (Exception e) when (e is LibGit2SharpException or IOException)
        {
            skipped = new SkippedFile(path, SkipReason.Unreadable, e.Message);
            return null;
        }
    }

    public IReadOnlyList<FileChange> Changes(CommitInfo commit)
    {
        var c = Lookup(commit.Sha);
        var parent = c.Parents.FirstOrDefault();
        var options = new CompareOptions { Similarity = SimilarityOptions.Renames };
        var changes = repo.Diff.Compare<TreeChanges>(parent?.Tree, c.Tree, options);
        var list = new List<FileChange>();
        foreach (var change in changes)
        {
            switch (change.Status)
            {
                case GitChangeKind.Added: list.Add(new FileChange(ChangeKind.Added, change.Path, null)); break;
                case GitChangeKind.Deleted: list.Add(new FileChange(ChangeKind.Deleted, change.OldPath, null)); break;
                case GitChangeKind.Renamed: list.Add(new FileChange(ChangeKind.Renamed, change.Path, change.OldPath)); break;
                case GitChangeKind.Modified or GitChangeKind.TypeChanged:
                    list.Add(new FileChange(ChangeKind.Modified, change.Path, null)); break;
                // Copies are not detected with SimilarityOptions.Renames; unmodified/ignored/untracked/conflicted cannot occur between trees.
            }
        }
        return list;
    }

    public string? ReadText(string sha, string path, out SkippedFile? skipped)
    {
        // A path whose bytes are not UTF-8 reached us with U+FFFD in it, so it cannot be looked up: name the real reason.
        if (SourceText.HasInvalidPathEncoding(path))
        {
            skipped = new SkippedFile(path, SkipReason.InvalidPathEncoding, "the path's bytes are not UTF-8");
            return null;
        }
        var entry = Lookup(sha)[path];
        if (entry is null || entry.TargetType == TreeEntryTargetType.Tree)
        {
            skipped = new SkippedFile(path, SkipReason.Missing, entry is null ? $"not in commit {sha}" : "a directory, not a file");
            return null;
        }
        return ReadEntry(entry, path, out skipped);
    }

    public string ProductionDiff(string? fromSha, string toSha, MiningRules diffRules)
    {
        var fromTree = fromSha is null ? null : Lookup(fromSha).Tree;
        var toTree = Lookup(toSha).Tree;
        var options = new CompareOptions
        {
            ContextLines = diffRules.DiffContextLines,
            InterhunkLines = 0,
            // git's CLI defaults: rename detection (diff.renames) and the indent heuristic are on since git 2.9 / 2.14.
            Similarity = SimilarityOptions.Renames,
            IndentHeuristic = true,
        };
        using var patch = repo.Diff.Compare<Patch>(fromTree, toTree, options);
        var kept = new StringBuilder();
        // Filter whole per-file sections by their new path, as the authors' filter_diff does.
        foreach (var entry in patch)
            if (FileRules.IsProductionPath(entry.Path, diffRules)) kept.Append(AsGitCliPrints(entry.Patch));
        return kept.ToString();
    }

    /// <summary>
    /// libgit2 writes "--- a/x" and "+++ b/x" even for a section with no hunks (an empty file added or deleted);
    /// git's CLI leaves them out there, and this diff is meant to read exactly like git's.
    /// </summary>
    private static string AsGitCliPrints(string section)
    {
        if (section.Contains("\n@@ ", StringComparison.Ordinal)) return section;
        var lines = section.Split('\n');
        return string.Join('\n', lines.Where(l => !l.StartsWith("--- ", StringComparison.Ordinal) && !l.StartsWith("+++ ", StringComparison.Ordinal)));
    }

    public void Dispose() => repo.Dispose();
}
