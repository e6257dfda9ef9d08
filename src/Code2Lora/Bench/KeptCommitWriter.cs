using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Code2Lora.Mining;

namespace Code2Lora.Bench;

/// <summary>
/// Finishes the kept commits of a walk in order: computes each one's production-code diff from the previous kept commit
/// and appends it, with its candidate tasks, to the spool. In the background it does so on a thread of its own with its
/// own repository handle, so the walking thread never waits for a diff or a Parquet row group; inline it runs on the
/// caller's thread. The spool's bytes are the same either way.
/// </summary>
internal sealed class KeptCommitWriter : IDisposable
{
    private sealed record Item(CommitRow Commit, string? PreviousKeptSha, IReadOnlyList<QnaRow> EvalTasks, IReadOnlyList<QnaRow> TrainTasks);

    private readonly RepoSource _source;
    private readonly MiningRules _rules;
    private readonly EvolutionSpool _spool;
    private readonly BlockingCollection<Item>? _queue;
    private readonly Thread? _thread;
    private ExceptionDispatchInfo? _error;
    private volatile bool _abandoned;

    /// <summary>Opens its own handle on <paramref name="input"/>'s repository; <paramref name="background"/> chooses the thread.</summary>
    public KeptCommitWriter(RepoInput input, MiningRules rules, EvolutionSpool spool, bool background)
    {
        _source = RepoSource.Open(input.Path, input.RepoId, rules);
        (_rules, _spool) = (rules, spool);
        if (!background) return;
        // A few commits of slack: each holds at most its candidate tasks' prefixes.
        _queue = new BlockingCollection<Item>(boundedCapacity: 16);
        _thread = new Thread(Drain) { IsBackground = true, Name = "kept-commit writer" };
        _thread.Start();
    }

    /// <summary>Queues (or, inline, writes) one kept commit; rethrows what the background writer threw.</summary>
    public void Add(CommitRow commit, string? previousKeptSha, IReadOnlyList<QnaRow> evalTasks, IReadOnlyList<QnaRow> trainTasks)
    {
        var item = new Item(commit, previousKeptSha, evalTasks, trainTasks);
        if (_queue is null) { Write(item); return; }
        _error?.Throw();
        _queue.Add(item);
    }

    /// <summary>Waits until every queued commit is written, then completes the spool.</summary>
    public void Complete()
    {
        if (_queue is not null)
        {
            _queue.CompleteAdding();
            _thread!.Join();
            _error?.Throw();
        }
        _spool.Complete();
    }

    private void Drain()
    {
        foreach (var item in _queue!.GetConsumingEnumerable())
        {
            if (_error is not null || _abandoned) continue;   // keep draining so the walking thread never blocks on a full queue
            try { Write(item); }
            catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
        }
    }

    private void Write(Item item)
    {
        item.Commit.ProductionCodeDiff = _source.ProductionDiff(item.PreviousKeptSha, item.Commit.CommitSha, _rules);
        _spool.Add(item.Commit, item.EvalTasks, item.TrainTasks);
    }

    /// <summary>Stops the background thread (after an error on the walking side) and releases the repository handle.</summary>
    public void Dispose()
    {
        if (_queue is not null && !_queue.IsAddingCompleted)
        {
            _abandoned = true;
            _queue.CompleteAdding();
            _thread!.Join();
        }
        _queue?.Dispose();
        _source.Dispose();
    }
}
