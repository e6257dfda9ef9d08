using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training.Completion;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>Mean off-diagonal cosine between the generated adapters of the benchmark's repositories (1.0: one shared adapter).</summary>
public sealed record SimilaritySummary([property: JsonPropertyName("repos")] int Repos, [property: JsonPropertyName("mean_cosine")] double MeanCosine);

/// <summary>results/static/&lt;preset&gt;/summary.json: the trivial baselines, the methods, the conditioning controls of the Static head
/// (ablations), the paired comparisons (against single LoRA first), the loss-based conditioning table and the provenance.</summary>
public sealed record StaticSummary(
    [property: JsonPropertyName("trivial")] IReadOnlyDictionary<string, MethodSummary> Trivial,
    [property: JsonPropertyName("methods")] IReadOnlyDictionary<string, MethodSummary> Methods,
    [property: JsonPropertyName("ablations")] IReadOnlyDictionary<string, MethodSummary> Ablations,
    [property: JsonPropertyName("comparisons")] IReadOnlyList<Comparison> Comparisons,
    [property: JsonPropertyName("adapter_similarity")] SimilaritySummary? AdapterSimilarity,
    [property: JsonPropertyName("conditioning_loss")] IReadOnlyList<ConditioningLoss> ConditioningLoss,
    [property: JsonPropertyName("context_coverage")] IReadOnlyDictionary<string, ContextCoverage> ContextCoverage,
    [property: JsonPropertyName("config")] StaticExperimentConfig Config,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("git_sha")] string GitSha,
    [property: JsonPropertyName("provenance")] Provenance Provenance);

/// <summary>Evaluates every available method of the static experiment on CR-test and IR-test and writes predictions,
/// summary.json and a Table 2–style summary.md.</summary>
public static class StaticEvaluation
{
    private static readonly string[] Splits = [SplitNames.CrTest, SplitNames.IrTest];

