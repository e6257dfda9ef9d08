using Code2Lora.Models;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Recipes;

/// <summary>Full fine-tuning (the paper's FFT baseline): every parameter of the decoder learns from the loss on target tokens.
/// The model is trained in place; save it (ModelDirectory.Save) when the run completes.</summary>
public sealed class FullFineTuneRecipe : ITrainingRecipe
{
    private readonly DecoderLM _model;
    private readonly CompletionBatches _batches;
    private readonly IReadOnlyList<CompletionExample> _validation;

    /// <summary>Trains all of <paramref name="model"/>'s parameters (it must hold no LoRA slots: those would be trained as base weights).</summary>
    public FullFineTuneRecipe(DecoderLM model, CompletionBatches batches, IReadOnlyList<CompletionExample> validation)
    {
        (_model, _batches, _validation) = (model, batches, validation);
        foreach (var p in model.parameters()) p.requires_grad = true;
        // Tied embeddings appear once: named_parameters de-duplicates shared tensors, so the optimizer never updates one twice.
        Trainable = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.dim() >= 2)).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable { get; }

    /// <inheritdoc />
    public (Tensor Loss, long Tokens) Loss(int step, int micro)
    {
        var examples = _batches.At(step, micro);
        using var batch = SequenceBatch.Collate(examples.Select(e => e.Sequence).ToList(), _batches.PadId, _model.Device);
        var (sum, tokens) = LanguageModelLoss.TokenSum(_model, batch);
        return (sum / tokens, tokens);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(int step) => _validation.Count == 0 ? new Dictionary<string, double>()
        : new Dictionary<string, double>
        {
            ["val_loss"] = CompletionBatches.MeanLoss(_validation, _batches.BatchSize, _batches.PadId, _ => { }, _model),
        };
}
