namespace Code2Lora.Hyper;

/// <summary>Shape of the Evo recurrence (paper-notes §1.5). Defaults are the paper's: 2048-d diff and state vectors, G = 2048,
/// one diff vector per step. Stored in checkpoints as the authors' gru_config {diff_input_dim, repo_state_dim, hidden_dim}.</summary>
public sealed record CommitGruConfig
{
    /// <summary>Per-step input "diff" (the paper), "repo_state" (the commit's state vector) or "concat" (diff then state).</summary>
    public const string Diff = "diff", RepoState = "repo_state", Concat = "concat";
    /// <summary>h₀ from the first kept commit's repository state (the paper), or the zero vector (an ablation: the GRU must
    /// learn the repository from its diffs alone).</summary>
    public const string InitFromState = "repo_state", InitZero = "zero";

    /// <summary>Width of a diff vector (recipe c: 2048).</summary>
    public int DiffDim { get; init; } = 2048;
    /// <summary>Width of a repository-state vector (recipe b: 2048); feeds h₀ and, in the repo_state/concat modes, each step.</summary>
    public int StateDim { get; init; } = 2048;
    /// <summary>GRU width G (2048 in the paper).</summary>
    public int HiddenDim { get; init; } = 2048;
    /// <summary>What enters the GRU at each kept commit: diff, repo_state or concat (the authors' --per-step-input ablation).</summary>
    public string PerStepInput { get; init; } = Diff;
    /// <summary>How h₀ is made: <see cref="InitFromState"/> (the paper) or <see cref="InitZero"/>.</summary>
    public string Init { get; init; } = InitFromState;

    /// <summary>Width of the per-step input (the authors' diff_input_dim, which grows to diff+state in concat mode).</summary>
    public int StepInputDim => PerStepInput switch
    {
        Diff => DiffDim,
        RepoState => StateDim,
        Concat => DiffDim + StateDim,
        _ => throw new ArgumentException($"per-step input '{PerStepInput}' is not one of {Diff}, {RepoState}, {Concat}."),
    };

    /// <summary>True when each step needs the commit's repository-state vector (not only the first commit's).</summary>
    public bool NeedsStatePerCommit => PerStepInput is RepoState or Concat;

    /// <summary>Throws a readable error for dimensions or a mode no module could use.</summary>
    public CommitGruConfig Validate()
    {
        if (DiffDim <= 0 || StateDim <= 0 || HiddenDim <= 0)
            throw new ArgumentException($"CommitGru dimensions must be positive, got diff {DiffDim}, state {StateDim}, hidden {HiddenDim}.");
        _ = StepInputDim;
        if (Init is not (InitFromState or InitZero))
            throw new ArgumentException($"GRU initialisation '{Init}' is not one of {InitFromState}, {InitZero}.");
        return this;
    }

    /// <summary>The per-step input of one commit for this mode (a diff vector, its state vector, or both concatenated).</summary>
    public float[] StepInput(float[] diff, float[]? state)
    {
        float[] Checked(float[]? v, int width, string what) => v is null
            ? throw new ArgumentException($"per-step input '{PerStepInput}' needs the commit's {what} vector.")
            : v.Length == width ? v : throw new ArgumentException($"a {what} vector has {v.Length} values, CommitGru expects {width}.");
        return PerStepInput switch
        {
            Diff => Checked(diff, DiffDim, "diff"),
            RepoState => Checked(state, StateDim, "state"),
            _ => [.. Checked(diff, DiffDim, "diff"), .. Checked(state, StateDim, "state")],
        };
    }

    /// <summary>Parameter count from the dimensions alone; equals the built module's count (33,583,104 at the paper's sizes).</summary>
    public long CountParameters()
    {
        long g = HiddenDim, input = StepInputDim, state = StateDim;
        var diffProj = input * g + g + 2 * g;              // Linear + LayerNorm
        var initProj = state * g + g + 2 * g;              // Linear + (GELU) + LayerNorm
        var gru = 2 * (3 * g * g) + 2 * (3 * g);           // weight_ih, weight_hh (input is already G wide), two biases
        return diffProj + initProj + gru + 2 * g;          // + output_norm
    }
}
