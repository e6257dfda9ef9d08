using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>A sub-module whose forward reads tensors that are not its own parameters and may need gradients (generated LoRA
/// weights, a trainable adapter held elsewhere). Activation checkpointing makes them explicit inputs of the recomputed block,
/// so their gradients still reach whatever produced them.</summary>
public interface IExternalInputs
{
    /// <summary>What the forward reads now: the tensors that need gradients, and how to recompute with stand-ins for them.</summary>
    ExternalInputs Capture();
}

/// <summary>A capture of <see cref="IExternalInputs"/>: the tensors needing gradients and a way to run the forward exactly as at
/// capture time, except that it reads stand-ins (same order and shapes) for those tensors.</summary>
/// <param name="Tensors">The captured tensors that require gradients, in a fixed order.</param>
/// <param name="Substitute">Installs the capture with the given stand-ins; disposing the result restores what was there.</param>
public sealed record ExternalInputs(IReadOnlyList<Tensor> Tensors, Func<IReadOnlyList<Tensor>, IDisposable> Substitute);
