using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>How much a head's adapters depend on the repository, measured on the target loss (nats per target token,
/// averaged over tasks): the task's own vector, another repository's (a seeded derangement) and the mean adapter. On a weak
/// base EM barely moves, while a loss gap shows conditioning long before it changes a greedy answer.</summary>
public sealed record ConditioningLoss(
    [property: JsonPropertyName("split")] string Split, [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("own")] double Own, [property: JsonPropertyName("shuffled")] double Shuffled,
    [property: JsonPropertyName("mean_adapter")] double MeanAdapter,
    [property: JsonPropertyName("shuffled_minus_own")] double ShuffledMinusOwn, [property: JsonPropertyName("shuffled_minus_own_ci")] double[] ShuffledMinusOwnCi,
    [property: JsonPropertyName("mean_minus_own")] double MeanMinusOwn, [property: JsonPropertyName("mean_minus_own_ci")] double[] MeanMinusOwnCi)
{
    /// <summary>Scores <paramref name="examples"/> (one repository state each) under the three adapters; <paramref name="trainStates"/>
    /// define the mean adapter; another repository is drawn from the states of <paramref name="shufflePool"/> (e.g. both test
    /// splits, so a split of one repository still has another to borrow from). A positive shuffled − own gap with a CI above 0 means the adapter carries the repository.</summary>
    public static ConditioningLoss Measure(string split, LoraSlots slots, Code2LoraHead head, RepoContexts contexts,
        IReadOnlyList<CompletionExample> examples, IReadOnlyList<(string Repo, string Sha)> trainStates, IReadOnlyList<Bench.QnaRow> shufflePool, int batchSize, int padId, int seed)
    {
        var device = slots.Model.Device;
        var shuffledOf = GeneratedAdapterMethod.Shuffled(contexts, shufflePool, seed);
        double[] Losses(Action<IReadOnlyList<CompletionExample>> prepare) =>
            CompletionBatches.RowLosses(examples, batchSize, padId, prepare, slots.Model)
                .Select(r => r.Tokens == 0 ? 0 : r.Sum / r.Tokens).ToArray();
        void Generate(IReadOnlyList<CompletionExample> chunk, Func<CompletionExample, float[]> pick)
        {
            var width = contexts.Dimension;
            var flat = new float[chunk.Count * width];
            for (var i = 0; i < chunk.Count; i++) pick(chunk[i]).CopyTo(flat, i * width);
            // The slots hold the adapter until the next batch replaces it; the caller's dispose scope frees it.
            slots.Use(head.forward(tensor(flat, [chunk.Count, width], device: device)));
        }

        var wasTraining = head.training;
        head.eval();
        var own = Losses(chunk => Generate(chunk, e => contexts.Get(e.RepoId, e.CommitSha)));
        var shuffled = Losses(chunk => Generate(chunk, e => shuffledOf(new Bench.QnaRow { RepoId = e.RepoId, CommitSha = e.CommitSha })));
        double[] mean;
        using (var trainContexts = contexts.Stack(trainStates, device))
        using (var meanAdapter = new MeanAdapter(head, trainContexts))
            mean = Losses(_ => slots.Use(meanAdapter));
        slots.Clear();
        if (wasTraining) head.train();

        var shuffledGap = Bootstrap.Paired(shuffled, own, seed: seed);
        var meanGap = Bootstrap.Paired(mean, own, seed: seed);
        return new ConditioningLoss(split, examples.Count, Round(own.Average()), Round(shuffled.Average()), Round(mean.Average()),
            Round(shuffledGap.Difference), [Round(shuffledGap.Low), Round(shuffledGap.High)],
            Round(meanGap.Difference), [Round(meanGap.Low), Round(meanGap.High)]);
    }

    private static double Round(double x) => Math.Round(x, 4);
}
