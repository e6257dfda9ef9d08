namespace Code2Lora.Encoders;

/// <summary>How a text is cut into embedder-token windows before each window is masked-mean pooled (paper-notes §1.2).</summary>
public sealed record ChunkingConfig
{
    /// <summary>Tokens per window (recipe a: 4096, b: 2048, c: 512).</summary>
    public int WindowTokens { get; init; } = 2048;

    /// <summary>Tokens shared by consecutive windows; the step is WindowTokens − OverlapTokens (a: 512, b: 256, c: 64).</summary>
    public int OverlapTokens { get; init; } = 256;

    /// <summary>Windows with fewer tokens are dropped (a: 16, b: 8; c: not stated, 1 here so any non-empty diff counts).</summary>
    public int MinWindowTokens { get; init; } = 8;

    /// <summary>
    /// Also emit the trailing windows that start after a window has already reached the end of the text (they lie
    /// wholly inside their predecessor). Off: the window walk stops at the first window that reaches the end.
    /// </summary>
    public bool KeepTailWindows { get; init; }

    /// <summary>
    /// When set, each window is decoded back to text and re-tokenized, keeping at most this many tokens (the authors'
    /// pattern: a: 4096, c: 512); null feeds the window's ids as they are.
    /// </summary>
    public int? RetokenizeMaxLength { get; init; } = 2048;

    /// <summary>At most this many windows per text, the first ones (null: all). Not in the paper: on a CPU it bounds what a
    /// repository's longest files cost (the start of a file holds its imports, signatures and docstrings).</summary>
    public int? MaxWindows { get; init; }

    /// <summary>Throws a readable error for settings that cannot form windows.</summary>
    public ChunkingConfig Validate()
    {
        if (WindowTokens <= 0) throw new ArgumentException($"chunking: window_tokens must be positive, got {WindowTokens}.");
        if (OverlapTokens < 0 || OverlapTokens >= WindowTokens)
            throw new ArgumentException($"chunking: overlap_tokens must be in [0, window_tokens={WindowTokens}), got {OverlapTokens}.");
        if (MinWindowTokens < 1 || MinWindowTokens > WindowTokens)
            throw new ArgumentException($"chunking: min_window_tokens must be in [1, window_tokens={WindowTokens}], got {MinWindowTokens}.");
        if (RetokenizeMaxLength is <= 0)
            throw new ArgumentException($"chunking: retokenize_max_length must be positive when set, got {RetokenizeMaxLength}.");
        if (MaxWindows is <= 0)
            throw new ArgumentException($"chunking: max_windows must be positive when set, got {MaxWindows}.");
        return this;
    }
}
