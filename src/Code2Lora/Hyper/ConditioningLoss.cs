using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Evaluation.Statistics;
using Code2Lora.Models.Tokenization;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>How much a head's adapters depend on the repository, on the target NLL (nats per target token, averaged over tasks,
/// teacher-forced on the decoding prompt: <see cref="TargetLossEvaluator"/>): the task's own vector against three inputs that carry no
/// knowledge of the task's repository. <b>Other</b>: another repository's vector from the same split (a seeded derangement within the
/// split, so on CR-test it is another unseen repository). <b>Mean adapter</b>: the average weight change (1/n)·Σ BᵢAᵢ over the
/// training repositories (<see cref="MeanAdapter"/>). <b>Zero</b>: the zero vector. Each gap comes with task-level and
/// repository-clustered 95 % intervals and its minimum detectable effect. On a weak base EM barely moves, while a loss gap shows
/// conditioning long before it changes a greedy answer. A gap above 0 says the input changes the adapter in a useful direction; it
/// does not say conditioning beats an unconditioned adapter: that is the comparison with single LoRA.</summary>
public sealed record ConditioningLoss(
    [property: JsonPropertyName("split")] string Split, [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("own")] double Own, [property: JsonPropertyName("other")] double Other,
    [property: JsonPropertyName("mean_adapter")] double MeanAdapter, [property: JsonPropertyName("zero")] double Zero,
    [property: JsonPropertyName("other_minus_own")] PairedEffect OtherMinusOwn,
    [property: JsonPropertyName("mean_minus_own")] PairedEffect MeanMinusOwn,
    [property: JsonPropertyName("zero_minus_own")] PairedEffect ZeroMinusOwn)
{
    /// <summary>The gaps from the per-task NLLs already on four methods' predictions of one split (same tasks, same order).</summary>
    public static ConditioningLoss From(string split, IReadOnlyList<PredictionRow> own, IReadOnlyList<PredictionRow> other,
        IReadOnlyList<PredictionRow> mean, IReadOnlyList<PredictionRow> zero, int seed)
    {
        double[] Nll(IReadOnlyList<PredictionRow> rows) => rows.OrderBy(r => r.TaskIndex)
            .Select(r => r.TargetNll ?? throw new InvalidOperationException($"{r.Method} {split}: task {r.TaskIndex} has no target NLL.")).ToArray();
        var repos = own.OrderBy(r => r.TaskIndex).Select(r => r.RepoId).ToArray();
        var (o, s, m, z) = (Nll(own), Nll(other), Nll(mean), Nll(zero));
        return new ConditioningLoss(split, o.Length, Round(o.Average()), Round(s.Average()), Round(m.Average()), Round(z.Average()),
            PairedEffect.Continuous(s, o, repos, seed), PairedEffect.Continuous(m, o, repos, seed), PairedEffect.Continuous(z, o, repos, seed));
    }

    /// <summary>Scores <paramref name="tasks"/> (one split; at least two repositories) under the four inputs of <paramref name="head"/>;
    /// <paramref name="meanStates"/> define the mean adapter (the training repositories' states).</summary>
    public static ConditioningLoss Measure(string split, LoraSlots slots, nn.Module<Tensor, GeneratedAdapter> head, RepoContexts contexts,
        IReadOnlyList<QnaRow> tasks, IReadOnlyList<(string Repo, string Sha)> meanStates, ITextTokenizer tokenizer, CompletionSettings settings, int seed)
    {
        var model = slots.Model;
        var splits = new Dictionary<string, IReadOnlyList<QnaRow>> { [split] = tasks };
        IReadOnlyList<PredictionRow> Score(ICompletionMethod method)
        {
            var losses = TargetLossEvaluator.Run(method, model, tokenizer, splits, settings)[split];
            var rows = tasks.Select((t, i) => new PredictionRow { Method = method.Name, Split = split, RepoId = t.RepoId, TaskIndex = i }).ToList();
            TargetLossEvaluator.Attach(rows, losses);
            return rows;
        }
        IReadOnlyList<PredictionRow> Generated(string name, Func<QnaRow, float[]> pick)
        {
            using var method = new GeneratedAdapterMethod(name, slots, head, pick);
            return Score(method);
        }

        var wasTraining = head.training;
        head.eval();
        try
        {
            var own = Generated("own", GeneratedAdapterMethod.Own(contexts));
            var other = Generated("other", GeneratedAdapterMethod.Shuffled(contexts, tasks, seed));
            var zero = Generated("zero", GeneratedAdapterMethod.Zero(contexts.Dimension));
            IReadOnlyList<PredictionRow> mean;
            using (var stacked = contexts.Stack(meanStates, model.Device))
            using (var meanAdapter = new MeanAdapter(head, stacked, model.Config.NumHiddenLayers))
                mean = Score(new FixedAdapterMethod("mean", slots, meanAdapter));
            return From(split, own, other, mean, zero, seed);
        }
        finally
        {
            slots.Clear();
            if (wasTraining) head.train();
        }
    }

    private static double Round(double x) => Math.Round(x, 4);
}
