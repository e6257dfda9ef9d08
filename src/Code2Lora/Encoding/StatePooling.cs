namespace Code2Lora.Encoders;

/// <summary>How file vectors become one repository-state vector (paper-notes §1.2).</summary>
public enum StatePooling
{
    /// <summary>Recipe (a), as the paper describes: concat(MeanScale·Σ softmax(score/τ)_i f_i, MaxScale·max_i f_i), not normalised.</summary>
    WeightedMeanMax,

    /// <summary>Recipe (b), the released "repo_state_embedding": L2norm(concat(mean_i f_i, max_i f_i)).</summary>
    MeanMaxL2,
}
