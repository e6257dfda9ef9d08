using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Runtime;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Recipes;

/// <summary>Walk settings of the Evo recipe (paper-notes §1.6).</summary>
public sealed record EvoWalkSettings
{
    /// <summary>Tasks per update (the paper: ≤ 8, sampled when a commit has more).</summary>
    public int MaxTasksPerUpdate { get; init; } = 8;
    /// <summary>Truncated BPTT: h is detached after this many GRU steps without an update.</summary>
    public int BpttWindow { get; init; } = 16;
    /// <summary>Seed of the per-epoch repository order and of task samples.</summary>
    public long Seed { get; init; } = 3407;
    /// <summary>Pad id used when collating a commit's tasks.</summary>
    public int PadId { get; init; }
    /// <summary>Examples per micro-batch of the validation loss.</summary>
    public int EvalBatchSize { get; init; } = 8;
}

/// <summary>Code2LoRA-Evo training (paper-notes §1.6): walk each training repository's kept commits oldest-first (repositories
/// shuffled per epoch); one optimizer step per commit with training tasks, on ≤ 8 of them with the adapter of output_norm(h_t);
/// truncated BPTT of 16 and a detach after each update. The CommitGru and the head train; the base is frozen.</summary>
/// <remarks>As the paper, h is carried forward along a repository's walk: the state detached after an update enters the next
/// update's walk, so each update steps the GRU only over the commits since the previous one (linear in the history, not
/// quadratic); the values before a gradient window were produced by the weights of their time. The carried state is saved with
/// every checkpoint (<see cref="ICarriedState"/>), so a resumed run computes exactly what a continuous one does. The walk starts
/// again from h₀ only at a repository's first update of an epoch, or when no carried state fits (a checkpoint of older code).
/// A commit's tasks form one micro-batch whose loss is the mean over target tokens (the shared trainer's contract); the
/// authors run micro-batches of 1 with a token-sum loss, which differs only by a per-update scale before clipping and AdamW.</remarks>
public sealed class EvoRecipe : ITrainingRecipe, ICarriedState
{
    private readonly LoraSlots _slots;
    private readonly CommitGru _gru;
    private readonly Code2LoraHead _head;
    private readonly EvoSchedule _schedule;
    private readonly IReadOnlyDictionary<(string Repo, string Sha), IReadOnlyList<CompletionExample>> _tasks;
    private readonly EvoWalkSettings _settings;
    private readonly IReadOnlyList<CompletionExample> _validation;
    private readonly IReadOnlyList<CommitHistory> _validationRepos;
    private readonly Dictionary<string, IReadOnlyList<float[]>> _inputs;
    private (int Step, string Repo, int Position, Tensor H)? _carried;   // h after the last update's commit, detached

    /// <summary>Trains <paramref name="gru"/> and <paramref name="head"/> on <paramref name="tasks"/> (training examples by commit)
    /// along <paramref name="repos"/>; the validation loss walks <paramref name="validationRepos"/> for <paramref name="validation"/>.</summary>
    public EvoRecipe(LoraSlots slots, CommitGru gru, Code2LoraHead head, IReadOnlyList<CommitHistory> repos,
        IReadOnlyDictionary<(string Repo, string Sha), IReadOnlyList<CompletionExample>> tasks, EvoWalkSettings settings,
        IReadOnlyList<CompletionExample>? validation = null, IReadOnlyList<CommitHistory>? validationRepos = null)
    {
        if (head.Config.InputDim != gru.Config.HiddenDim)
            throw new ArgumentException($"the head reads contexts of width {head.Config.InputDim}, but the GRU's state is {gru.Config.HiddenDim} wide.");
        (_slots, _gru, _head, _tasks, _settings) = (slots, gru, head, tasks, settings);
        (_validation, _validationRepos) = (validation ?? [], validationRepos ?? []);
        _schedule = new EvoSchedule(repos, (r, c) => tasks.TryGetValue((r.RepoId, c.Sha), out var t) && t.Count > 0, settings.Seed);
        _inputs = repos.ToDictionary(r => r.RepoId, r => HistoryWalk.OwnInputs(gru.Config, r));
        slots.FreezeBase();
        Trainable = [
            .. gru.named_parameters().Select(p => ("gru_state." + p.name, (Tensor)p.parameter, p.parameter.dim() >= 2)),
            .. head.named_parameters().Select(p => ("head_state." + p.name, (Tensor)p.parameter, p.parameter.dim() >= 2)),
        ];
    }

    /// <summary>The walk order.</summary>
    public EvoSchedule Schedule => _schedule;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable { get; }

