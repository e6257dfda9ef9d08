namespace Code2Lora.Encoders;

/// <summary>Everything besides the model that decides the stored vectors; part of the encoder id.</summary>
public sealed record EncoderConfig
{
    /// <summary>Repository-state recipe (default: b, what the released checkpoints consume).</summary>
    public RepoStateRecipe State { get; init; } = RepoStateRecipe.Released;

    /// <summary>Commit-diff recipe (c).</summary>
    public DiffRecipe Diff { get; init; } = DiffRecipe.Released;

    /// <summary>
    /// Evolution track: embed the state at every kept commit (needed only by the per-step-input=repo_state ablation).
    /// Off: only the first kept commit (GRU h₀) and the anchor (last in-repo train commit, the Static reference row).
    /// </summary>
    public bool StateAtEveryCommit { get; init; }

    /// <summary>The released data's recipes (b) and (c).</summary>
    public static EncoderConfig Paper => new();

    /// <summary>The paper text's recipe (a) for states, (c) for diffs.</summary>
    public static EncoderConfig PaperDescribed => new() { State = RepoStateRecipe.Described };

    /// <summary>Recipes (b) and (c) with small windows, for the tiny CPU pipeline.</summary>
    public static EncoderConfig Tiny => new() { State = RepoStateRecipe.Tiny, Diff = DiffRecipe.Tiny };
}
