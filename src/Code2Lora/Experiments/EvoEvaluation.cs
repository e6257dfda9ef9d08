using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training.Completion;

namespace Code2Lora.Experiments;

/// <summary>What the evaluation walked and scored per split: every commit of each evaluated repository is walked, only target commits are scored.</summary>
public sealed record WalkSummary(
    [property: JsonPropertyName("repos")] int Repos, [property: JsonPropertyName("commits_walked")] int CommitsWalked,
    [property: JsonPropertyName("commits_scored")] int CommitsScored, [property: JsonPropertyName("tasks_scored")] int TasksScored,
    [property: JsonPropertyName("max_tasks_per_commit")] int MaxTasksPerCommit);

/// <summary>results/evo/&lt;preset&gt;/summary.json: the Static summary's records plus task kinds, drift and the walk.</summary>
public sealed record EvoSummary(
    [property: JsonPropertyName("trivial")] IReadOnlyDictionary<string, MethodSummary> Trivial,
    [property: JsonPropertyName("methods")] IReadOnlyDictionary<string, MethodSummary> Methods,
    [property: JsonPropertyName("ablations")] IReadOnlyDictionary<string, MethodSummary> Ablations,
    [property: JsonPropertyName("comparisons")] IReadOnlyList<Comparison> Comparisons,
    [property: JsonPropertyName("by_task_kind")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, KindScore>>> ByTaskKind,
    [property: JsonPropertyName("drift")] IReadOnlyDictionary<string, double?[]> Drift,
    [property: JsonPropertyName("walk")] IReadOnlyDictionary<string, WalkSummary> Walk,
    [property: JsonPropertyName("conditioning_loss")] IReadOnlyList<ConditioningLoss> ConditioningLoss,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("config")] EvoExperimentConfig Config,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("git_sha")] string GitSha,
    [property: JsonPropertyName("provenance")] Provenance Provenance)
{
    /// <summary>Per method, CR-test EM per decile of the normalised commit position with its 95 % bootstrap CI and task
    /// count (null for an empty decile); absent in summaries written before it was recorded.</summary>
    [JsonPropertyName("drift_deciles")]
    public IReadOnlyDictionary<string, KindScore?[]>? DriftDeciles { get; init; }

    /// <summary>What the track was mined from ("19 real git histories", "12 forge repositories (…)"), so a forge table is never
    /// read as a real one; absent in summaries written before it was recorded.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }
}

/// <summary>Evaluates the evolution-track methods on CR-test (every commit of held-out repositories) and IR-test (the last
/// in-repo commits of training repositories): each repository's full history is walked, only commits with tasks are scored,
/// on their first ≤ 8 tasks. Writes predictions, summary.json, a Table 3–style summary.md and the drift figure.</summary>
public static class EvoEvaluation
{
    /// <summary>The two scored splits.</summary>
    public static readonly string[] Splits = [SplitNames.CrTest, SplitNames.IrTest];

    /// <summary>Names of the rows that are ablations of Code2LoRA-Evo.</summary>
    public static readonly string[] AblationNames = ["frozen-state", "shuffled-history"];

