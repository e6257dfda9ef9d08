using System.Text.Json.Serialization;

namespace Code2Lora.Encoders;

/// <summary>What a stored vector is of: a repository at a commit, as a whole state or as that commit's diff.</summary>
public readonly record struct EmbeddingKey(string RepoId, string CommitSha, string Kind)
{
    /// <summary>Kind of a repository-state vector (recipes a/b).</summary>
    public const string State = "state";

    /// <summary>Kind of a commit-diff vector (recipe c).</summary>
    public const string Diff = "diff";

    /// <summary>A state key.</summary>
    public static EmbeddingKey ForState(string repoId, string commitSha) => new(repoId, commitSha, State);

    /// <summary>A diff key.</summary>
    public static EmbeddingKey ForDiff(string repoId, string commitSha) => new(repoId, commitSha, Diff);
}

/// <summary>One stored vector; the vector is little-endian IEEE fp16 (as the released data stores them), <c>dims</c> values long.</summary>
public sealed class EmbeddingRow
{
    [JsonPropertyName("encoder_id")] public string EncoderId { get; set; } = "";
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    [JsonPropertyName("commit_sha")] public string CommitSha { get; set; } = "";
    /// <summary>"state" or "diff".</summary>
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("dims")] public int Dims { get; set; }
    [JsonPropertyName("vector_fp16")] public byte[] VectorFp16 { get; set; } = [];
}
