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