    /// <summary>Runs pretrained, the context baselines (rag, drc, fft-rag; they need the benchmark's <paramref name="repos"/>), every
    /// trained method (single-lora, code2lora-static, fft, per-repo-lora on IR only, t2l) and the conditioning ablations; a method
    /// that has not been trained is skipped with a line to <paramref name="note"/>. Each method's decoding resumes task by task
    /// (<see cref="PredictionCache"/>). With <paramref name="shard"/> only that shard's repositories are decoded and nothing is written
    /// but their predictions (the returned summary covers the shard alone); a later run with <paramref name="mergeOnly"/> joins the
    /// shards' predictions without decoding and writes the summary a single process would have written.</summary>
    public static async Task<StaticSummary> RunAsync(StaticExperiment experiment, RepoContexts contexts, string resultsDir, string command,
        IProgress<(string Method, string Split, int Done, int Total)>? progress = null, Action<string>? note = null, IReadOnlyList<RepoInput>? repos = null,
        Shard? shard = null, bool mergeOnly = false)
    {
        using var held = RunLock.ForEvaluation(resultsDir, shard);     // its prediction caches and tables are rewritten below (a shard: its own part only)
        var c = experiment.Config;
        var splits = experiment.EvaluationTasks();
        experiment.CheckMemory("evaluate");
        var lm = experiment.LoadBase();
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var settings = c.Decoding;
        var scored = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>();

        var contextSettings = c.ContextDecoding;

        var cache = new PredictionCache(Path.Combine(resultsDir, "predictions"));
        var baseId = ModelIdentity("base", lm.Directory);
        string Files(params string[] paths) => PredictionCache.HashFiles(paths);

        // identity: what, beyond the settings and tasks, decides the method's predictions (weights, vectors, context config).
        // Returns true when the predictions were reused (nothing decoded).
        async Task<bool> Evaluate(ICompletionMethod method, string identity, LoadedModel? model = null, IReadOnlyList<string>? only = null, CompletionSettings? with = null)
        {
            var m = model ?? lm;
            var chosen = splits.Where(kv => only is null || only.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var run = await cache.RunAsync(method, identity, m.Model, m.Tokenizer, chosen, with ?? settings,
                progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((method.Name, p.Split, p.Done, p.Total))),
                shard, mergeOnly);
            if (run.Reused) note?.Invoke($"{method.Name}: predictions reused (same weights, settings and tasks).");
            scored[method.Name] = run.Rows;
            return run.Decoded == chosen.Values.Sum(v => v.Count);
        }
        // Coverage counts the provider's calls: decoding every task now made one per task; otherwise count them all afresh.
        ContextCoverage CoverageOf(IContextProvider provider, bool decodedAll)
        {
            if (!decodedAll)
            {
                provider.Coverage.Reset();
                foreach (var task in splits.Values.SelectMany(v => v).Where(t => shard is null || shard.Contains(t.RepoId))) provider.ContextFor(task);
            }
            return provider.Coverage.Snapshot();
        }
        void Skip(string method, string verb) => note?.Invoke($"{method}: not trained, skipped (run: c2l train {verb} --preset {c.Name}).");

        await Evaluate(new BaseModelMethod("pretrained", slots), baseId);
        RagContext? rag = null;
        var coverage = new Dictionary<string, ContextCoverage>();
        if (repos is null) note?.Invoke("rag, drc, fft-rag: no repository inputs given, skipped.");
        else
        {
            var all = splits.Values.SelectMany(v => v).ToList();
            rag = await RagContext.CreateAsync(repos, lm.Tokenizer, c.Rag, new ChunkEmbedder(lm.Model, lm.Tokenizer, c.EvalBatchSize),
                Path.Combine(experiment.BenchDirectory, "rag"));
            await rag.PrepareAsync(all, progress is null ? null : new SyncProgress<(string Phase, int Done, int Total)>(p => progress.Report((p.Phase, "all", p.Done, p.Total))));
            coverage["rag"] = CoverageOf(rag, await Evaluate(ContextMethod.OnBase(rag, "rag", slots), $"{baseId} {RagIdentity(rag)}", with: contextSettings));
            var drc = new DrcContext(repos, lm.Tokenizer, c.Drc);
            coverage["drc"] = CoverageOf(drc, await Evaluate(ContextMethod.OnBase(drc, "drc", slots), $"{baseId} drc={JsonSerializer.Serialize(c.Drc)}", with: contextSettings));
        }
        if (Directory.Exists(experiment.SingleLoraDirectory))
            await Evaluate(new FixedAdapterMethod("single-lora", slots, PeftAdapterFiles.Load(experiment.SingleLoraDirectory, lm.Config, lm.Model.Device, c.Lora)),
                $"{baseId} lora={Files(Path.Combine(experiment.SingleLoraDirectory, PeftAdapterFiles.WeightsFile))}");
        else Skip("single-lora", "slora");
        if (File.Exists(Path.Combine(experiment.FftDirectory, ModelDirectory.ConfigFileName)))
        {
            var fft = experiment.LoadFullFineTune();
            var fftId = ModelIdentity("fft", experiment.FftDirectory);
            using (fft.Model)
            {
                await Evaluate(new BaseModelMethod("fft"), fftId, fft);
                if (rag is not null) await Evaluate(ContextMethod.WithContext(new BaseModelMethod("fft"), rag, "fft-rag"), $"{fftId} {RagIdentity(rag)}", fft, with: contextSettings);
            }
        }
        else Skip("fft", "fft");
        // Per-repo LoRA exists only in-repo (paper-notes §3): it is scored on IR-test alone, and only once every IR-test repository has its adapter.
        var irRepos = splits.GetValueOrDefault(SplitNames.IrTest, []).Select(t => t.RepoId).Distinct(StringComparer.Ordinal).ToList();
        var perRepo = experiment.LoadPerRepoLoras(irRepos, lm.Config, lm.Model.Device);
        if (irRepos.Count > 0 && perRepo.Count == irRepos.Count)
            using (var method = new PerRepoAdapterMethod("per-repo-lora", slots, perRepo)) await Evaluate(method, $"{baseId} plora={Files(irRepos.Select(r => Path.Combine(experiment.PerRepoLoraDirectory(r), PeftAdapterFiles.WeightsFile)).ToArray())}", only: [SplitNames.IrTest]);
        else if (perRepo.Count > 0) note?.Invoke($"per-repo-lora: {irRepos.Count - perRepo.Count} of {irRepos.Count} IR-test repositories have no adapter yet, skipped (run: c2l train plora --preset {c.Name}).");
        else Skip("per-repo-lora", "plora");
        foreach (var adapter in perRepo.Values) adapter.Dispose();
        if (File.Exists(experiment.Text2LoraFile))
            using (var t2l = experiment.LoadText2Lora(lm, contexts.EncoderId, contexts.Dimension))
            using (var method = new GeneratedAdapterMethod("t2l", slots, t2l, GeneratedAdapterMethod.Own(contexts)))
                await Evaluate(method, $"{baseId} t2l={Files(experiment.Text2LoraFile)} vectors={contexts.EncoderId}");
        else Skip("t2l", "t2l");
        var ablations = new List<string>();
        SimilaritySummary? similarity = null;
        if (File.Exists(experiment.HeadFile))
        {
            using var probe = new HeadProbe(experiment, contexts, HeadProbe.StaticName, onlySwappable: false, progress, note, shard, mergeOnly);
            scored["code2lora-static"] = await probe.Own(cache);
            // Another repository of the same split: a split with one repository has no such control.
            if (probe.OtherSplits.Count > 0) scored["shuffled-repo"] = await probe.Other(cache);
            scored["zero-embedding"] = await probe.Zero(cache);
            scored["mean-adapter"] = await probe.Mean(cache);
            ablations.AddRange(["shuffled-repo", "zero-embedding", "mean-adapter"]);
            // Whole-benchmark analyses: the merge run (or a single process) does them, not a shard.
            if (shard is null)
            {
                var sim = probe.Similarity();
                similarity = new SimilaritySummary(sim.Repos.Count, Math.Round(sim.MeanRaw, 4));
                FigureExport.Save(StaticFigures.Similarity(sim), resultsDir, "adapter-cosine");
                var splitOf = experiment.Bench.StaticRepos.ToDictionary(r => r.RepoId, r => r.Split);
                AdapterSimilarityFile.Write(resultsDir, sim, splitOf);
                if (sim.Repos.Count >= 3)
                    FigureExport.Save(StaticFigures.AdapterMap(sim, r => splitOf[r]), resultsDir, "adapter-tsne");
            }
        }
        else Skip("code2lora-static", "static");
        slots.Clear();
        if (shard is not null)
        {
            note?.Invoke($"shard {shard}: predictions of its repositories stored under {Path.Combine(resultsDir, "predictions")}; the summary is written by the merge run (c2l eval --merge) once every shard is done.");
            var nothing = new Dictionary<string, MethodSummary>();
            var shardProvenance = Provenance.Capture(command);
            return new StaticSummary(nothing, nothing, nothing, [], null, [], coverage, c, command, shardProvenance.GitSha, shardProvenance);
        }

        var trivial = TrivialBaselines.Score(splits, experiment.TrainingTasks());
        var conditioning = Splits.Where(s => scored.TryGetValue("shuffled-repo", out var sh) && sh.ContainsKey(s)).Select(s => ConditioningLoss.From(s,
            scored["code2lora-static"][s], scored["shuffled-repo"][s], scored["mean-adapter"][s], scored["zero-embedding"][s], c.Seed)).ToList();
        var withTrivial = trivial.Concat(scored).ToDictionary();
        var provenance = Provenance.Capture(command);
        var summary = new StaticSummary(
            trivial.ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, c.Seed)),
            scored.Where(kv => !ablations.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, c.Seed)),
            scored.Where(kv => ablations.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, c.Seed)),
            Comparison.All(withTrivial, ComparedPairs, Splits, c.Seed), similarity, conditioning, coverage, c, command, provenance.GitSha, provenance);
        FigureExport.Save(StaticFigures.ExactMatch(summary), resultsDir, "exact-match");
        ResultFile.WriteJson(Path.Combine(resultsDir, "summary.json"), JsonSerializer.Serialize(summary, Provenance.Json), provenance);
        ResultFile.WriteMarkdown(Path.Combine(resultsDir, "summary.md"), Markdown(summary), provenance);
        return summary;
    }

    /// <summary>The paired comparisons of the static summary (a − b), each on every split both methods were scored on (per-repo LoRA:
    /// IR-test only). First the primary one: each method that adapts to the repository, and full fine-tuning, against single LoRA
    /// trained on the same tasks for the same steps; then the Static head's controls, the other baselines and the trivial ones.</summary>
    public static readonly IReadOnlyList<(string A, string B)> ComparedPairs =
    [
        ("code2lora-static", "single-lora"), ("t2l", "single-lora"), ("per-repo-lora", "single-lora"), ("fft", "single-lora"),
        ("code2lora-static", "shuffled-repo"), ("code2lora-static", "mean-adapter"), ("code2lora-static", "zero-embedding"),
        ("code2lora-static", "pretrained"), ("single-lora", "pretrained"), ("code2lora-static", "fft"), ("code2lora-static", "per-repo-lora"),
        ("code2lora-static", "t2l"), ("code2lora-static", "rag"), ("code2lora-static", "drc"), ("code2lora-static", "fft-rag"),
        ("rag", "pretrained"), ("drc", "pretrained"),
        ("code2lora-static", TrivialBaselines.MostFrequentName), ("single-lora", TrivialBaselines.MostFrequentName),
        ("code2lora-static", TrivialBaselines.CopyName), ("single-lora", TrivialBaselines.CopyName),
    ];

    /// <summary>The prediction-cache identity of a model directory ("base=…", "fft=…"): a hash of the files that define its predictions.
    /// The RAG sweep builds the same strings, so its rows reuse this evaluation's rag and fft-rag predictions.</summary>
    internal static string ModelIdentity(string kind, string dir) => kind + "=" + PredictionCache.HashFiles(ModelFiles(dir));

    /// <summary>The prediction-cache identity of a RAG provider: its chunk index and settings.</summary>
    internal static string RagIdentity(RagContext rag) => $"rag={rag.IndexId} {JsonSerializer.Serialize(rag.Config)}";

    /// <summary>The files that define a model directory's predictions (weights, config, tokenizer).</summary>
    private static string[] ModelFiles(string dir) =>
        [.. Directory.EnumerateFiles(dir, "*.safetensors").Order(StringComparer.Ordinal), Path.Combine(dir, "config.json"), Path.Combine(dir, "tokenizer.json")];

    /// <summary>The Table 2–style markdown of a summary.</summary>
    public static string Markdown(StaticSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Static track ({s.Config.Name} preset): target NLL, EditSim and exact match per method");
        sb.AppendLine();
        SummaryTables.Methods(sb, "method", s.Trivial.Concat(s.Methods).ToDictionary(), extraTokens: true);
        if (s.Ablations.Count > 0) SummaryTables.Methods(sb, "control of the Code2LoRA-Static head", s.Ablations, extraTokens: true);
        sb.AppendLine("Controls: shuffled-repo = another repository's vector from the same split; zero-embedding = the zero vector; mean-adapter = the average weight change (1/n)·Σ BᵢAᵢ over the training repositories. "
                      + $"Trivial baselines: {TrivialBaselines.MostFrequentName} always answers the training tasks' most frequent target; {TrivialBaselines.CopyName} copies a repeated assertion's continuation or the last assigned name (docs/static-track.md).");
        sb.AppendLine();
        SummaryTables.Comparisons(sb, s.Comparisons);
        SummaryTables.ConditioningLoss(sb, "Code2LoRA-Static head", s.ConditioningLoss);
        if (s.AdapterSimilarity is { } sim)
        {
            sb.AppendLine(inv, $"Generated adapters of the {sim.Repos} repositories: mean pairwise cosine {sim.MeanCosine:F3} (1.0 would be one shared adapter).");
            sb.AppendLine();
        }
        foreach (var (name, cov) in s.ContextCoverage)
            sb.AppendLine(inv, $"- {name}: context found for {cov}.");
        if (s.ContextCoverage.Count > 0) sb.AppendLine();
        sb.AppendLine(SummaryTables.Legend);
        sb.AppendLine();
        var n = s.Methods.Values.Concat(s.Trivial.Values).FirstOrDefault();
        sb.AppendLine(inv, $"{n?.NCr} CR-test and {n?.NIr} IR-test tasks; greedy decoding, prompts cut to {s.Config.MaxTokens} tokens. Command: `{s.Command}`, git {s.GitSha}.");
        return sb.ToString();
    }
}
