using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Code2Lora.Runtime;

/// <summary>A piece of pure work that runs exactly once: on a helper thread, or inline on the thread that needs it first.</summary>
public sealed class ClaimableJob(Action work)
{
    private int _claimed;
    private volatile bool _done;
    private ExceptionDispatchInfo? _error;

    /// <summary>Runs the work if nobody has claimed it yet; false when another thread has.</summary>
    public bool TryRun()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0) return false;
        try { work(); }
        catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
        finally
        {
            lock (this) { _done = true; Monitor.PulseAll(this); }
        }
        return true;
    }

    /// <summary>True once the work has run (on any thread).</summary>
    public bool IsDone => _done;

    /// <summary>Runs the work here, or waits for the thread running it; rethrows what it threw.</summary>
    public void RunOrWait()
    {
        if (!TryRun())
            lock (this) while (!_done) Monitor.Wait(this);
        _error?.Throw();
    }
}

/// <summary>
/// An in-order pipeline for a sequential walk with parallel pure work: items are produced and consumed on the caller's
/// thread, in order, while helper threads run their jobs ahead. The read-ahead window depends only on the items (never
/// on the thread count), so whatever the caller does with the items happens identically with 1 thread or many.
/// </summary>
public static class OrderedPipeline
{
    /// <summary>
    /// Yields <paramref name="items"/> in order, each after all of its <paramref name="jobsOf"/> jobs finished. At most
    /// <paramref name="maxItemsAhead"/> items, and at most <paramref name="maxJobsAhead"/> jobs (beyond the next item's),
    /// are read ahead. <paramref name="threads"/> counts the caller's thread: 1 runs everything inline.
    /// </summary>
    public static IEnumerable<T> Run<T>(IEnumerable<T> items, Func<T, IReadOnlyList<ClaimableJob>> jobsOf, int threads,
        int maxItemsAhead = 256, int maxJobsAhead = 32)
    {
        using var queue = new BlockingCollection<ClaimableJob>();
        using var stop = new CancellationTokenSource();
        var helpers = new List<Thread>();
        for (int i = 1; i < threads; i++)
        {
            var helper = new Thread(() =>
            {
                foreach (var job in queue.GetConsumingEnumerable())
                    if (!stop.IsCancellationRequested) job.TryRun();
            }) { IsBackground = true, Name = $"pipeline helper {i}" };
            helper.Start();
            helpers.Add(helper);
        }

        var window = new Queue<(T Item, IReadOnlyList<ClaimableJob> Jobs)>();
        int jobsAhead = 0;
        using var source = items.GetEnumerator();
        bool more = true;
        try
        {
            while (true)
            {
                while (more && window.Count < maxItemsAhead && (window.Count == 0 || jobsAhead < maxJobsAhead))
                {
                    if (!(more = source.MoveNext())) break;
                    var jobs = jobsOf(source.Current);
                    if (helpers.Count > 0) foreach (var job in jobs) queue.Add(job);
                    window.Enqueue((source.Current, jobs));
                    jobsAhead += jobs.Count;
                }
                if (window.Count == 0) yield break;
                var (item, itemJobs) = window.Dequeue();
                foreach (var job in itemJobs)
                {
                    // While a helper runs the job needed next, the caller runs jobs further ahead instead of waiting.
                    while (!job.TryRun() && !job.IsDone && RunOneAhead(window)) { }
                    job.RunOrWait();
                }
                jobsAhead -= itemJobs.Count;
                yield return item;
            }
        }
        finally
        {
            stop.Cancel();
            queue.CompleteAdding();
            foreach (var helper in helpers) helper.Join();
        }
    }

    /// <summary>Runs the first job of the window nobody has claimed; false when there is none.</summary>
    private static bool RunOneAhead<T>(Queue<(T Item, IReadOnlyList<ClaimableJob> Jobs)> window)
    {
        foreach (var (_, jobs) in window)
            foreach (var job in jobs)
                if (job.TryRun()) return true;
        return false;
    }
}
