using Code2Lora.Adapters;
using Code2Lora.Bench;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Evaluation.Methods;

/// <summary>Per-repository LoRA (the paper's pLoRA upper bound): every batch row gets the adapter trained on its own repository's
/// tasks. Rows of one batch may come from different repositories, so the rows' adapters are stacked into one per-example,
/// per-layer <see cref="GeneratedAdapter"/>. In-repo only: a task whose repository has no adapter (every CR repository) is an error.</summary>
public sealed class PerRepoAdapterMethod : ICompletionMethod, IDisposable
{
    private readonly LoraSlots _slots;
    private readonly Dictionary<string, Dictionary<string, (Tensor A, Tensor B)>> _byRepo = new(StringComparer.Ordinal);
    private GeneratedAdapter? _current;

    /// <summary>Uses <paramref name="adapters"/> (repository id → its trained LoRA, made with the slots' α/r) through <paramref name="slots"/>.</summary>
    public PerRepoAdapterMethod(string name, LoraSlots slots, IReadOnlyDictionary<string, LoraAdapter> adapters)
    {
        if (adapters.Count == 0) throw new ArgumentException($"{name}: no per-repository adapters given.");
        (Name, _slots) = (name, slots);
        using var noGrad = torch.no_grad();
        foreach (var (repo, adapter) in adapters)
        {
            if (adapter.Config.Scaling != slots.Config.Scaling || adapter.Config.Rank != slots.Config.Rank)
                throw new ArgumentException($"{name}: the adapter of {repo} has r={adapter.Config.Rank}, α={adapter.Config.Alpha}, but the slots apply r={slots.Config.Rank}, α={slots.Config.Alpha}.");
            // Each type's pairs of all layers as one [L,r,in] / [L,out,r] tensor, so a batch is one stack per type.
            _byRepo[repo] = adapter.Config.SortedTargets.ToDictionary(t => t, t => (
                torch.stack(Enumerable.Range(0, adapter.LayerCount).Select(l => adapter.Pair(l, t).A.detach()).ToArray()).DetachFromDisposeScope(),
                torch.stack(Enumerable.Range(0, adapter.LayerCount).Select(l => adapter.Pair(l, t).B.detach()).ToArray()).DetachFromDisposeScope()));
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The repositories that have an adapter.</summary>
    public IReadOnlyCollection<string> Repositories => _byRepo.Keys;

    /// <inheritdoc />
    public string? ContextFor(QnaRow task) => null;

    /// <inheritdoc />
    public void BeforeBatch(IReadOnlyList<QnaRow> tasks)
    {
        if (tasks.Count == 0) return;
        var rows = tasks.Select(t => _byRepo.TryGetValue(t.RepoId, out var pairs) ? pairs
            : throw new InvalidOperationException($"{Name} is in-repo (IR) only: repository '{t.RepoId}' (task split {t.Split}) has no per-repository adapter; " +
                                                  "cross-repo tasks have none by design, an IR repository lacks one until `c2l train plora` finished it.")).ToList();
        var types = rows[0].Keys.ToList();
        var next = new GeneratedAdapter(
            types.ToDictionary(t => t, t => torch.stack(rows.Select(r => r[t].A).ToArray())),
            types.ToDictionary(t => t, t => torch.stack(rows.Select(r => r[t].B).ToArray())));
        _slots.Use(next);
        _current?.Dispose();                      // the previous batch's stacks; the slots now hold the new ones
        _current = next;
    }

    /// <summary>Frees the stacked adapters.</summary>
    public void Dispose()
    {
        _slots.Clear();
        _current?.Dispose();
        _current = null;
        foreach (var (a, b) in _byRepo.Values.SelectMany(p => p.Values)) { a.Dispose(); b.Dispose(); }
        _byRepo.Clear();
    }
}
