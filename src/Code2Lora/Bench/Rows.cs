using System.Text.Json.Serialization;

namespace Code2Lora.Bench;

// Parquet rows of RepoPeftBench.  Column names follow the authors' released Hugging Face datasets
// (paper-notes §3.5) so that their files and ours can be read by the same code.

/// <summary>One assertion-completion task: the model sees <see cref="Prefix"/> and must produce <see cref="Target"/>.</summary>
public sealed class QnaRow
{
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    [JsonPropertyName("prefix")] public string Prefix { get; set; } = "";
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    [JsonPropertyName("assertion_type")] public string AssertionType { get; set; } = "";
    [JsonPropertyName("difficulty")] public string Difficulty { get; set; } = "";
    [JsonPropertyName("test_file")] public string TestFile { get; set; } = "";
    [JsonPropertyName("test_function")] public string? TestFunction { get; set; }
    [JsonPropertyName("test_class")] public string? TestClass { get; set; }
    [JsonPropertyName("lineno")] public int LineNo { get; set; }
    [JsonPropertyName("col_offset")] public int ColOffset { get; set; }
    [JsonPropertyName("commit_sha")] public string CommitSha { get; set; } = "";
    [JsonPropertyName("commit_index")] public int CommitIndex { get; set; }
    /// <summary>Which file of the track this row belongs to: train, cr_val, cr_test, ir_val, ir_test.</summary>
    [JsonPropertyName("split")] public string Split { get; set; } = "";
    /// <summary>Evolution track: stable id of the assertion event (repo, commit, file, key).</summary>
    [JsonPropertyName("assertion_event_id")] public string? AssertionEventId { get; set; }
    /// <summary>repo_specific or generic on forge repositories (the control); unknown on real code.</summary>
    [JsonPropertyName("task_kind")] public string TaskKind { get; set; } = "unknown";
    /// <summary>static or evolution.</summary>
    [JsonPropertyName("track")] public string Track { get; set; } = "";

    /// <summary>A copy of this task assigned to <paramref name="split"/> (cross-validation folds relabel tasks, never the benchmark's files).</summary>
    public QnaRow WithSplit(string split)
    {
        var copy = (QnaRow)MemberwiseClone();
        copy.Split = split;
        return copy;
    }
}

/// <summary>One kept commit of the evolution track, with its production-code diff.</summary>
public sealed class CommitRow
{
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    [JsonPropertyName("cross_repo_split")] public string CrossRepoSplit { get; set; } = "";
    [JsonPropertyName("commit_index")] public int CommitIndex { get; set; }
    [JsonPropertyName("commit_sha")] public string CommitSha { get; set; } = "";
    /// <summary>The committer date in UTC (<see cref="Mining.CommitInfo.Timestamp"/>), the date the history cutoff compares.</summary>
    [JsonPropertyName("commit_timestamp")] public DateTime CommitTimestamp { get; set; }
    [JsonPropertyName("in_repo_split")] public string InRepoSplit { get; set; } = "";
    [JsonPropertyName("production_code_diff")] public string ProductionCodeDiff { get; set; } = "";
    [JsonPropertyName("n_new_assertions")] public int NewAssertions { get; set; }
    [JsonPropertyName("n_added_assertions")] public int AddedAssertions { get; set; }
    [JsonPropertyName("n_modified_assertions")] public int ModifiedAssertions { get; set; }

    /// <summary>A copy of this commit in another cross-repository split (cross-validation folds relabel rows, never the benchmark's files).</summary>
    public CommitRow WithCrossRepoSplit(string split)
    {
        var copy = (CommitRow)MemberwiseClone();
        copy.CrossRepoSplit = split;
        return copy;
    }
}

/// <summary>One repository of a track: its cross-repo split, the snapshot it was read at and where it came from.</summary>
public sealed class RepoRow
{
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    [JsonPropertyName("split")] public string Split { get; set; } = "";
    [JsonPropertyName("snapshot_sha")] public string SnapshotSha { get; set; } = "";
    /// <summary>e.g. "debian:python3-attr=22.2.0-1", "forge:seed=3407", or a clone URL.</summary>
    [JsonPropertyName("provenance")] public string Provenance { get; set; } = "";
    [JsonPropertyName("n_tasks")] public int Tasks { get; set; }
    [JsonPropertyName("n_source_files")] public int SourceFiles { get; set; }
    [JsonPropertyName("n_test_files")] public int TestFiles { get; set; }

    /// <summary>A copy of this repository in another split (cross-validation folds relabel rows, never the benchmark's files).</summary>
    public RepoRow WithSplit(string split)
    {
        var copy = (RepoRow)MemberwiseClone();
        copy.Split = split;
        return copy;
    }
}

/// <summary>Split names used across both tracks.</summary>
public static class SplitNames
{
    public const string Train = "train", CrVal = "cr_val", CrTest = "cr_test", IrVal = "ir_val", IrTest = "ir_test";
    public const string InRepoTrain = "train", InRepoVal = "val", InRepoTest = "test";
    /// <summary>The per-split QnA files of a track, in reading order.</summary>
    public static readonly string[] QnaFiles = [Train, CrVal, CrTest, IrVal, IrTest];
}
