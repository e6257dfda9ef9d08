using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training;

namespace Code2Lora.Experiments;

/// <summary>k-fold cross-validation over the evolution track's repositories: the paper's split holds out 3 histories on tiny (CR-test), too
/// few for an interval over repositories. Each fold holds out about 1/k of the histories (the static track's seeded deal), trains Evo and
/// its single LoRA on the others' histories and scores every held-out commit's tasks (the first EvalTasksPerCommit of each, as the
/// evaluation does): pretrained, single LoRA, Code2LoRA-Evo, Evo with its state frozen at h₀, and the trivial baselines. Folds train in
/// their own run directories and cache predictions per method, so the run resumes fold by fold.</summary>
public static class EvoCrossValidation
{
    /// <summary>The evolution track relabelled for one fold. Every commit and task of a held-out repository is CR-test; the other
    /// repositories are training histories whose in-repo validation commits give the validation tasks (CR-val) and whose other tasks all
    /// train. The static track is left out.</summary>
    public static BenchData FoldBench(BenchData bench, IReadOnlyCollection<string> heldOut)
    {
        var test = heldOut.ToHashSet(StringComparer.Ordinal);
        var inRepo = bench.Commits.ToDictionary(c => (c.RepoId, c.CommitSha), c => c.InRepoSplit);
        var tasks = bench.EvolutionTasks.Select(t => t.WithSplit(test.Contains(t.RepoId) ? SplitNames.CrTest
            : inRepo.GetValueOrDefault((t.RepoId, t.CommitSha)) == SplitNames.InRepoVal ? SplitNames.CrVal : SplitNames.Train)).ToList();
        var commits = bench.Commits.Select(c => c.WithCrossRepoSplit(test.Contains(c.RepoId) ? SplitNames.CrTest : SplitNames.Train)).ToList();
        var repos = bench.EvolutionRepos.Select(r => r.WithSplit(test.Contains(r.RepoId) ? SplitNames.CrTest : SplitNames.Train)).ToList();
        return bench with { EvolutionTasks = tasks, EvolutionRepos = repos, Commits = commits, StaticTasks = [], StaticRepos = [] };
    }

    /// <summary>Trains (or resumes) and scores every fold of <paramref name="k"/> over <paramref name="experiment"/>'s histories with its
    /// config (EvalTasksPerSplit 0: every held-out commit is scored), the single LoRA with the static config's epochs and training, then
    /// pools the folds into summary.json / summary.md in <paramref name="resultsDir"/>; <paramref name="paperSummary"/>
    /// (results/evo/&lt;preset&gt;/summary.json), when present, gives the paper-faithful row.</summary>
    public static async Task<CrossRepoSummary> RunAsync(EvoExperiment experiment, EmbeddingStore store, double singleLoraEpochs, TrainingConfig singleLoraTraining,
        int k, string resultsDir, string command, string? paperSummary = null, IProgress<(string Stage, int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        var config = experiment.Config with { EvalTasksPerSplit = 0 };
        var folds = CrossRepoValidation.Folds(experiment.Bench.EvolutionTasks.Select(t => t.RepoId), k, config.Seed);
        var scoredFolds = new List<ScoredFold>();
        for (var f = 0; f < folds.Count; f++)
        {
            var name = $"fold-{f + 1}";
            var fold = EvoExperiment.Over(config, experiment.BenchDirectory, Path.Combine(experiment.RunDirectory, $"crossval-k{k}", name), FoldBench(experiment.Bench, folds[f]));
            CrossRepoValidation.Train($"{name} evo", p => fold.TrainEvo(fold.LoadBase(), store, p, cancel), progress);
            CrossRepoValidation.Train($"{name} slora", p => fold.TrainSingleLora(fold.LoadBase(), singleLoraEpochs, singleLoraTraining, p, cancel), progress);
            var scored = await ScoreFoldAsync(fold, store, folds[f], new PredictionCache(Path.Combine(resultsDir, "predictions", name)), name, progress);
            var trainTasks = fold.Bench.EvolutionTasks.Count(t => t.Split == SplitNames.Train);
            scoredFolds.Add(new ScoredFold(new CrossRepoFold(f + 1, folds[f], scored.Values.First().Count, trainTasks), scored));
        }
        return CrossRepoValidation.Write("evolution", config.Name, config, scoredFolds, EvoEvaluation.ComparedPairs, config.Seed,
            CrossRepoValidation.PaperSplitRow(paperSummary, "code2lora-evo"), resultsDir, command);
    }

    /// <summary>Every method of one fold on its held-out tasks, by method name.</summary>
    private static async Task<Dictionary<string, IReadOnlyList<PredictionRow>>> ScoreFoldAsync(EvoExperiment fold, EmbeddingStore store, IReadOnlyList<string> heldOut,
        PredictionCache cache, string name, IProgress<(string Stage, int Done, int Total)>? progress)
    {
        var c = fold.Config;
        var splits = new Dictionary<string, IReadOnlyList<QnaRow>> { [SplitNames.CrTest] = EvoEvaluation.ScoredTasks(fold)[SplitNames.CrTest] };
        var scored = TrivialBaselines.Score(splits, fold.Bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var lm = fold.LoadBase();
        var device = lm.Model.Device;
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var baseId = StaticEvaluation.ModelIdentity("base", lm.Directory);
        async Task Run(ICompletionMethod method, string identity) =>
            scored[method.Name] = (await cache.RunAsync(method, identity, lm.Model, lm.Tokenizer, splits, c.Decoding, progress is null ? null
                : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report(($"{name} {method.Name}", p.Done, p.Total))))).Rows;
        await Run(new BaseModelMethod("pretrained", slots), baseId);
        using (var lora = PeftAdapterFiles.Load(fold.SingleLoraDirectory, lm.Config, device, c.Lora))
            await Run(new FixedAdapterMethod("single-lora", slots, lora), $"{baseId} lora={PredictionCache.HashFiles([Path.Combine(fold.SingleLoraDirectory, PeftAdapterFiles.WeightsFile)])}");
        slots.Clear();

        // The GRU walks each held-out history from its first kept commit, as a new repository would be followed.
        var histories = fold.Histories(store).Where(h => heldOut.Contains(h.RepoId)).OrderBy(h => h.RepoId, StringComparer.Ordinal).ToList();
        var (gru, head) = EvoFiles.Load(fold.EvoDirectory, lm.Config, store.EncoderId, device);
        var evoId = $"{baseId} evo={PredictionCache.HashFiles(new[] { "gru.safetensors", "head.safetensors", "evo_config.json" }.Select(f => Path.Combine(fold.EvoDirectory, f)))} vectors={store.EncoderId}";
        var own = EvoEvaluation.Walk(gru, histories, device, frozen: false, inputs: null, out _);
        using (var m = new GeneratedAdapterMethod("code2lora-evo", slots, head, t => own[(t.RepoId, t.CommitSha)])) await Run(m, evoId);
        var frozen = EvoEvaluation.Walk(gru, histories, device, frozen: true, inputs: null, out _);
        using (var m = new GeneratedAdapterMethod("frozen-state", slots, head, t => frozen[(t.RepoId, t.CommitSha)])) await Run(m, evoId + " frozen");
        slots.Clear();
        gru.Dispose();
        head.Dispose();
        lm.Model.Dispose();
        return scored.ToDictionary(kv => kv.Key, kv => kv.Value[SplitNames.CrTest]);
    }
}
