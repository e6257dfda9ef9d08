using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>The adapter contexts of a whole history, walked oldest-first from h₀ without gradients (evaluation and the
/// validation loss), and the ablations that change what the walk sees.</summary>
public static class HistoryWalk
{
    /// <summary>What a walk produced: the context output_norm(h_t) after every commit, in history order, and how many GRU steps ran.</summary>
    public sealed record Result(IReadOnlyList<float[]> Contexts, int Steps);

    /// <summary>Walks <paramref name="history"/> from h₀, one GRU step per kept commit, with the per-step inputs <paramref name="inputs"/>
    /// (default: the history's own, by the module's mode). With <paramref name="frozen"/> no step runs and every commit gets LN(h₀)
    /// (the frozen-state ablation).</summary>
    public static Result Contexts(CommitGru gru, CommitHistory history, Device device, bool frozen = false, IReadOnlyList<float[]>? inputs = null)
    {
        inputs ??= OwnInputs(gru.Config, history);
        if (inputs.Count != history.Commits.Count)
            throw new ArgumentException($"{history.RepoId}: {inputs.Count} per-step inputs for {history.Commits.Count} commits.");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var h = gru.InitialState(Row(history.InitialState, device));
        var contexts = new List<float[]>(history.Commits.Count);
        var steps = 0;
        for (var i = 0; i < history.Commits.Count; i++)
        {
            if (!frozen)
            {
                var next = gru.Step(h, Row(inputs[i], device));
                h.Dispose();
                h = next;
                steps++;
            }
            using var context = gru.Context(h);
            contexts.Add(context.to(ScalarType.Float32).cpu().data<float>().ToArray());
        }
        return new Result(contexts, steps);
    }

    /// <summary>The per-step inputs of a history's own commits for <paramref name="config"/>'s mode.</summary>
    public static IReadOnlyList<float[]> OwnInputs(CommitGruConfig config, CommitHistory history) =>
        history.Commits.Select(c => config.StepInput(c.Diff, c.State)).ToList();

    /// <summary>The shuffled-history ablation's inputs: each repository walks its own h₀ but the commits of another repository
    /// (a seeded derangement over <paramref name="histories"/>), stretched or squeezed to its own length by normalised position.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<float[]>> ShuffledInputs(CommitGruConfig config, IReadOnlyList<CommitHistory> histories, int seed)
    {
        if (histories.Count < 2) throw new ArgumentException("the shuffled-history ablation needs at least two repositories.");
        var order = histories.OrderBy(h => h.RepoId, StringComparer.Ordinal).ToList();
        Runtime.SeededRandom.For(seed, "shuffled-history").Shuffle(order);
        var result = new Dictionary<string, IReadOnlyList<float[]>>();
        for (var i = 0; i < order.Count; i++)
        {
            // A rotation of a shuffled list sends every repository to another one.
            var (own, donor) = (order[i], order[(i + 1) % order.Count]);
            var donorInputs = OwnInputs(config, donor);
            result[own.RepoId] = Enumerable.Range(0, own.Commits.Count)
                .Select(t => donorInputs[own.Commits.Count == 1 ? 0 : (int)Math.Round((double)t * (donorInputs.Count - 1) / (own.Commits.Count - 1))])
                .ToList();
        }
        return result;
    }

    /// <summary>A [1, n] fp32 tensor of one vector.</summary>
    public static Tensor Row(float[] v, Device device) => torch.tensor(v, [1, v.Length], device: device);
}