    /// <inheritdoc />
    public (Tensor Loss, long Tokens) Loss(int step, int micro)
    {
        if (micro != 0) throw new InvalidOperationException("Evo takes one optimizer step per commit: use gradient accumulation 1.");
        var (repo, position, previous, epoch) = _schedule.At(step);
        var examples = TasksAt(repo, position, epoch);
        var h = StateAt(repo, position, previous);
        Carry(step, repo.RepoId, position, h);
        var adapter = _head.forward(_gru.Context(h));
        var k = examples.Count;
        _slots.Use(new GeneratedAdapter(
            adapter.A.ToDictionary(kv => kv.Key, kv => kv.Value.expand([k, .. kv.Value.shape[1..]])),
            adapter.B.ToDictionary(kv => kv.Key, kv => kv.Value.expand([k, .. kv.Value.shape[1..]]))));
        using var batch = SequenceBatch.Collate(examples.Select(e => e.Sequence).ToList(), _settings.PadId, _slots.Model.Device);
        var (sum, tokens) = LanguageModelLoss.TokenSum(_slots.Model, batch);
        return (sum / tokens, tokens);
    }

    /// <summary>h after the commit at <paramref name="position"/>, in the graph from the window start on (h₀ included when the
    /// window reaches back to it). Before the window it continues the state carried from the previous update without gradient.</summary>
    private Tensor StateAt(CommitHistory repo, int position, int previousUpdate)
    {
        var device = _slots.Model.Device;
        var inputs = _inputs[repo.RepoId];
        var start = EvoSchedule.WindowStart(position, previousUpdate, _settings.BpttWindow);
        Tensor h;
        if (start < 0) h = _gru.InitialState(HistoryWalk.Row(repo.InitialState, device));
        else
            using (torch.no_grad())
            {
                var carried = _carried is { } c && c.Repo == repo.RepoId && c.Position == previousUpdate && previousUpdate >= 0 ? c.H : null;
                h = carried?.clone() ?? _gru.InitialState(HistoryWalk.Row(repo.InitialState, device));
                ReplayedSteps += carried is null ? start + 1 : start - previousUpdate;
                for (var i = carried is null ? 0 : previousUpdate + 1; i <= start; i++) h = _gru.Step(h, HistoryWalk.Row(inputs[i], device));
            }
        for (var i = start + 1; i <= position; i++) h = _gru.Step(h, HistoryWalk.Row(inputs[i], device));
        return h;
    }

    /// <summary>GRU steps run without gradient before gradient windows so far: with the carried state, each commit of a
    /// repository's walk is stepped once per epoch in all (tests count them).</summary>
    public long ReplayedSteps { get; private set; }

    private void Carry(int step, string repo, int position, Tensor h)
    {
        _carried?.H.Dispose();
        _carried = (step, repo, position, h.detach().clone().DetachFromDisposeScope());
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> SaveCarried() => _carried is { } c
        ? new Dictionary<string, Tensor> { ["evo_h"] = c.H, ["evo_step"] = torch.tensor(new long[] { c.Step }) }
        : new Dictionary<string, Tensor>();

    /// <inheritdoc />
    public void LoadCarried(IReadOnlyDictionary<string, Tensor> state)
    {
        _carried?.H.Dispose();
        _carried = null;
        if (!state.TryGetValue("evo_h", out var h) || !state.TryGetValue("evo_step", out var stepTensor)) return;
        var step = (int)stepTensor.item<long>();
        var (repo, position, _, _) = _schedule.At(step);
        _carried = (step, repo.RepoId, position, h.to(_slots.Model.Device).DetachFromDisposeScope());
    }

    /// <summary>The commit's training examples, a seeded sample per epoch when there are more than the cap.</summary>
    private IReadOnlyList<CompletionExample> TasksAt(CommitHistory repo, int position, int epoch)
    {
        var all = _tasks[(repo.RepoId, repo.Commits[position].Sha)];
        if (all.Count <= _settings.MaxTasksPerUpdate) return all;
        var picked = all.ToList();
        SeededRandom.For(_settings.Seed, $"evo/tasks/{epoch}/{repo.RepoId}/{position}").Shuffle(picked);
        return picked.Take(_settings.MaxTasksPerUpdate).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(int step)
    {
        if (_validation.Count == 0) return new Dictionary<string, double>();
        var contexts = Contexts(_gru, _validationRepos, _slots.Model.Device);
        var loss = CompletionBatches.MeanLoss(_validation, _settings.EvalBatchSize, _settings.PadId,
            chunk =>
            {
                var flat = chunk.SelectMany(e => contexts[(e.RepoId, e.CommitSha)]).ToArray();
                using var ctx = torch.tensor(flat, [chunk.Count, _head.Config.InputDim], device: _slots.Model.Device);
                _slots.Use(_head.forward(ctx));
            },
            _slots.Model);
        _slots.Clear();
        return new Dictionary<string, double> { ["val_loss"] = loss };
    }

    /// <summary>The context of every commit of <paramref name="histories"/> after a full walk (no gradients).</summary>
    public static Dictionary<(string Repo, string Sha), float[]> Contexts(CommitGru gru, IEnumerable<CommitHistory> histories, Device device)
    {
        var map = new Dictionary<(string, string), float[]>();
        foreach (var history in histories)
        {
            var walk = HistoryWalk.Contexts(gru, history, device);
            for (var i = 0; i < history.Commits.Count; i++) map[(history.RepoId, history.Commits[i].Sha)] = walk.Contexts[i];
        }
        return map;
    }
}
