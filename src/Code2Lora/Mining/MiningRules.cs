namespace Code2Lora.Mining;

/// <summary>Which files count as tests (paper-notes §3.2).</summary>
public enum TestFileRule
{
    /// <summary>The paper's rule: <c>test_*.py</c>, <c>*_test.py</c>, or under a <c>tests/</c> or <c>test/</c> directory.</summary>
    Paper,
    /// <summary>The authors' code: any path component contains "test", or the content uses pytest/unittest or defines tests.</summary>
    Code,
}

/// <summary>File-level rules of mining: test rule, skipped directories, size limit, which files a production diff keeps.</summary>
public sealed record MiningRules
{
    /// <summary>How test files are recognised.</summary>
    public TestFileRule TestRule { get; init; } = TestFileRule.Paper;
    /// <summary>Directory names whose contents are never read (virtual environments, caches, build outputs).</summary>
    public IReadOnlyList<string> SkipDirectories { get; init; } =
        [".git", "__pycache__", "venv", ".venv", "env", ".env", "node_modules", "dist", "build", ".tox", ".mypy_cache", ".pytest_cache", ".eggs", "site-packages"];
    /// <summary>Files larger than this are skipped (paper: 2 MB).</summary>
    public long MaxFileBytes { get; init; } = 2 * 1024 * 1024;
    /// <summary>Extensions of the non-test files a production-code diff keeps.</summary>
    public IReadOnlyList<string> ProductionExtensions { get; init; } = [".py", ".md", ".rst"];
    /// <summary>Context lines of production diffs (git's -U).</summary>
    public int DiffContextLines { get; init; } = 3;
}
