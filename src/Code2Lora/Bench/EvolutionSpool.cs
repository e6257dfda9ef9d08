namespace Code2Lora.Bench;

/// <summary>
/// One repository's evolution-track output on disk while other repositories are mined (paper-notes §3.4 steps 3–5):
/// its kept commits with their production-code diffs, and the only tasks the split can choose — each kept commit's first
/// <see cref="BenchConfig.EvalTasksPerCommit"/> tasks (what an evaluation split scores) and its smart-capped training
/// tasks — with their prefixes built. The other raw tasks are counted, never stored, so memory holds one repository's
/// working set whatever the size of the benchmark.
/// </summary>
public sealed class EvolutionSpool : IDisposable
{
    private const string CommitsFile = "commits.parquet", EvalFile = "eval-tasks.parquet", TrainFile = "train-tasks.parquet";

    private readonly ParquetAppender<CommitRow> _commits;
    private readonly ParquetAppender<QnaRow> _eval, _train;

    /// <summary>Starts a spool in <paramref name="directory"/> (replacing one left there).</summary>
    public EvolutionSpool(string directory)
    {
        Directory = Path.GetFullPath(directory);
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.CreateDirectory(Directory);
        _commits = new ParquetAppender<CommitRow>(Path.Combine(Directory, CommitsFile), c => c.ProductionCodeDiff.Length + 128);
        _eval = new ParquetAppender<QnaRow>(Path.Combine(Directory, EvalFile), TaskChars);
        _train = new ParquetAppender<QnaRow>(Path.Combine(Directory, TrainFile), TaskChars);
    }

    /// <summary>Where the spool's files are.</summary>
    public string Directory { get; }

    /// <summary>Adds a kept commit with its candidate tasks: those an evaluation split would score, and those training would use.</summary>
    public void Add(CommitRow commit, IEnumerable<QnaRow> evalTasks, IEnumerable<QnaRow> trainTasks)
    {
        _commits.Add(commit);
        foreach (var t in evalTasks) _eval.Add(t);
        foreach (var t in trainTasks) _train.Add(t);
    }

    /// <summary>Finishes the files.</summary>
    public void Complete()
    {
        _commits.Complete();
        _eval.Complete();
        _train.Complete();
    }

    /// <summary>Drops unfinished files.</summary>
    public void Dispose()
    {
        _commits.Dispose();
        _eval.Dispose();
        _train.Dispose();
    }

    /// <summary>The kept commits of a completed spool, in order (one row group in memory at a time).</summary>
    public static IEnumerable<CommitRow> Commits(string directory) => ParquetAppender<CommitRow>.ReadAll(Path.Combine(directory, CommitsFile));

    /// <summary>The evaluation candidates of a completed spool, in commit order.</summary>
    public static IEnumerable<QnaRow> EvalTasks(string directory) => ParquetAppender<QnaRow>.ReadAll(Path.Combine(directory, EvalFile));

    /// <summary>The smart-capped training candidates of a completed spool, in commit order.</summary>
    public static IEnumerable<QnaRow> TrainTasks(string directory) => ParquetAppender<QnaRow>.ReadAll(Path.Combine(directory, TrainFile));

    private static long TaskChars(QnaRow t) => t.Prefix.Length + t.Target.Length + 256;
}
