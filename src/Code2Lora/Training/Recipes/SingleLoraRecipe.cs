using Code2Lora.Adapters;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Recipes;

/// <summary>One trainable LoRA shared by every repository (the paper's sLoRA baseline), or by one repository's tasks when
/// the examples are that repository's (per-repo LoRA).</summary>
public sealed class SingleLoraRecipe : ITrainingRecipe
{
    private readonly LoraSlots _slots;
    private readonly CompletionBatches _batches;
    private readonly IReadOnlyList<CompletionExample> _validation;

    /// <summary>Trains <paramref name="adapter"/> installed in <paramref name="slots"/> (the base stays frozen).</summary>
    public SingleLoraRecipe(LoraSlots slots, LoraAdapter adapter, CompletionBatches batches, IReadOnlyList<CompletionExample> validation)
    {
        (_slots, _batches, _validation) = (slots, batches, validation);
        slots.FreezeBase();
        slots.Use(adapter);
        Trainable = adapter.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.dim() >= 2)).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable { get; }

    /// <inheritdoc />
    public (Tensor Loss, long Tokens) Loss(int step, int micro)
    {
        var examples = _batches.At(step, micro);
        using var batch = SequenceBatch.Collate(examples.Select(e => e.Sequence).ToList(), _batches.PadId, _slots.Model.Device);
        var (sum, tokens) = LanguageModelLoss.TokenSum(_slots.Model, batch);
        return (sum / tokens, tokens);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(int step) => _validation.Count == 0 ? new Dictionary<string, double>()
        : new Dictionary<string, double>
        {
            ["val_loss"] = CompletionBatches.MeanLoss(_validation, _batches.BatchSize, _batches.PadId, _ => { }, _slots.Model),
        };
}
