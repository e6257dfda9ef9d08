using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Hyper;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Evaluation.Methods;

/// <summary>Per-task adapters from the hypernetwork: each batch row gets the adapter of the context vector that
/// <paramref name="contextOf"/> picks for its task (its own repository, another one, zeros, …). <paramref name="head"/> is any
/// context → adapter module: <see cref="Code2LoraHead"/> or the <see cref="Text2LoraHead"/> baseline.</summary>
public sealed class GeneratedAdapterMethod(string name, LoraSlots slots, nn.Module<Tensor, GeneratedAdapter> head, Func<QnaRow, float[]> contextOf) : ICompletionMethod, IDisposable
{
    private GeneratedAdapter? _current;

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public string? ContextFor(QnaRow task) => null;

    /// <inheritdoc />
    public void BeforeBatch(IReadOnlyList<QnaRow> tasks)
    {
        var device = slots.Model.Device;
        if (tasks.Count == 0) return;
        var contexts = tasks.Select(contextOf).ToList();
        var width = contexts[0].Length;
        if (contexts.Any(c => c.Length != width)) throw new ArgumentException($"{name}: the contexts of one batch differ in width.");
        var flat = new float[tasks.Count * width];
        for (var i = 0; i < tasks.Count; i++) contexts[i].CopyTo(flat, i * width);
        using var noGrad = torch.no_grad();
        using var context = torch.tensor(flat, [tasks.Count, width], device: device);
        var next = head.forward(context);
        slots.Use(next);
        _current?.Dispose();                      // the previous batch's tensors; the slots now hold the new ones
        _current = next;
    }

    /// <summary>Frees the last batch's adapter.</summary>
    public void Dispose()
    {
        slots.Clear();
        _current?.Dispose();
        _current = null;
    }

    /// <summary>Each task's own repository state (the Code2LoRA row).</summary>
    public static Func<QnaRow, float[]> Own(RepoContexts contexts) => t => contexts.Get(t.RepoId, t.CommitSha);

    /// <summary>Another repository's state: a seeded derangement of the evaluated repositories (the shuffled-repo ablation).</summary>
    public static Func<QnaRow, float[]> Shuffled(RepoContexts contexts, IEnumerable<QnaRow> tasks, int seed)
    {
        var states = tasks.Select(t => (t.RepoId, t.CommitSha)).Distinct().OrderBy(s => s.RepoId, StringComparer.Ordinal).ThenBy(s => s.CommitSha, StringComparer.Ordinal).ToList();
        if (states.Select(s => s.RepoId).Distinct().Count() < 2) throw new ArgumentException("the shuffled-repo ablation needs at least two repositories.");
        // A random rotation of a shuffled list is a derangement over repositories (no task keeps its own repository).
        var order = states.ToList();
        Runtime.SeededRandom.For(seed, "shuffled-repo").Shuffle(order);
        var other = new Dictionary<(string, string), (string Repo, string Sha)>();
        for (var i = 0; i < order.Count; i++)
        {
            var j = (i + 1) % order.Count;
            while (order[j].RepoId == order[i].RepoId) j = (j + 1) % order.Count;
            other[order[i]] = order[j];
        }
        return t => { var o = other[(t.RepoId, t.CommitSha)]; return contexts.Get(o.Repo, o.Sha); };
    }

    /// <summary>A zero vector for every task (the zero-embedding ablation).</summary>
    public static Func<QnaRow, float[]> Zero(int width) { var zero = new float[width]; return _ => zero; }
}

/// <summary>The element-wise mean of the adapters generated for a set of contexts, used for every task (the mean-adapter ablation:
/// if it scores like the per-repository adapters, the head has collapsed to one shared adapter).</summary>
public sealed class MeanAdapter : ILoraSource, IDisposable
{
    private readonly Dictionary<string, (Tensor A, Tensor B)> _pairs = new();

    /// <summary>Averages the head's adapters for the rows of <paramref name="contexts"/> [n, InputDim] (per layer for a per-layer head).</summary>
    public MeanAdapter(Code2LoraHead head, Tensor contexts)
    {
        using var noGrad = torch.no_grad();
        using var generated = head.forward(contexts);
        foreach (var type in generated.A.Keys)
            _pairs[type] = (generated.A[type].mean([0]).DetachFromDisposeScope(), generated.B[type].mean([0]).DetachFromDisposeScope());
    }

    /// <inheritdoc />
    public LoraWeights? WeightsFor(int layer, string type) => !_pairs.TryGetValue(type, out var p) ? null
        : p.A.dim() == 3 ? new LoraWeights(p.A.select(0, layer), p.B.select(0, layer))     // per-layer head: [L,r,in]
        : new LoraWeights(p.A, p.B);

    /// <summary>Frees the averaged tensors.</summary>
    public void Dispose()
    {
        foreach (var (a, b) in _pairs.Values) { a.Dispose(); b.Dispose(); }
        _pairs.Clear();
    }
}
