using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Models;

namespace Code2Lora.Experiments;

/// <summary>A trained static head fed each of its conditioning inputs (its own vector, another repository's of the same split, the zero
/// vector, the mean weight change), each a method decoded (or only teacher-forced) through a <see cref="PredictionCache"/>. Its
/// identities are the static evaluation's, so the cache knows when weights or vectors changed.</summary>
internal sealed class HeadProbe : IDisposable
{
    private readonly StaticExperiment _experiment;
    private readonly Func<string, string> _nameOf;
    private readonly string _headId;
    private readonly LoadedModel _lm;
    private readonly LoraSlots _slots;
    private readonly Code2LoraHead _head;
    private readonly RepoContexts _contexts;
    private readonly List<QnaRow> _all;
    private readonly IProgress<(string Method, string Split, int Done, int Total)>? _progress;
    private readonly Action<string>? _note;
    private readonly Shard? _shard;
    private readonly bool _mergeOnly;

    /// <summary>The method names of the static evaluation: code2lora-static, shuffled-repo, zero-embedding, mean-adapter.</summary>
    public static string StaticName(string input) => input switch
    {
        "own" => "code2lora-static", "other" => "shuffled-repo", "zero" => "zero-embedding", "mean" => "mean-adapter",
        _ => throw new ArgumentException($"no head input '{input}'."),
    };

    /// <summary>Loads <paramref name="experiment"/>'s trained head over a fresh copy of its base; each input ("own", "other", "zero",
    /// "mean") is saved as method <paramref name="nameOf"/>(input). Scored on the experiment's evaluation splits, or only on those with two
    /// or more repositories when <paramref name="onlySwappable"/> (so every input is scored on the same tasks). <paramref name="shard"/> and
    /// <paramref name="mergeOnly"/> are passed to <see cref="PredictionCache.RunAsync"/> (a shard decodes its repositories only).</summary>
    public HeadProbe(StaticExperiment experiment, RepoContexts contexts, Func<string, string> nameOf, bool onlySwappable,
        IProgress<(string Method, string Split, int Done, int Total)>? progress = null, Action<string>? note = null, Shard? shard = null, bool mergeOnly = false)
    {
        (_experiment, _nameOf, _progress, _note, _shard, _mergeOnly) = (experiment, nameOf, progress, note, shard, mergeOnly);
        var tasks = experiment.EvaluationTasks();
        _all = tasks.Values.SelectMany(v => v).ToList();
        var swappable = GeneratedAdapterMethod.SplitsWithOtherRepositories(_all);
        Splits = onlySwappable ? swappable.ToDictionary(s => s, s => tasks[s]) : tasks;
        OtherSplits = swappable.Where(Splits.ContainsKey).ToDictionary(s => s, s => tasks[s]);
        _lm = experiment.LoadBase();
        _slots = LoraSlots.Install(_lm.Model, experiment.Config.Lora);
        _contexts = experiment.HeadContexts(contexts);
        _head = experiment.LoadHead(_lm, _contexts.EncoderId, _contexts.Dimension);
        _headId = $"{StaticEvaluation.ModelIdentity("base", _lm.Directory)} head={PredictionCache.HashFiles([experiment.HeadFile])} vectors={_contexts.EncoderId}";
    }

    /// <summary>The scored splits.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> Splits { get; }

    /// <summary>The scored splits where another repository of the same split exists (where "other" is scored).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> OtherSplits { get; }

    /// <summary>Predictions (or only target NLLs, when not <paramref name="decode"/>) with each task's own vector.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Own(PredictionCache cache, bool decode = true) =>
        Generated(cache, "own", GeneratedAdapterMethod.Own(_contexts), _headId, decode);

    /// <summary>… with another repository's vector from the same split (on <see cref="OtherSplits"/>).</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Other(PredictionCache cache, bool decode = true) =>
        Generated(cache, "other", GeneratedAdapterMethod.Shuffled(_contexts, _all, _experiment.Config.Seed), $"{_headId} seed={_experiment.Config.Seed} pool=same-split", decode, OtherSplits);

    /// <summary>… with the zero vector.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Zero(PredictionCache cache, bool decode = true) =>
        Generated(cache, "zero", GeneratedAdapterMethod.Zero(_contexts.Dimension), _headId, decode);

    /// <summary>… with the average weight change over the training repositories.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Mean(PredictionCache cache, bool decode = true)
    {
        var states = _experiment.TrainStates();
        using var stacked = _contexts.Stack(states, _lm.Model.Device);
        using var mean = new MeanAdapter(_head, stacked, _lm.Config.NumHiddenLayers);
        return await Run(cache, new FixedAdapterMethod(_nameOf("mean"), _slots, mean), $"{_headId} train-states={states.Count} mean=weight-change", decode, Splits);
    }

    /// <summary>Pairwise similarity of the head's adapters for every benchmark repository.</summary>
    public AdapterSimilarity Similarity()
    {
        var states = _experiment.Bench.StaticRepos.OrderBy(r => r.RepoId, StringComparer.Ordinal).Select(r => (r.RepoId, r.SnapshotSha)).ToList();
        return AdapterSimilarity.Measure(_head, _contexts, states, _lm.Model.Device);
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Generated(PredictionCache cache, string input, Func<QnaRow, float[]> pick,
        string identity, bool decode, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>>? splits = null)
    {
        using var method = new GeneratedAdapterMethod(_nameOf(input), _slots, _head, pick);
        return await Run(cache, method, identity, decode, splits ?? Splits);
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Run(PredictionCache cache, ICompletionMethod method, string identity, bool decode,
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits)
    {
        var report = _progress is null ? null : new Runtime.SyncProgress<(string Split, int Done, int Total)>(p => _progress.Report((method.Name, p.Split, p.Done, p.Total)));
        if (!decode) return await cache.RunLossOnlyAsync(method, identity, _lm.Model, _lm.Tokenizer, splits, _experiment.Config.Decoding, report);
        var run = await cache.RunAsync(method, identity, _lm.Model, _lm.Tokenizer, splits, _experiment.Config.Decoding, report, _shard, _mergeOnly);
        if (run.Reused) _note?.Invoke($"{method.Name}: predictions reused (same weights, settings and tasks).");
        return run.Rows;
    }

    /// <summary>Frees the head and the base copy.</summary>
    public void Dispose()
    {
        _slots.Clear();
        _head.Dispose();
        _lm.Model.Dispose();
    }
}