    /// <summary>The scored tasks per split: the first <see cref="EvoExperimentConfig.EvalTasksPerCommit"/> of each commit (bench
    /// order), then at most EvalTasksPerSplit of them (seeded), in bench order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> ScoredTasks(EvoExperiment e) => Splits.ToDictionary(s => s, s =>
    {
        var firsts = e.Bench.EvolutionTasks.Where(t => t.Split == s).GroupBy(t => (t.RepoId, t.CommitSha))
            .SelectMany(g => g.Take(e.Config.EvalTasksPerCommit)).ToList();
        return e.Sample(firsts, e.Config.EvalTasksPerSplit, "eval/" + s);
    });

    /// <summary>Runs every available method: pretrained; single-lora and code2lora-static / -anchor when <paramref name="statics"/>
    /// has them trained; code2lora-evo and its ablations when Evo is trained; RAG over each scored commit's snapshot when the benchmark's
    /// <paramref name="repos"/> are given; plus <paramref name="extraMethods"/>.</summary>
    public static async Task<EvoSummary> RunAsync(EvoExperiment experiment, EmbeddingStore store, string resultsDir, string command,
        StaticExperiment? statics = null, IReadOnlyList<ICompletionMethod>? extraMethods = null,
        IProgress<(string Method, string Split, int Done, int Total)>? progress = null, IReadOnlyList<RepoInput>? repos = null)
    {
        using var held = RunLock.Acquire(resultsDir, "evaluation");     // its prediction caches and tables are rewritten below
        var c = experiment.Config;
        var splits = ScoredTasks(experiment);
        var histories = experiment.Histories(store).ToDictionary(h => h.RepoId);
        var lm = experiment.LoadBase();
        var device = lm.Model.Device;
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var settings = c.Decoding;
        var scored = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>();
        var notes = new List<string>();

        async Task Evaluate(ICompletionMethod method, CompletionSettings? with = null)
        {
            var report = progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((method.Name, p.Split, p.Done, p.Total)));
            var rows = MethodEvaluator.Run(method, lm.Model, lm.Tokenizer, splits, with ?? settings, report);
            var losses = TargetLossEvaluator.Run(method, lm.Model, lm.Tokenizer, splits, with ?? settings, report);
            foreach (var (split, preds) in rows)
            {
                TargetLossEvaluator.Attach(preds, losses[split]);
                await ParquetTable.WriteAsync(Path.Combine(resultsDir, "predictions", method.Name, split + ".parquet"), preds.ToList());
                await ParquetTable.WriteAsync(Path.Combine(resultsDir, "predictions", method.Name, split + ".nll.parquet"), losses[split].ToList());
            }
            scored[method.Name] = rows;
        }

        await Evaluate(new BaseModelMethod("pretrained", slots));
        foreach (var method in extraMethods ?? []) await Evaluate(method);
        if (repos is not null)
        {
            // One index per scored commit's snapshot: the repository as it was when the assertion was written.
            var rag = await RagContext.CreateAsync(repos, lm.Tokenizer, c.Rag, new ChunkEmbedder(lm.Model, lm.Tokenizer, c.EvalBatchSize),
                Path.Combine(experiment.BenchDirectory, "rag"));
            await rag.PrepareAsync(splits.Values.SelectMany(v => v));
            await Evaluate(ContextMethod.OnBase(rag, "rag", slots), c.ContextDecoding);
            notes.Add($"rag: context found for {rag.Coverage}.");
        }

        if (Directory.Exists(experiment.SingleLoraDirectory))
        {
            await Evaluate(new FixedAdapterMethod("single-lora", slots, PeftAdapterFiles.Load(experiment.SingleLoraDirectory, lm.Config, device, c.Lora)));
            notes.Add("single-lora was trained on the evolution track's training tasks (the same tasks as Evo, flat shuffle).");
        }
        var sameLora = statics is not null && statics.Config.Lora == c.Lora;
        if (statics is not null && !sameLora) notes.Add($"static-experiment rows skipped: its LoRA (r {statics.Config.Lora.Rank}, α {statics.Config.Lora.Alpha}) differs from this preset's.");
        if (sameLora && !scored.ContainsKey("single-lora") && Directory.Exists(statics!.SingleLoraDirectory))
        {
            await Evaluate(new FixedAdapterMethod("single-lora", slots, PeftAdapterFiles.Load(statics.SingleLoraDirectory, lm.Config, device, c.Lora)));
            notes.Add("single-lora was trained by the static experiment (static-track tasks), not on evolution-track tasks.");
        }
        if (sameLora && File.Exists(statics!.HeadFile))
        {
            var contexts = RepoContexts.FromStore(store);
            var head = statics.LoadHead(lm, store.EncoderId, contexts.Dimension);
            notes.Add("code2lora-static is the static experiment's head (trained on static-track snapshots), fed each scored commit's own state.");
            using (var own = new GeneratedAdapterMethod("code2lora-static", slots, head, GeneratedAdapterMethod.Own(contexts))) await Evaluate(own);
            using (var anchor = new GeneratedAdapterMethod("code2lora-static-anchor", slots, head, t => contexts.Get(t.RepoId, histories[t.RepoId].Anchor.Sha)))
                await Evaluate(anchor);
            notes.Add("code2lora-static-anchor reads each repository's state at its last in-repo train commit, on CR repositories too (there the anchor lies ~80 % into the history).");
        }

        var walked = new Dictionary<string, WalkSummary>();
        var conditioning = new List<ConditioningLoss>();
        if (File.Exists(Path.Combine(experiment.EvoDirectory, "evo_config.json")))
        {
            var (gru, head) = EvoFiles.Load(experiment.EvoDirectory, lm.Config, store.EncoderId, device);
            var evaluated = splits.Values.SelectMany(v => v).Select(t => t.RepoId).Distinct().OrderBy(r => r, StringComparer.Ordinal).Select(r => histories[r]).ToList();
            var own = Walk(gru, evaluated, device, frozen: false, inputs: null, out var steps);
            foreach (var (split, tasks) in splits) walked[split] = Summarise(tasks, histories, steps);
            using (var m = new GeneratedAdapterMethod("code2lora-evo", slots, head, t => own[(t.RepoId, t.CommitSha)])) await Evaluate(m);
            // The static track's loss check on the GRU's contexts: another repository's state (same split) at one of its scored commits,
            // the zero vector, and the mean weight change over every walked commit of the evaluated repositories.
            var ownContexts = RepoContexts.From(own, store.EncoderId);
            var walkedStates = own.Keys.OrderBy(k => k.Repo, StringComparer.Ordinal).ThenBy(k => k.Sha, StringComparer.Ordinal).ToList();
            foreach (var split in GeneratedAdapterMethod.SplitsWithOtherRepositories(splits.Values.SelectMany(v => v)))
                conditioning.Add(ConditioningLoss.Measure(split, slots, head, ownContexts, splits[split], walkedStates, lm.Tokenizer, settings, c.Seed));
            var frozen = Walk(gru, evaluated, device, frozen: true, inputs: null, out _);
            using (var m = new GeneratedAdapterMethod("frozen-state", slots, head, t => frozen[(t.RepoId, t.CommitSha)])) await Evaluate(m);
            var donors = HistoryWalk.ShuffledInputs(gru.Config, histories.Values.ToList(), c.Seed);
            var shuffled = Walk(gru, evaluated, device, frozen: false, inputs: donors, out _);
            using (var m = new GeneratedAdapterMethod("shuffled-history", slots, head, t => shuffled[(t.RepoId, t.CommitSha)])) await Evaluate(m);
        }
        slots.Clear();

        var summary = Summarise(experiment, splits, histories, scored, walked, conditioning, notes, command);
        FigureExport.Save(EvoFigures.Drift(summary), resultsDir, "drift");
        ResultFile.WriteJson(Path.Combine(resultsDir, "summary.json"), JsonSerializer.Serialize(summary, Provenance.Json), summary.Provenance);
        ResultFile.WriteMarkdown(Path.Combine(resultsDir, "summary.md"), Markdown(summary), summary.Provenance);
        return summary;
    }

    /// <summary>Contexts of every commit of <paramref name="histories"/> after a full walk (or frozen at h₀, or fed other inputs).</summary>
    public static Dictionary<(string Repo, string Sha), float[]> Walk(CommitGru gru, IReadOnlyList<CommitHistory> histories, TorchSharp.torch.Device device,
        bool frozen, IReadOnlyDictionary<string, IReadOnlyList<float[]>>? inputs, out IReadOnlyDictionary<string, int> steps)
    {
        var map = new Dictionary<(string, string), float[]>();
        var counts = new Dictionary<string, int>();
        foreach (var h in histories)
        {
            var walk = HistoryWalk.Contexts(gru, h, device, frozen, inputs?[h.RepoId]);
            counts[h.RepoId] = walk.Steps;
            for (var i = 0; i < h.Commits.Count; i++) map[(h.RepoId, h.Commits[i].Sha)] = walk.Contexts[i];
        }
        steps = counts;
        return map;
    }

    private static WalkSummary Summarise(IReadOnlyList<QnaRow> tasks, IReadOnlyDictionary<string, CommitHistory> histories, IReadOnlyDictionary<string, int> steps)
    {
        var repos = tasks.Select(t => t.RepoId).Distinct().ToList();
        var perCommit = tasks.GroupBy(t => (t.RepoId, t.CommitSha)).Select(g => g.Count()).DefaultIfEmpty(0).ToList();
        return new WalkSummary(repos.Count, repos.Sum(r => steps[r]), perCommit.Count(n => n > 0), tasks.Count, perCommit.Max());
    }

    /// <summary>The paired comparisons of the evolution summary (a − b): first against the single LoRA trained on the same tasks, then
    /// Evo against the static head and its own controls, the context baseline and the trivial baselines.</summary>
    public static readonly IReadOnlyList<(string A, string B)> ComparedPairs =
    [
        ("code2lora-evo", "single-lora"), ("code2lora-static", "single-lora"), ("code2lora-static-anchor", "single-lora"),
        ("code2lora-evo", "frozen-state"), ("code2lora-evo", "shuffled-history"), ("code2lora-evo", "code2lora-static"), ("code2lora-evo", "code2lora-static-anchor"),
        ("code2lora-evo", "pretrained"), ("single-lora", "pretrained"), ("code2lora-static", "code2lora-static-anchor"), ("rag", "pretrained"),
        ("code2lora-evo", TrivialBaselines.MostFrequentName), ("single-lora", TrivialBaselines.MostFrequentName),
        ("code2lora-evo", TrivialBaselines.CopyName), ("single-lora", TrivialBaselines.CopyName),
    ];

    private static EvoSummary Summarise(EvoExperiment e, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, IReadOnlyDictionary<string, CommitHistory> histories,
        Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> scored, IReadOnlyDictionary<string, WalkSummary> walked, IReadOnlyList<ConditioningLoss> conditioning, List<string> notes, string command)
    {
        var seed = e.Config.Seed;
        var trivial = TrivialBaselines.Score(splits, e.Bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train));
        var withTrivial = trivial.Concat(scored).ToDictionary();
        var byKind = withTrivial.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, KindScore>>)Splits.ToDictionary(s => s,
            s => (IReadOnlyDictionary<string, KindScore>)kv.Value[s].GroupBy(r => splits[s][r.TaskIndex].TaskKind).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => KindScore.Of(s, g.ToList(), seed))));
        var deciles = scored.ToDictionary(kv => kv.Key, kv => DriftDeciles(kv.Value[SplitNames.CrTest], splits[SplitNames.CrTest], histories, seed));
        var drift = deciles.ToDictionary(kv => kv.Key, kv => kv.Value.Select(d => d?.Em).ToArray());
        var provenance = Provenance.Capture(command);
        return new EvoSummary(trivial.ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)),
            scored.Where(kv => !AblationNames.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)),
            scored.Where(kv => AblationNames.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)),
            Comparison.All(withTrivial, ComparedPairs, Splits, seed), byKind, drift, walked, conditioning, notes, e.Config, command, provenance.GitSha, provenance)
        {
            DriftDeciles = deciles.ToDictionary(kv => kv.Key, kv => kv.Value),
            Source = Reporting.BenchReport.EvolutionSources(e.Bench.EvolutionRepos),
        };
    }

    /// <summary>EM (%) per decile of the normalised commit position (commit position / (history length − 1)) with a 95 %
    /// bootstrap CI and the number of tasks; null for an empty decile.</summary>
    public static KindScore?[] DriftDeciles(IReadOnlyList<PredictionRow> rows, IReadOnlyList<QnaRow> tasks, IReadOnlyDictionary<string, CommitHistory> histories, int seed = 3407)
    {
        var hits = Enumerable.Range(0, 10).Select(_ => new List<double>()).ToArray();
        foreach (var r in rows)
        {
            var t = tasks[r.TaskIndex];
            var h = histories[t.RepoId];
            var position = h.Commits.Count == 1 ? 0.0 : (double)h.PositionOf(t.CommitSha) / (h.Commits.Count - 1);
            hits[Math.Min(9, (int)(position * 10))].Add(r.ExactMatch ? 100.0 : 0.0);
        }
        return hits.Select(d =>
        {
            if (d.Count == 0) return null;
            var est = Bootstrap.Mean(d, seed: seed);
            return new KindScore(Math.Round(est.Mean, 2), [Math.Round(est.Low, 2), Math.Round(est.High, 2)], est.N);
        }).ToArray();
    }

    /// <summary>The Table 3–style markdown of a summary.</summary>
    public static string Markdown(EvoSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Evolution track ({s.Config.Name} preset): target NLL, EditSim and exact match per method");
        sb.AppendLine();
        if (s.Source is { } source) sb.AppendLine(inv, $"Mined from {source}.").AppendLine();
        SummaryTables.Methods(sb, "method", s.Trivial.Concat(s.Methods).ToDictionary(), extraTokens: false);
        if (s.Ablations.Count > 0) SummaryTables.Methods(sb, "ablation (Code2LoRA-Evo weights)", s.Ablations, extraTokens: false);
        SummaryTables.Comparisons(sb, s.Comparisons);
        SummaryTables.ConditioningLoss(sb, "Code2LoRA-Evo, GRU state after the walk (mean over the walked commits)", s.ConditioningLoss);
        var kinds = s.ByTaskKind.Values.SelectMany(v => v.Values).SelectMany(v => v.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        if (kinds.Count > 0)
        {
            // Every method scores 0 % EM on the forge, so EM alone cannot show fairness checks 1 and 5: NLL and EditSim come with it.
            sb.AppendLine("| by task kind: NLL · EditSim · EM % (n) | " + string.Join(" | ", Splits.SelectMany(sp => kinds.Select(k => $"{sp} {k}"))) + " |");
            sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", Splits.Length * kinds.Count)));
            foreach (var (name, bySplit) in s.ByTaskKind)
                sb.AppendLine("| " + name + " | " + string.Join(" | ", Splits.SelectMany(sp => kinds.Select(k =>
                    bySplit[sp].TryGetValue(k, out var ks) ? ks.Cell() : "–"))) + " |");
            sb.AppendLine();
        }
        sb.AppendLine("| CR EM by commit-position decile | " + string.Join(" | ", Enumerable.Range(0, 10).Select(i => $"{i * 10}–{i * 10 + 10} %")) + " |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", 10)));
        foreach (var (name, d) in s.Drift) sb.AppendLine("| " + name + " | " + string.Join(" | ", d.Select(v => v is null ? "–" : v.Value.ToString("F1", inv))) + " |");
        sb.AppendLine();
        foreach (var (split, w) in s.Walk)
            sb.AppendLine(inv, $"{split}: {w.Repos} repositories walked over all {w.CommitsWalked} kept commits; {w.CommitsScored} commits scored on {w.TasksScored} tasks (≤ {w.MaxTasksPerCommit} per commit).");
        foreach (var note in s.Notes) sb.AppendLine("- " + note);
        sb.AppendLine();
        sb.AppendLine(SummaryTables.Legend);
        sb.AppendLine();
        var n = s.Methods.Values.FirstOrDefault();
        sb.AppendLine(inv, $"{n?.NCr} CR-test and {n?.NIr} IR-test tasks; greedy decoding, prompts cut to {s.Config.MaxTokens} tokens. Command: `{s.Command}`, git {s.GitSha}.");
        return sb.ToString();
    }
}
