using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training;

namespace Code2Lora.Experiments;

/// <summary>One fold of a cross-repository validation: its held-out repositories and the tasks scored on them.</summary>
public sealed record CrossRepoFold([property: JsonPropertyName("fold")] int Fold, [property: JsonPropertyName("repos")] IReadOnlyList<string> Repos,
    [property: JsonPropertyName("tasks")] int Tasks, [property: JsonPropertyName("train_tasks")] int TrainTasks);

/// <summary>results/&lt;track&gt;/&lt;preset&gt;/crossval-k&lt;k&gt;/summary.json: every method pooled over the folds' held-out repositories (each
/// repository's tasks are scored once, by the fold that held it out), the paired comparisons with repository-clustered intervals over all
/// repositories, and the paper's single split as the paper-faithful row.</summary>
public sealed record CrossRepoSummary(
    [property: JsonPropertyName("track")] string Track,
    [property: JsonPropertyName("folds")] IReadOnlyList<CrossRepoFold> Folds,
    [property: JsonPropertyName("trivial")] IReadOnlyDictionary<string, MethodSummary> Trivial,
    [property: JsonPropertyName("methods")] IReadOnlyDictionary<string, MethodSummary> Methods,
    [property: JsonPropertyName("comparisons")] IReadOnlyList<Comparison> Comparisons,
    [property: JsonPropertyName("paper_split")] JsonNode? PaperSplit,
    [property: JsonPropertyName("preset")] string Preset,
    [property: JsonPropertyName("config")] object Config,
    [property: JsonPropertyName("command")] string Command, [property: JsonPropertyName("provenance")] Provenance Provenance);

/// <summary>What one fold scored: its held-out repositories and every method's rows on their tasks (CR-test), by method name.</summary>
public sealed record ScoredFold(CrossRepoFold Fold, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows);

/// <summary>k-fold cross-validation over the static track's repositories, a mode of the static experiment for claims about unseen
/// repositories: the paper's single split holds out a handful of repositories (6 on tiny, one of them a third of the tasks), too few for
/// any interval over repositories. Each fold holds out about 1/k of all repositories (seeded), trains the Static head and single LoRA on
/// the tasks of the others (their validation tasks log the validation loss) and scores every task of the held-out ones: pretrained, single
/// LoRA, Code2LoRA-Static and the head's controls, and the trivial baselines. Folds train in their own run directories, so the run resumes
/// fold by fold; predictions are cached per fold.</summary>
public static class CrossRepoValidation
{
    /// <summary>The repositories of each fold: the ordinally sorted repositories in a seeded order, dealt round-robin.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Folds(IEnumerable<string> repos, int k, int seed)
    {
        var order = repos.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Two held-out repositories per fold at least, so "another repository of the same split" exists in every fold.
        if (k < 2 || 2 * k > order.Count) throw new ArgumentException($"cross-validation over {order.Count} repositories needs 2 ≤ k ≤ {order.Count / 2} (two held-out repositories per fold), got k = {k}.");
        SeededRandom.For(seed, "crossval/folds").Shuffle(order);
        return Enumerable.Range(0, k).Select(f => (IReadOnlyList<string>)order.Where((_, i) => i % k == f).Order(StringComparer.Ordinal).ToList()).ToList();
    }

    /// <summary>The static track relabelled for one fold: every task of a held-out repository is CR-test; the other repositories' validation
    /// tasks (IR-val, CR-val) are CR-val and all their other tasks train. The evolution track is left out.</summary>
    public static BenchData FoldBench(BenchData bench, IReadOnlyCollection<string> heldOut)
    {
        var test = heldOut.ToHashSet(StringComparer.Ordinal);
        var tasks = bench.StaticTasks.Select(t => t.WithSplit(test.Contains(t.RepoId) ? SplitNames.CrTest
            : t.Split is SplitNames.IrVal or SplitNames.CrVal ? SplitNames.CrVal : SplitNames.Train)).ToList();
        var repos = bench.StaticRepos.Select(r => r.WithSplit(test.Contains(r.RepoId) ? SplitNames.CrTest : SplitNames.Train)).ToList();
        return bench with { StaticTasks = tasks, StaticRepos = repos, EvolutionTasks = [], EvolutionRepos = [], Commits = [] };
    }

