namespace Code2Lora.Encoders;

/// <summary>A window of a token sequence: first index and length.</summary>
public readonly record struct TokenWindow(int Start, int Length);

/// <summary>The sliding-window arithmetic shared by every recipe.</summary>
public static class ChunkWindows
{
    /// <summary>
    /// Windows over <paramref name="tokenCount"/> tokens: starts 0, step, 2·step, … (step = window − overlap), each
    /// [start, min(start + window, n)). The walk stops after the first window that reaches the end unless
    /// <see cref="ChunkingConfig.KeepTailWindows"/> or after <see cref="ChunkingConfig.MaxWindows"/>; windows shorter than the minimum are dropped.
    /// Example: 10 tokens, window 4, overlap 1 → [0,4) [3,7) [6,10).
    /// </summary>
    public static IReadOnlyList<TokenWindow> Split(int tokenCount, ChunkingConfig config)
    {
        config.Validate();
        var windows = new List<TokenWindow>();
        int step = config.WindowTokens - config.OverlapTokens;
        for (int start = 0; start < tokenCount; start += step)
        {
            int length = Math.Min(config.WindowTokens, tokenCount - start);
            if (length >= config.MinWindowTokens) windows.Add(new TokenWindow(start, length));
            if (windows.Count == config.MaxWindows) break;
            if (start + length >= tokenCount && !config.KeepTailWindows) break;
        }
        return windows;
    }
}
