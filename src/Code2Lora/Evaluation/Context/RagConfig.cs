using Code2Lora.Encoders;
using Code2Lora.Mining;

namespace Code2Lora.Evaluation.Context;

/// <summary>How chunks are ranked against the query.</summary>
public enum RagRetriever
{
    /// <summary>Cosine of L2-normalised masked-mean embeddings (the paper's RAG).</summary>
    Dense,

    /// <summary>Okapi BM25 over code-aware tokens (an option, no model needed).</summary>
    Bm25,
}

/// <summary>The RAG baseline (paper-notes §4.1, Table 8; authors' baselines/rag/{build_indices,test_rag}.py).</summary>
public sealed record RagConfig
{
    /// <summary>Tokens of the base tokenizer per chunk window (paper 512; Table 8 also 256).</summary>
    public int ChunkTokens { get; init; } = 512;

    /// <summary>Tokens shared by consecutive windows of a file.</summary>
    public int Overlap { get; init; } = 64;

    /// <summary>Chunks kept per repository: the first ones in file-path order, windows in file order (the authors' rule).</summary>
    public int MaxChunksPerRepo { get; init; } = 300;

    /// <summary>Chunks retrieved per task (paper 3; Table 8 also 5, 10).</summary>
    public int K { get; init; } = 3;

    /// <summary>Dense (paper) or BM25.</summary>
    public RagRetriever Retriever { get; init; } = RagRetriever.Dense;

    /// <summary>Between retrieved chunks, and between the last chunk and the prefix (the authors join with three newlines).</summary>
    public string Separator { get; init; } = "\n\n\n";

    /// <summary>Write the best chunk last, next to the prefix (the paper writes it first). Prompts are cut on the left, so with a short
    /// prompt cap the least relevant chunk is the one cut; with the paper's 16k-token cap nothing is cut and the order barely matters.</summary>
    public bool MostRelevantLast { get; init; } = true;

    /// <summary>The query is the prefix's last this many characters, then its first ChunkTokens tokens (the authors' prefix[-2000:], truncated to 512).</summary>
    public int QueryChars { get; init; } = 2000;

    /// <summary>Indexed files: non-test .py/.md/.rst outside the skipped directories (recipe a's file rule).</summary>
    public RepoFileFilter Files { get; init; } = new() { Extensions = [".py", ".md", ".rst"], ExcludeTests = true, Rules = new MiningRules() };

    /// <summary>Result name: "rag" for the paper's setting, else "rag-{ChunkTokens}-k{K}" (with "-bm25" for BM25).</summary>
    public string MethodName => (ChunkTokens, Overlap, K, Retriever) == (512, 64, 3, RagRetriever.Dense) ? "rag" : SweepName;

    /// <summary>"rag-{ChunkTokens}-k{K}" (+ "-bm25"), the Table-8 naming.</summary>
    public string SweepName => $"rag-{ChunkTokens}-k{K}" + (Retriever == RagRetriever.Bm25 ? "-bm25" : "");

    /// <summary>The windowing of files, as the shared chunking arithmetic takes it (every non-empty window kept).</summary>
    public ChunkingConfig Chunking => new() { WindowTokens = ChunkTokens, OverlapTokens = Overlap, MinWindowTokens = 1, RetokenizeMaxLength = null };

    /// <summary>Throws a readable error for settings that cannot work.</summary>
    public RagConfig Validate()
    {
        Chunking.Validate();
        if (MaxChunksPerRepo < 1) throw new ArgumentException($"rag: max_chunks_per_repo must be positive, got {MaxChunksPerRepo}.");
        if (K < 1) throw new ArgumentException($"rag: k must be positive, got {K}.");
        if (QueryChars < 1) throw new ArgumentException($"rag: query_chars must be positive, got {QueryChars}.");
        return this;
    }
}
