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

    /// <summary>Another repository's state from the task's own split (the shuffled-repo control): per split, a seeded derangement of the
    /// split's repository states, so a CR-test task borrows another CR-test repository's vector, never one the head was trained on,
    /// and an IR-test task another training repository's. <paramref name="tasks"/> are the scored tasks; a split with fewer than two
    /// repositories has no such control (see <see cref="SplitsWithOtherRepositories"/>), and asking for it is an error.</summary>
    public static Func<QnaRow, float[]> Shuffled(RepoContexts contexts, IEnumerable<QnaRow> tasks, int seed)
    {
        var other = new Dictionary<(string Split, string Repo, string Sha), (string Repo, string Sha)>();
        foreach (var split in tasks.GroupBy(t => t.Split, StringComparer.Ordinal))
        {
            var states = split.Select(t => (t.RepoId, t.CommitSha)).Distinct().OrderBy(s => s.RepoId, StringComparer.Ordinal).ThenBy(s => s.CommitSha, StringComparer.Ordinal).ToList();
            if (states.Select(s => s.RepoId).Distinct().Count() < 2) continue;
            // A random rotation of a shuffled list is a derangement over repositories (no task keeps its own repository).
            Runtime.SeededRandom.For(seed, "shuffled-repo/" + split.Key).Shuffle(states);
            for (var i = 0; i < states.Count; i++)
            {
                var j = (i + 1) % states.Count;
                while (states[j].RepoId == states[i].RepoId) j = (j + 1) % states.Count;
                other[(split.Key, states[i].RepoId, states[i].CommitSha)] = states[j];
            }
        }
        return t => other.TryGetValue((t.Split, t.RepoId, t.CommitSha), out var o) ? contexts.Get(o.Repo, o.Sha)
            : throw new InvalidOperationException($"shuffled-repo: split '{t.Split}' has no other repository to borrow a vector from for {t.RepoId} (a split needs two or more repositories).");
    }

    /// <summary>The splits of <paramref name="tasks"/> with at least two repositories: those where <see cref="Shuffled"/> is defined.</summary>
    public static IReadOnlyList<string> SplitsWithOtherRepositories(IEnumerable<QnaRow> tasks) =>
        tasks.GroupBy(t => t.Split, StringComparer.Ordinal).Where(g => g.Select(t => t.RepoId).Distinct(StringComparer.Ordinal).Count() >= 2)
            .Select(g => g.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>A zero vector for every task (the zero-embedding ablation).</summary>
    public static Func<QnaRow, float[]> Zero(int width) { var zero = new float[width]; return _ => zero; }
}
