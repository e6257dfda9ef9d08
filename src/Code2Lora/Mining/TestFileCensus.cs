namespace Code2Lora.Mining;

/// <summary>
/// How many test files the paper's rule and the authors' broader rule (<see cref="TestFileRule"/>) find in one repository's
/// first-parent history: distinct paths that were ever a test file, the file versions the evolution miner would parse
/// (one per commit that adds, edits or renames the file), and the test files at HEAD.
/// </summary>
public sealed record TestFileCensus(
    string RepoId, int Commits, int PaperPaths, int CodePaths, int PaperVersions, int CodeVersions, int PaperAtHead, int CodeAtHead,
    IReadOnlyList<string> CodeOnlyPaths)
{
    /// <summary>
    /// Walks the history once: every .py file outside skipped directories that a commit adds, edits or renames is judged by
    /// both rules (the broader one reads its content). <paramref name="onTestVersion"/> sees each version a rule calls a test
    /// (path, commit, text, paper rule?), e.g. to collect them for the CPython differential.
    /// </summary>
    public static TestFileCensus Take(RepoSource source, Action<string, CommitInfo, string, bool>? onTestVersion = null)
    {
        var rules = source.Rules;
        var paperPaths = new HashSet<string>(StringComparer.Ordinal);
        var codePaths = new HashSet<string>(StringComparer.Ordinal);
        int paperVersions = 0, codeVersions = 0;
        var history = source.FirstParentHistory();
        foreach (var commit in history)
            foreach (var change in source.Changes(commit))
            {
                if (change.Kind == ChangeKind.Deleted || !IsCandidate(change.Path, rules)) continue;
                var text = source.ReadText(commit.Sha, change.Path, out _);
                if (text is null) continue; // symlinks, submodules, binary or non-UTF-8 versions are not parsed by the miner either
                var paper = FileRules.IsTestFile(change.Path, text, TestFileRule.Paper);
                var code = FileRules.IsTestFile(change.Path, text, TestFileRule.Code);
                if (paper) { paperPaths.Add(change.Path); paperVersions++; }
                if (code) { codePaths.Add(change.Path); codeVersions++; }
                if (paper || code) onTestVersion?.Invoke(change.Path, commit, text, paper);
            }

        var head = source.ReadSnapshot(include: p => IsCandidate(p, rules)).Files;
        return new TestFileCensus(source.RepoId, history.Count, paperPaths.Count, codePaths.Count, paperVersions, codeVersions,
            head.Count(f => FileRules.IsTestFile(f.Path, f.Text, TestFileRule.Paper)),
            head.Count(f => FileRules.IsTestFile(f.Path, f.Text, TestFileRule.Code)),
            codePaths.Except(paperPaths).Order(StringComparer.Ordinal).ToList());
    }

    private static bool IsCandidate(string path, MiningRules rules) =>
        path.EndsWith(".py", StringComparison.Ordinal) && !FileRules.InSkippedDirectory(path, rules);
}
