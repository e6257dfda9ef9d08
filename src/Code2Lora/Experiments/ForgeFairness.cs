using System.Text.Json;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Forge;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>A test task whose fact changed between the previous kept commit of its history and its own commit k (the staleness check's
/// pairing): the fact, and whether the target names a surface the previous state did not have.</summary>
public sealed record StaleTask(QnaRow Task, string PreviousSha, string FactId, bool NewSurface);

/// <summary>
/// docs/forge.md's fairness checks on a forge evolution track, with the trained models of <c>c2l train evo</c> / <c>evo-slora</c>:
/// 1 the base model by task kind; 2 an oracle context (the fact's defining file at the task's commit); 3 per-repository LoRAs against the
/// single LoRA on repository-specific IR-test tasks; 4 Evo and the static head conditioned on the previous kept commit's state against
/// the current one, on test tasks whose fact changed in between. Every decoding is cached and resumes (<see cref="PredictionCache"/>,
/// under &lt;results&gt;/fairness/); the per-repository LoRAs are trained once. Writes fairness.json and fairness.md.
/// </summary>
public static class ForgeFairness
{
    /// <summary>Bump when the oracle's context changes, so cached oracle predictions are not reused.</summary>
    public const string OracleRevision = "oracle-1";

    /// <summary>The forged repositories among <paramref name="repos"/> (repository id → genome manifest and folder).</summary>
    public static IReadOnlyDictionary<string, (GenomeManifest Genome, string Path)> Genomes(IEnumerable<RepoInput> repos) =>
        repos.Where(r => r.Evolution && ForgeGenome.Exists(r.Path)).GroupBy(r => r.RepoId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (ForgeGenome.Load(g.First().Path), g.First().Path), StringComparer.Ordinal);

    /// <summary>The tasks of <paramref name="kind"/> in each split (new lists, task order kept).</summary>
    public static Dictionary<string, IReadOnlyList<QnaRow>> OfKind(IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, string kind) =>
        splits.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<QnaRow>)kv.Value.Where(t => t.TaskKind == kind).ToList());

    /// <summary>Every test task the evolution evaluation could score (the first EvalTasksPerCommit of each commit, CR-test and IR-test, not
    /// sampled): the staleness check needs every changed fact it can find.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> TestTasks(EvoExperiment e) => EvoEvaluation.Splits.ToDictionary(s => s, s =>
        (IReadOnlyList<QnaRow>)e.Bench.EvolutionTasks.Where(t => t.Split == s).GroupBy(t => (t.RepoId, t.CommitSha))
            .SelectMany(g => g.Take(e.Config.EvalTasksPerCommit)).ToList());

    /// <summary>The tasks of <paramref name="tasks"/> whose fact changed between the previous kept commit of their repository's history
    /// (<paramref name="commits"/>) and their own commit, per <see cref="TaskFacts.ChangedSince"/>; a repository's first kept commit has no
    /// previous state and is never paired.</summary>
    public static IReadOnlyList<StaleTask> StaleTasks(IEnumerable<CommitRow> commits, IReadOnlyDictionary<string, (GenomeManifest Genome, string Path)> genomes, IEnumerable<QnaRow> tasks)
    {
        var previous = PreviousKept(commits);
        var stale = new List<StaleTask>();
        foreach (var t in tasks)
        {
            if (!genomes.TryGetValue(t.RepoId, out var g) || !previous.TryGetValue((t.RepoId, t.CommitSha), out var prev)) continue;
            var k = TaskFacts.CommitIndexOf(g.Genome, t.CommitSha);
            var before = TaskFacts.CommitIndexOf(g.Genome, prev);
            var changed = TaskFacts.ChangedSince(g.Genome, before, k, t.Target);
            if (changed.Count == 0) continue;
            var primary = changed.FirstOrDefault(c => c.NewSurface);
            if (primary.Mention is null) primary = changed[0];
            stale.Add(new StaleTask(t, prev, primary.Mention.Fact.Id, changed.Any(c => c.NewSurface)));
        }
        return stale;
    }

    /// <summary>(repository, kept commit) → the kept commit before it in the repository's history.</summary>
    public static IReadOnlyDictionary<(string Repo, string Sha), string> PreviousKept(IEnumerable<CommitRow> commits)
    {
        var map = new Dictionary<(string, string), string>();
        foreach (var repo in commits.GroupBy(c => c.RepoId, StringComparer.Ordinal))
        {
            var ordered = repo.OrderBy(c => c.CommitIndex).ToList();
            for (var i = 1; i < ordered.Count; i++) map[(repo.Key, ordered[i].CommitSha)] = ordered[i - 1].CommitSha;
        }
        return map;
    }

    /// <summary>Runs the checks and writes fairness.json / fairness.md into <paramref name="resultsDir"/>. <paramref name="statics"/> gives
    /// the static head's rows of check 4 (skipped when absent or its LoRA differs); <paramref name="repos"/> are the benchmark's inputs
    /// (the forged repositories the oracle reads).</summary>
    public static async Task<FairnessSummary> RunAsync(EvoExperiment e, EmbeddingStore store, StaticExperiment? statics, IReadOnlyList<RepoInput> repos,
        PerRepoLoraSettings perRepo, string resultsDir, string command, IProgress<(string Stage, int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        var genomes = Genomes(repos);
        if (genomes.Count == 0)
            throw new InvalidOperationException($"{e.BenchDirectory}: the benchmark's evolution repositories are not forged (no .git/{GenomeManifest.FileName}); the fairness checks need a forge bench (configs/evo/forge.json).");
        using var held = RunLock.Acquire(resultsDir, "forge fairness checks");
        var c = e.Config;
        var seed = c.Seed;
        var scored = EvoEvaluation.ScoredTasks(e);
        var specific = OfKind(scored, TaskKindLabeler.RepoSpecific);
        var irRepos = specific[SplitNames.IrTest].Select(t => t.RepoId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var hasSingle = File.Exists(Path.Combine(e.SingleLoraDirectory, PeftAdapterFiles.WeightsFile));

        // Training first, on its own copy of the base: evaluation installs its own slots below.
        if (hasSingle && irRepos.Count > 0)
        {
            var trained = EvoPerRepoLora.Train(e, e.LoadBase(), irRepos, perRepo,
                progress is null ? null : new SyncProgress<PerRepoLoraProgress>(p => progress.Report(($"train per-repo LoRA {p.Repo}/{p.Repos}", p.Training.Step, p.Training.Steps))), cancel);
            if (!trained.Completed) throw new OperationCanceledException($"per-repository LoRA training stopped part-way ({trained.Trained} of {trained.Repos} trained now); run the same command to resume.");
        }

        var lm = e.LoadBase();
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var baseId = StaticEvaluation.ModelIdentity("base", lm.Directory);
        async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Score(string check, ICompletionMethod method, string identity,
            IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> tasks, CompletionSettings settings)
        {
            cancel.ThrowIfCancellationRequested();
            var chosen = tasks.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => kv.Value);
            if (chosen.Count == 0) return new Dictionary<string, IReadOnlyList<PredictionRow>>();
            var run = await new PredictionCache(Path.Combine(resultsDir, "fairness", check)).RunAsync(method, identity, lm.Model, lm.Tokenizer, chosen, settings,
                progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report(($"{check}: {method.Name} {p.Split}", p.Done, p.Total))));
            return run.Rows;
        }

        var checks = new List<FairnessCheck>();
        try
        {
            // 1. The base model by task kind, on every scored task.
            var pretrained = await Score("kinds", new BaseModelMethod("pretrained", slots), baseId, scored, c.Decoding);
            checks.Add(FairnessCriteria.BaseByKind(scored, pretrained, seed));

            // 2. The oracle context on the repository-specific tasks, on the base and on the single LoRA.
            var oracle = new OracleContext(genomes, lm.Tokenizer, c.ContextDecoding);
            var oracleId = $"{baseId} {OracleRevision}";
            var byMethod = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>
            {
                ["pretrained"] = SubsetOf(pretrained, scored, specific),
                ["oracle-pretrained"] = await Score("oracle", ContextMethod.OnBase(oracle, "oracle-pretrained", slots), oracleId, specific, c.ContextDecoding),
            };
            if (hasSingle)
            {
                using var single = PeftAdapterFiles.Load(e.SingleLoraDirectory, lm.Config, lm.Model.Device, c.Lora);
                var singleId = $"{baseId} lora={PredictionCache.HashFiles([Path.Combine(e.SingleLoraDirectory, PeftAdapterFiles.WeightsFile)])}";
                byMethod["single-lora"] = await Score("oracle", new FixedAdapterMethod("single-lora", slots, single), singleId, specific, c.Decoding);
                byMethod["oracle-single-lora"] = await Score("oracle", ContextMethod.WithContext(new FixedAdapterMethod("single-lora", slots, single), oracle, "oracle-single-lora"),
                    $"{singleId} {OracleRevision}", specific, c.ContextDecoding);
            }
            var lookups = specific.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<OracleLookup>)kv.Value.Select(oracle.Lookup).ToList());
            checks.Add(FairnessCriteria.Oracle(specific, lookups, byMethod, seed));

            // 3. Per-repository LoRAs against the single LoRA on the repository-specific IR-test tasks.
            var irSpecific = new Dictionary<string, IReadOnlyList<QnaRow>> { [SplitNames.IrTest] = specific[SplitNames.IrTest] };
            var perRepoRows = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>();
            var notes3 = new List<string>();
            if (!hasSingle) notes3.Add($"single-lora is not trained (run: c2l train evo-slora --config <this config>); check 3 needs it.");
            else if (irRepos.Count > 0)
            {
                perRepoRows["single-lora"] = Only(byMethod["single-lora"], SplitNames.IrTest);
                var adapters = EvoPerRepoLora.Load(e, perRepo, irRepos, lm.Config, lm.Model.Device);
                using (var method = new PerRepoAdapterMethod("per-repo-lora", slots, adapters))
                    perRepoRows["per-repo-lora"] = await Score("per-repo", method, $"{baseId} plora={PredictionCache.HashFiles(EvoPerRepoLora.WeightFiles(e, perRepo, irRepos))}", irSpecific, c.Decoding);
                foreach (var a in adapters.Values) a.Dispose();
                var sizes = irRepos.Select(r => EvoPerRepoLora.TrainingTasks(e, perRepo, r).Count).ToList();
                var singleTasks = e.Bench.EvolutionTasks.Count(t => t.Split == SplitNames.Train);
                var timings = PerRepoLoraFiles.ReadTimings(Path.Combine(EvoPerRepoLora.Root(e, perRepo), "timings.json"));
                var steps = irRepos.Select(r => timings.TryGetValue(r, out var t) ? t.Steps : 0).ToList();
                notes3.Add($"per-repo-lora: one adapter per IR-test repository ({irRepos.Count}), trained on {sizes.Min()}–{sizes.Max()} of that repository's own evolution training tasks " +
                    $"({steps.Min()}–{steps.Max()} optimiser steps each; --per-repo-examples / --per-repo-epochs set them); " +
                    $"single-lora was trained on all {singleTasks} training tasks of every training repository (c2l train evo-slora).");
            }
            checks.Add(FairnessCriteria.PerRepo(irSpecific, perRepoRows, notes3, seed));

            // 4. Staleness: the previous kept commit's state against the current one, on test tasks whose fact changed in between.
            var staleTasks = StaleTasks(e.Bench.Commits, genomes, TestTasks(e).Values.SelectMany(v => v));
            var staleSplits = EvoEvaluation.Splits.ToDictionary(s => s, s => (IReadOnlyList<QnaRow>)staleTasks.Where(x => x.Task.Split == s).Select(x => x.Task).ToList());
            var previous = PreviousKept(e.Bench.Commits);
            var staleRows = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>();
            var notes4 = new List<string>();
            if (staleTasks.Count > 0)
            {
                var vectors = $"vectors={store.EncoderId}";
                if (File.Exists(Path.Combine(e.EvoDirectory, "evo_config.json")))
                {
                    var (gru, head) = EvoFiles.Load(e.EvoDirectory, lm.Config, store.EncoderId, lm.Model.Device);
                    var walkedRepos = staleTasks.Select(x => x.Task.RepoId).ToHashSet(StringComparer.Ordinal);
                    var own = EvoEvaluation.Walk(gru, e.Histories(store).Where(h => walkedRepos.Contains(h.RepoId)).ToList(), lm.Model.Device, frozen: false, inputs: null, out _);
                    var evoId = $"{baseId} evo={PredictionCache.HashFiles(Directory.GetFiles(e.EvoDirectory).Order(StringComparer.Ordinal))} {vectors}";
                    using (var m = new GeneratedAdapterMethod("code2lora-evo", slots, head, t => own[(t.RepoId, t.CommitSha)]))
                        staleRows["code2lora-evo"] = await Score("stale", m, evoId, staleSplits, c.Decoding);
                    using (var m = new GeneratedAdapterMethod("code2lora-evo-stale", slots, head, t => own[(t.RepoId, previous[(t.RepoId, t.CommitSha)])]))
                        staleRows["code2lora-evo-stale"] = await Score("stale", m, evoId, staleSplits, c.Decoding);
                }
                else notes4.Add("code2lora-evo is not trained (run: c2l train evo --config <this config>).");
                if (statics is not null && statics.Config.Lora == c.Lora && File.Exists(statics.HeadFile))
                {
                    var contexts = RepoContexts.FromStore(store);
                    using var head = statics.LoadHead(lm, store.EncoderId, contexts.Dimension);
                    var staticId = $"{baseId} static={PredictionCache.HashFiles([statics.HeadFile])} {vectors}";
                    using (var m = new GeneratedAdapterMethod("code2lora-static", slots, head, GeneratedAdapterMethod.Own(contexts)))
                        staleRows["code2lora-static"] = await Score("stale", m, staticId, staleSplits, c.Decoding);
                    using (var m = new GeneratedAdapterMethod("code2lora-static-stale", slots, head, t => contexts.Get(t.RepoId, previous[(t.RepoId, t.CommitSha)])))
                        staleRows["code2lora-static-stale"] = await Score("stale", m, staticId, staleSplits, c.Decoding);
                }
                else notes4.Add("code2lora-static: no static head with this preset's LoRA (c2l train static of the linked static config); its rows are skipped.");
            }
            checks.Add(FairnessCriteria.Staleness(staleSplits, staleTasks, TestTasks(e), staleRows, notes4, seed));
        }
        finally { slots.Clear(); }

        var provenance = Provenance.Capture(command);
        var summary = new FairnessSummary(Reporting.BenchReport.EvolutionSources(e.Bench.EvolutionRepos), checks, c, perRepo, command, provenance.GitSha, provenance);
        ResultFile.WriteJson(Path.Combine(resultsDir, "fairness.json"), JsonSerializer.Serialize(summary, Provenance.Json), provenance);
        ResultFile.WriteMarkdown(Path.Combine(resultsDir, "fairness.md"), summary.Markdown(), provenance);
        return summary;
    }

    /// <summary>The rows of <paramref name="all"/> (scored on <paramref name="full"/>) for the tasks of <paramref name="subset"/>, renumbered
    /// to their position in the subset, so they pair with methods scored on the subset alone.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> SubsetOf(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> all,
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> full, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> subset)
    {
        var result = new Dictionary<string, IReadOnlyList<PredictionRow>>();
        foreach (var (split, tasks) in subset)
        {
            if (tasks.Count == 0 || !all.TryGetValue(split, out var rows)) continue;
            var position = new Dictionary<QnaRow, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < full[split].Count; i++) position[full[split][i]] = i;
            var byIndex = rows.ToDictionary(r => r.TaskIndex);
            result[split] = tasks.Select((t, i) => byIndex[position[t]].With(i, split, byIndex[position[t]].Method)).ToList();
        }
        return result;
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Only(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows, string split) =>
        rows.Where(kv => kv.Key == split).ToDictionary(kv => kv.Key, kv => kv.Value);
}
