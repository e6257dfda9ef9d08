using System.Text.Json.Serialization;

namespace Code2Lora.Evaluation.Context;

/// <summary>One cached RAG chunk with its embedding (little-endian fp16), a row of <c>{cache}/{index id}/{repo}@{sha}.parquet</c>.</summary>
public sealed class ChunkVectorRow
{
    [JsonPropertyName("repo_id")] public string RepoId { get; set; } = "";
    [JsonPropertyName("commit_sha")] public string CommitSha { get; set; } = "";
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    [JsonPropertyName("window")] public int Window { get; set; }
    [JsonPropertyName("text")] public string Text { get; set; } = "";
    [JsonPropertyName("dims")] public int Dims { get; set; }
    [JsonPropertyName("vector_fp16")] public byte[] VectorFp16 { get; set; } = [];
}

/// <summary>One cached query embedding, keyed by the SHA-256 of the query text; a row of <c>{cache}/{index id}/queries.parquet</c>.</summary>
public sealed class QueryVectorRow
{
    [JsonPropertyName("query_sha256")] public string QuerySha256 { get; set; } = "";
    [JsonPropertyName("dims")] public int Dims { get; set; }
    [JsonPropertyName("vector_fp16")] public byte[] VectorFp16 { get; set; } = [];
}
