using Code2Lora.Mining;

namespace Code2Lora.Encoders;

/// <summary>Recipe for one vector per repository state: files, chunking, pooling (paper-notes §1.2 a/b).</summary>
public sealed record RepoStateRecipe
{
    /// <summary>Which files are embedded.</summary>
    public RepoFileFilter Files { get; init; } = new();

    /// <summary>Windows per file (b: 2048 tokens, overlap 256, minimum 8).</summary>
    public ChunkingConfig Chunking { get; init; } = new();

    /// <summary>File vectors → repository vector.</summary>
    public StatePooling Pooling { get; init; } = StatePooling.MeanMaxL2;

    /// <summary>Recipe (a): softmax temperature τ of the file weights.</summary>
    public double Tau { get; init; } = 0.15;

    /// <summary>Recipe (a): factor on the weighted mean half.</summary>
    public double MeanScale { get; init; } = 0.6;

    /// <summary>Recipe (a): factor on the max half.</summary>
    public double MaxScale { get; init; } = 1.4;

    /// <summary>Recipe (b), the released "repo_state_embedding": every .py file (tests included), 2048/256/8, L2norm(concat(mean, max)).</summary>
    public static RepoStateRecipe Released => new();

    /// <summary>Recipe (a), as the paper describes it: non-test .py/.md/.rst outside skipped directories, ≤ 4000 files, 4096/512/16, weighted mean + max.</summary>
    public static RepoStateRecipe Described => new()
    {
        Files = new RepoFileFilter { Extensions = [".py", ".md", ".rst"], ExcludeTests = true, Rules = new MiningRules(), MaxFiles = 4000 },
        Chunking = new ChunkingConfig { WindowTokens = 4096, OverlapTokens = 512, MinWindowTokens = 16, RetokenizeMaxLength = 4096 },
        Pooling = StatePooling.WeightedMeanMax,
    };

    /// <summary>Recipe (b) with CPU-sized windows (128 tokens, overlap 16, minimum 4).</summary>
    public static RepoStateRecipe Tiny => new()
    {
        Chunking = new ChunkingConfig { WindowTokens = 128, OverlapTokens = 16, MinWindowTokens = 4, RetokenizeMaxLength = 128 },
    };
}
