using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>The copy check of a static experiment's base model over its benchmark's evaluation tasks (<c>c2l model copy-check</c>).</summary>
public static class CopyCheckRun
{
    /// <summary>The tracks a copy check can read.</summary>
    public static readonly IReadOnlyList<string> Tracks = ["static", "evolution", "both"];

    /// <summary>The scored tasks of <paramref name="track"/>, keyed <c>&lt;track&gt;/&lt;split&gt;</c>: the static track's CR-test and IR-test
    /// exactly as the static evaluation samples them, and the evolution track's CR-test and IR-test (the benchmark already keeps only
    /// each commit's first tasks there), sampled with the same cap.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> Tasks(StaticExperiment experiment, string track)
    {
        if (!Tracks.Contains(track))
            throw new ArgumentException($"no track '{track}' for the copy check; use one of {string.Join(", ", Tracks)}.");
        var splits = new Dictionary<string, IReadOnlyList<QnaRow>>();
        if (track is "static" or "both")
            foreach (var (split, tasks) in experiment.EvaluationTasks()) splits["static/" + split] = tasks;
        if (track is "evolution" or "both")
            foreach (var split in new[] { SplitNames.CrTest, SplitNames.IrTest })
            {
                var tasks = experiment.Bench.EvolutionTasks.Where(t => t.Split == split).ToList();
                if (tasks.Count > 0) splits["evolution/" + split] = experiment.Sample(tasks, experiment.Config.EvalTasksPerSplit, "eval/evolution/" + split);
            }
        if (splits.Count == 0)
            throw new InvalidDataException($"{experiment.BenchDirectory}: no {track} CR-test or IR-test tasks; build the benchmark (c2l bench build) with that track.");
        return splits;
    }

    /// <summary>Loads the experiment's base model, runs the copy check with the static track's decoding settings, and writes
    /// copy-check.json and copy-check.md to <paramref name="resultsDir"/>.</summary>
    public static CopyCheckReport Run(StaticExperiment experiment, string track, CopyCheckOptions options, string resultsDir, string command,
        IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        var splits = Tasks(experiment, track);
        var lm = experiment.LoadBase();
        using (lm.Model)
        {
            var report = CopyCheck.Run(experiment.Config.BaseModel, lm.Model, lm.Tokenizer, splits, experiment.Config.Decoding, options, progress);
            report.Write(resultsDir, Provenance.Capture(command));
            return report;
        }
    }
}
