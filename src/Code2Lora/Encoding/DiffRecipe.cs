namespace Code2Lora.Encoders;

/// <summary>Recipe (c), the released "diff_embedding": concat(max over chunks, mean over chunks) of a commit's filtered diff.</summary>
public sealed record DiffRecipe
{
    /// <summary>Windows of the diff text (512 tokens, overlap 64, max_length 512; minimum not stated, 1 here).</summary>
    public ChunkingConfig Chunking { get; init; } = new() { WindowTokens = 512, OverlapTokens = 64, MinWindowTokens = 1, RetokenizeMaxLength = 512 };

    /// <summary>The released values.</summary>
    public static DiffRecipe Released => new();

    /// <summary>CPU-sized windows (64 tokens, overlap 8).</summary>
    public static DiffRecipe Tiny => new()
    {
        Chunking = new ChunkingConfig { WindowTokens = 64, OverlapTokens = 8, MinWindowTokens = 1, RetokenizeMaxLength = 64 },
    };
}
