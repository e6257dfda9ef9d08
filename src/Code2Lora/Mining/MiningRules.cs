namespace Code2Lora.Mining;

/// <summary>The knobs of the mining stage; defaults follow paper-notes §1.2(a), §3.2 and §3.4.</summary>
public sealed record MiningRules
{
    /// <summary>How test files are told apart from repository context.</summary>
    public TestFileRule TestRule { get; init; } = TestFileRule.Paper;

    /// <summary>
    /// Directory names whose contents are never read (exact, case-sensitive match on any directory component).
    /// The union of the embedder's list (§1.2a) and the test separator's list (<c>2_separate_tests.py</c>).
    /// </summary>
    public IReadOnlyList<string> SkipDirectories { get; init; } =
    [
        ".git", "__pycache__", "venv", ".venv", "env", "node_modules", "dist", "build", ".tox", ".mypy_cache",
        ".eggs", ".pytest_cache", ".nox", ".hg", ".svn", "site-packages",
    ];

    /// <summary>Files larger than this many bytes are skipped (§1.2a: 2 MB).</summary>
    public long MaxFileBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Extensions (lower case, with the dot) of the non-test files that form the repository context and its diffs.</summary>
    public IReadOnlyList<string> ProductionExtensions { get; init; } = [".py", ".md", ".rst"];

    /// <summary>Context lines of the production-code diff (<c>git diff -U3</c>).</summary>
    public int DiffContextLines { get; init; } = 3;
}
