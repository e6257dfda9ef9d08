using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training;

/// <summary>What a recipe gives the one training loop: the tensors it trains, a loss per micro-batch, and an evaluation.</summary>
/// <remarks>Batches must be a pure function of (step, micro-batch index), never of hidden sampler state: that is what
/// makes a resumed run continue exactly where the interrupted one stopped.</remarks>
public interface ITrainingRecipe
{
    /// <summary>Trainable tensors by checkpoint name; <c>Decay</c> says whether AdamW weight decay applies.</summary>
    IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable { get; }

    /// <summary>The loss to differentiate for micro-batch <paramref name="micro"/> of <paramref name="step"/>
    /// (a mean over its tokens) and how many target tokens it covered.</summary>
    (Tensor Loss, long Tokens) Loss(int step, int micro);

    /// <summary>Named evaluation metrics after <paramref name="step"/> steps (no gradients; may be empty).</summary>
    IReadOnlyDictionary<string, double> Evaluate(int step);
}

/// <summary>A recipe that carries state from one step to the next besides its weights (Evo: the GRU state after the last update).
/// The trainer saves it with every checkpoint and hands it back on resume, so a resumed run continues exactly as a continuous one.</summary>
public interface ICarriedState
{
    /// <summary>The state after the last finished step as named tensors (empty when there is none).</summary>
    IReadOnlyDictionary<string, Tensor> SaveCarried();

    /// <summary>Restores what <see cref="SaveCarried"/> returned; empty for a checkpoint written before the recipe carried state.</summary>
    void LoadCarried(IReadOnlyDictionary<string, Tensor> state);
}
