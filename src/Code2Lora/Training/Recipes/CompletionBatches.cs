using Code2Lora.Models;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Recipes;

/// <summary>Micro-batches of completion examples as a pure function of (step, micro-batch), plus a held-out loss.</summary>
public sealed class CompletionBatches
{
    private readonly IReadOnlyList<CompletionExample> _examples;
    private readonly EpochOrder _order;

    /// <summary>Examples per micro-batch.</summary>
    public int BatchSize { get; }

    /// <summary>Micro-batches per optimizer step.</summary>
    public int Accumulation { get; }

    /// <summary>Pad id used when collating.</summary>
    public int PadId { get; }

    /// <summary>Batches over <paramref name="examples"/> in a seeded flat shuffle redrawn each epoch.</summary>
    public CompletionBatches(IReadOnlyList<CompletionExample> examples, int batchSize, int accumulation, int padId, long seed)
    {
        if (examples.Count == 0) throw new ArgumentException("no training examples: the split is empty.");
        (_examples, BatchSize, Accumulation, PadId) = (examples, batchSize, accumulation, padId);
        _order = new EpochOrder(examples.Count, seed);
    }

    /// <summary>Optimizer steps for <paramref name="epochs"/> passes over the examples.</summary>
    public int StepsFor(double epochs) => EpochOrder.StepsFor(_examples.Count, epochs, BatchSize * Accumulation);

    /// <summary>The examples of micro-batch <paramref name="micro"/> of <paramref name="step"/>.</summary>
    public IReadOnlyList<CompletionExample> At(int step, int micro)
    {
        var start = ((long)step * Accumulation + micro) * BatchSize;
        return Enumerable.Range(0, BatchSize).Select(i => _examples[_order.At(start + i)]).ToList();
    }

    /// <summary>Mean target-token loss over <paramref name="examples"/>, with <paramref name="prepare"/> called before each
    /// batch (to install that batch's adapters) and <paramref name="model"/> scoring it.</summary>
    public static double MeanLoss(IReadOnlyList<CompletionExample> examples, int batchSize, int padId,
        Action<IReadOnlyList<CompletionExample>> prepare, DecoderLM model)
    {
        var rows = RowLosses(examples, batchSize, padId, prepare, model);
        var tokens = rows.Sum(r => r.Tokens);
        return tokens == 0 ? double.NaN : rows.Sum(r => r.Sum) / tokens;
    }

    /// <summary>Summed target-token loss and target-token count of every example, in example order (same batching as
    /// <see cref="MeanLoss"/>), for paired per-example comparisons.</summary>
    public static (double Sum, long Tokens)[] RowLosses(IReadOnlyList<CompletionExample> examples, int batchSize, int padId,
        Action<IReadOnlyList<CompletionExample>> prepare, DecoderLM model)
    {
        var result = new List<(double, long)>(examples.Count);
        using var noGrad = torch.no_grad();
        foreach (var chunk in examples.Chunk(batchSize))
        {
            using var scope = torch.NewDisposeScope();
            prepare(chunk);
            using var batch = SequenceBatch.Collate(chunk.Select(e => e.Sequence).ToList(), padId, model.Device);
            result.AddRange(LanguageModelLoss.PerRow(model, batch.Ids, batch.Mask, batch.Labels));
        }
        return result.ToArray();
    }
}