    /// <summary>Trains (or resumes) and scores every fold of <paramref name="k"/> over <paramref name="experiment"/>'s repositories, with its
    /// config (every held-out task is scored: EvalTasksPerSplit 0), then pools them and writes summary.json / summary.md to
    /// <paramref name="resultsDir"/>; <paramref name="paperSummary"/> (results/static/&lt;preset&gt;/summary.json), when present, gives the
    /// paper-faithful row.</summary>
    public static async Task<CrossRepoSummary> RunAsync(StaticExperiment experiment, RepoContexts contexts, int k, string resultsDir, string command,
        string? paperSummary = null, IProgress<(string Stage, int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        var config = experiment.Config with { EvalTasksPerSplit = 0 };
        var repos = experiment.Bench.StaticTasks.Select(t => t.RepoId);
        var folds = Folds(repos, k, config.Seed);
        var scoredFolds = new List<ScoredFold>();
        for (var f = 0; f < folds.Count; f++)
        {
            var name = $"fold-{f + 1}";
            var fold = StaticExperiment.Over(config, experiment.BenchDirectory, Path.Combine(experiment.RunDirectory, $"crossval-k{k}", name), FoldBench(experiment.Bench, folds[f]));
            Train($"{name} static", p => fold.TrainStatic(fold.LoadBase(), contexts, p, cancel), progress);
            Train($"{name} slora", p => fold.TrainSingleLora(fold.LoadBase(), p, cancel), progress);
            var scored = await ScoreFoldAsync(fold, contexts, new PredictionCache(Path.Combine(resultsDir, "predictions", name)), name, progress);
            scoredFolds.Add(new ScoredFold(new CrossRepoFold(f + 1, folds[f], scored.Values.First().Count, fold.TrainingTasks().Count), scored));
        }
        return Write("static", config.Name, config, scoredFolds, StaticEvaluation.ComparedPairs, config.Seed, PaperSplitRow(paperSummary, "code2lora-static"), resultsDir, command);
    }

    /// <summary>Pools the folds' rows (task indices run on across folds, so every method's rows line up task by task), compares the
    /// <paramref name="pairs"/> on them and writes summary.json / summary.md to <paramref name="resultsDir"/>.</summary>
    public static CrossRepoSummary Write(string track, string preset, object config, IReadOnlyList<ScoredFold> folds, IEnumerable<(string A, string B)> pairs,
        int seed, JsonNode? paperSplit, string resultsDir, string command)
    {
        var pooled = new Dictionary<string, List<PredictionRow>>();
        var offset = 0;
        foreach (var fold in folds)
        {
            foreach (var (method, rows) in fold.Rows)
                (pooled.TryGetValue(method, out var into) ? into : pooled[method] = []).AddRange(rows.Select(r => r.With(offset + r.TaskIndex, r.Split, r.Method)));
            offset += fold.Fold.Tasks;
        }
        var all = pooled.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>)new Dictionary<string, IReadOnlyList<PredictionRow>> { [SplitNames.CrTest] = kv.Value });
        var trivialNames = new[] { TrivialBaselines.MostFrequentName, TrivialBaselines.CopyName };
        var summary = new CrossRepoSummary(track, folds.Select(f => f.Fold).ToList(),
            all.Where(kv => trivialNames.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)),
            all.Where(kv => !trivialNames.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)),
            Comparison.All(all, pairs, [SplitNames.CrTest], seed), paperSplit, preset, config, command, Provenance.Capture(command));
        AtomicFile.WriteText(Path.Combine(resultsDir, "summary.json"), JsonSerializer.Serialize(summary, Provenance.Json));
        AtomicFile.WriteText(Path.Combine(resultsDir, "summary.md"), Markdown(summary));
        return summary;
    }

    /// <summary>Every method of one fold on its held-out tasks (the CR-test split of the fold's benchmark), by method name.</summary>
    private static async Task<Dictionary<string, IReadOnlyList<PredictionRow>>> ScoreFoldAsync(StaticExperiment fold, RepoContexts contexts, PredictionCache cache,
        string name, IProgress<(string Stage, int Done, int Total)>? progress)
    {
        var c = fold.Config;
        var splits = fold.EvaluationTasks();
        var report = progress is null ? null : new SyncProgress<(string Method, string Split, int Done, int Total)>(p => progress.Report(($"{name} {p.Method} {p.Split}", p.Done, p.Total)));
        var scored = TrivialBaselines.Score(splits, fold.TrainingTasks()).ToDictionary(kv => kv.Key, kv => kv.Value);
        var lm = fold.LoadBase();
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var baseId = StaticEvaluation.ModelIdentity("base", lm.Directory);
        async Task Run(ICompletionMethod method, string identity) =>
            scored[method.Name] = (await cache.RunAsync(method, identity, lm.Model, lm.Tokenizer, splits, c.Decoding,
                report is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => report.Report((method.Name, p.Split, p.Done, p.Total))))).Rows;
        await Run(new BaseModelMethod("pretrained", slots), baseId);
        using (var lora = PeftAdapterFiles.Load(fold.SingleLoraDirectory, lm.Config, lm.Model.Device, c.Lora))
            await Run(new FixedAdapterMethod("single-lora", slots, lora), $"{baseId} lora={PredictionCache.HashFiles([Path.Combine(fold.SingleLoraDirectory, PeftAdapterFiles.WeightsFile)])}");
        slots.Clear();
        using (var probe = new HeadProbe(fold, contexts, HeadProbe.StaticName, onlySwappable: false, report))
        {
            scored["code2lora-static"] = await probe.Own(cache);
            if (probe.OtherSplits.Count > 0) scored["shuffled-repo"] = await probe.Other(cache);
            scored["zero-embedding"] = await probe.Zero(cache);
            scored["mean-adapter"] = await probe.Mean(cache);
        }
        lm.Model.Dispose();
        return scored.ToDictionary(kv => kv.Key, kv => kv.Value[SplitNames.CrTest]);
    }

    /// <summary>Trains (or resumes) one model of a fold; a stopped run is an error that says how to resume.</summary>
    internal static void Train(string stage, Func<IProgress<TrainingProgress>, TrainingResult> train, IProgress<(string Stage, int Done, int Total)>? progress)
    {
        var result = train(new SyncProgress<TrainingProgress>(p => progress?.Report(($"train {stage}", p.Step, p.Steps))));
        if (!result.Completed) throw new OperationCanceledException($"{stage} stopped at step {result.Step}; run the same command to resume.");
    }

    /// <summary>The paper split's <paramref name="method"/> − single LoRA comparison on CR-test, as its summary.json states it (null when there is none).</summary>
    public static JsonNode? PaperSplitRow(string? summaryFile, string method)
    {
        if (summaryFile is null || !File.Exists(summaryFile)) return null;
        return JsonNode.Parse(File.ReadAllText(summaryFile))?["comparisons"]?.AsArray().FirstOrDefault(c =>
            c?["a"]?.GetValue<string>() == method && c["b"]?.GetValue<string>() == "single-lora" && c["split"]?.GetValue<string>() == SplitNames.CrTest)?.DeepClone();
    }

    /// <summary>The cross-validation summary as markdown.</summary>
    public static string Markdown(CrossRepoSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var repos = s.Folds.Sum(f => f.Repos.Count);
        var track = s.Track == "static" ? "Static track" : "Evolution track";
        var dir = s.Track == "static" ? "static" : "evo";
        sb.AppendLine(inv, $"# {track} ({s.Preset} preset): {s.Folds.Count}-fold cross-validation over {repos} repositories");
        sb.AppendLine();
        sb.AppendLine("| fold | held-out repositories | scored tasks | training tasks |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var f in s.Folds) sb.AppendLine(inv, $"| {f.Fold} | {f.Repos.Count} | {f.Tasks} | {f.TrainTasks} |");
        sb.AppendLine();
        sb.AppendLine("Every task of every repository is scored once, by the fold that held its repository out (the CR columns below).");
        sb.AppendLine();
        SummaryTables.Methods(sb, "method (pooled over folds)", s.Trivial.Concat(s.Methods).ToDictionary(), extraTokens: false);
        SummaryTables.Comparisons(sb, s.Comparisons);
        if (s.PaperSplit is { } paper && paper["nll"] is JsonObject nll)
        {
            sb.AppendLine(inv, $"Paper-faithful single split (CR-test, {paper["tasks"]} tasks, {nll["repos"]} repositories): {paper["a"]} − single-lora target NLL {nll["diff"]} "
                               + $"[{nll["ci"]?[0]}, {nll["ci"]?[1]}] over tasks, [{nll["ci_repos"]?[0]}, {nll["ci_repos"]?[1]}] over repositories (results/{dir}/{s.Preset}/summary.md).");
            sb.AppendLine();
        }
        sb.AppendLine(SummaryTables.Legend);
        sb.AppendLine();
        sb.AppendLine(inv, $"Command: `{s.Command}`, git {s.Provenance.GitSha}.");
        return sb.ToString();
    }
}
