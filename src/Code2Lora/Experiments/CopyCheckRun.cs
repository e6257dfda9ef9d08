using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>The copy check of an experiment's base model over its benchmark's scored tasks (<c>c2l model copy-check</c>).</summary>
public static class CopyCheckRun
{
    /// <summary>The tracks a copy check of a static config can read.</summary>
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
        return NotEmpty(splits, experiment.BenchDirectory, track);
    }

    /// <summary>The evolution track's scored tasks exactly as <see cref="EvoEvaluation"/> scores them, keyed <c>evolution/&lt;split&gt;</c>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> Tasks(EvoExperiment experiment) =>
        NotEmpty(EvoEvaluation.ScoredTasks(experiment).Where(kv => kv.Value.Count > 0).ToDictionary(kv => "evolution/" + kv.Key, kv => kv.Value),
            experiment.BenchDirectory, "evolution");

    /// <summary>Runs the copy check of a static config's base model (its decoding settings) and writes the report to <paramref name="resultsDir"/>.</summary>
    public static CopyCheckReport Run(StaticExperiment experiment, string track, CopyCheckOptions options, string resultsDir, string command,
        IProgress<(string Split, int Done, int Total)>? progress = null) =>
        Run(experiment.LoadBase, experiment.Config.BaseModel, Tasks(experiment, track), experiment.Config.Decoding, options, resultsDir, command, progress);

    /// <summary>Runs the copy check of an evolution config's base model (its decoding settings) and writes the report to <paramref name="resultsDir"/>.</summary>
    public static CopyCheckReport Run(EvoExperiment experiment, CopyCheckOptions options, string resultsDir, string command,
        IProgress<(string Split, int Done, int Total)>? progress = null) =>
        Run(experiment.LoadBase, experiment.Config.BaseModel, Tasks(experiment), experiment.Config.Decoding, options, resultsDir, command, progress);

    private static CopyCheckReport Run(Func<LoadedModel> load, string modelName, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits,
        CompletionSettings settings, CopyCheckOptions options, string resultsDir, string command, IProgress<(string Split, int Done, int Total)>? progress)
    {
        var lm = load();
        using (lm.Model)
        {
            var report = CopyCheck.Run(modelName, lm.Model, lm.Tokenizer, splits, settings, options, progress);
            report.Write(resultsDir, Provenance.Capture(command));
            return report;
        }
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> NotEmpty(Dictionary<string, IReadOnlyList<QnaRow>> splits, string benchDir, string track) =>
        splits.Count > 0 ? splits
            : throw new InvalidDataException($"{benchDir}: no {track} CR-test or IR-test tasks; build the benchmark (c2l bench build) with that track.");
}
