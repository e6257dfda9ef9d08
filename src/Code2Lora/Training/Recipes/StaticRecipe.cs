using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Recipes;

/// <summary>Code2LoRA-Static: the base LM is frozen behind LoRA slots; the head maps each example's repository vector to
/// its own adapter (one batch may mix repositories), and only the head learns, from the loss on target tokens. Any head that maps
/// contexts to a <see cref="GeneratedAdapter"/> trains the same way (<see cref="Code2LoraHead"/>, the <see cref="Text2LoraHead"/> baseline).</summary>
public sealed class StaticRecipe : ITrainingRecipe
{
    private readonly LoraSlots _slots;
    private readonly nn.Module<Tensor, GeneratedAdapter> _head;
    private readonly CompletionBatches _batches;
    private readonly IReadOnlyList<CompletionExample> _validation;
    private readonly RepoContexts _contexts;
    private readonly IReadOnlyList<(string Repo, string Sha)>? _shuffleFrom;
    private readonly long _seed;

    /// <summary>Trains <paramref name="head"/> through the frozen model behind <paramref name="slots"/>; <paramref name="validation"/>
    /// (e.g. a CR-val sample) gives the eval loss. With <paramref name="shuffleFrom"/> (the <see cref="HeadInputControl.ShuffledPerExample"/>
    /// control) each training example's vector is that of one of these states, drawn from <paramref name="seed"/> and the example's
    /// position in the run, instead of its own; validation still uses the own vectors.</summary>
    public StaticRecipe(LoraSlots slots, nn.Module<Tensor, GeneratedAdapter> head, CompletionBatches batches, IReadOnlyList<CompletionExample> validation, RepoContexts contexts,
        IReadOnlyList<(string Repo, string Sha)>? shuffleFrom = null, long seed = 0)
    {
        if (shuffleFrom is { Count: 0 }) throw new ArgumentException("the shuffled-input control needs at least one state to draw from.");
        (_slots, _head, _batches, _validation, _contexts, _shuffleFrom, _seed) = (slots, head, batches, validation, contexts, shuffleFrom, seed);
        slots.FreezeBase();
        Trainable = head.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.dim() >= 2)).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable { get; }

    /// <inheritdoc />
    public (Tensor Loss, long Tokens) Loss(int step, int micro)
    {
        var examples = _batches.At(step, micro);
        var model = _slots.Model;
        var adapter = _shuffleFrom is null ? Generate(examples) : _head.forward(_contexts.Stack(examples.Select((_, i) =>
            _shuffleFrom[Runtime.SeededRandom.For(_seed, $"shuffled-input/{((long)step * _batches.Accumulation + micro) * _batches.BatchSize + i}").Next(_shuffleFrom.Count)]).ToList(), model.Device));
        _slots.Use(adapter);
        using var batch = SequenceBatch.Collate(examples.Select(e => e.Sequence).ToList(), _batches.PadId, model.Device);
        var (sum, tokens) = LanguageModelLoss.TokenSum(model, batch);
        return (sum / tokens, tokens);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(int step)
    {
        if (_validation.Count == 0) return new Dictionary<string, double>();
        _head.eval();
        var loss = CompletionBatches.MeanLoss(_validation, _batches.BatchSize, _batches.PadId,
            chunk => _slots.Use(Generate(chunk)), _slots.Model);
        _slots.Clear();
        _head.train();
        return new Dictionary<string, double> { ["val_loss"] = loss };
    }

    private GeneratedAdapter Generate(IReadOnlyList<CompletionExample> examples) =>
        _head.forward(_contexts.Stack(examples.Select(e => (e.RepoId, e.CommitSha)).ToList(), _slots.Model.Device));
}
