namespace Code2Lora.Bench.Released;

/// <summary>The released files' column names (paper-notes §3.5) and, per table, which ones the import needs and which it maps.
/// A column a file has but no table maps is listed in the import summary, never dropped silently.</summary>
public static class ReleasedColumns
{
    /// <summary>Column names as released.</summary>
    public const string RepoId = "repo_id", Prefix = "prefix", Target = "target", AssertionType = "assertion_type", Difficulty = "difficulty",
        TestFile = "test_file", TestFunction = "test_function", TestClass = "test_class", LineNo = "lineno", ColOffset = "col_offset",
        CommitIdx = "commit_idx", CommitIndex = "commit_index", CommitSha = "commit_sha", AssertionEventId = "assertion_event_id",
        CommitTimestamp = "commit_timestamp", InRepoSplit = "in_repo_split", CrossRepoSplit = "cross_repo_split",
        ProductionCodeDiff = "production_code_diff", NewAssertions = "n_new_assertions", AddedAssertions = "n_added_assertions",
        ModifiedAssertions = "n_modified_assertions", Embedding = "embedding", DiffEmbedding = "diff_embedding", RepoStateEmbedding = "repo_state_embedding";

    /// <summary>Columns a file of <paramref name="table"/> must have for the import to work.</summary>
    public static IReadOnlyList<string> Required(ReleasedTable table) => table switch
    {
        ReleasedTable.StaticQna => [RepoId, Prefix, Target],
        ReleasedTable.CommitQna => [RepoId, CommitSha, Prefix, Target],
        ReleasedTable.StaticRepos => [RepoId, Embedding],
        ReleasedTable.Commits => [RepoId, CommitIndex, CommitSha, InRepoSplit, DiffEmbedding, RepoStateEmbedding],
        ReleasedTable.StateCommits => [RepoId, CommitIndex, CommitSha, RepoStateEmbedding],
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
    };

    /// <summary>Columns of <paramref name="table"/> mapped when present (a missing one takes its default).</summary>
    public static IReadOnlyList<string> Optional(ReleasedTable table) => table switch
    {
        ReleasedTable.StaticQna or ReleasedTable.CommitQna =>
            [AssertionType, Difficulty, TestFile, TestFunction, TestClass, LineNo, ColOffset, CommitIdx, CommitIndex, CommitSha, AssertionEventId],
        ReleasedTable.StaticRepos => [],
        ReleasedTable.Commits => [CommitTimestamp, ProductionCodeDiff, NewAssertions, AddedAssertions, ModifiedAssertions],
        ReleasedTable.StateCommits => [InRepoSplit],
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
    };

    /// <summary>Columns whose value this package derives from the file's split instead (the split of a row is that of its file).</summary>
    public static IReadOnlyList<string> DerivedFromFile { get; } = [CrossRepoSplit, InRepoSplit];
}
