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

<<<<<<< HEAD
/// <summary>One row of results/static/…/summary.json: CR and IR exact match (%, 95 % CI), edit similarity, CodeBLEU, added prompt
/// tokens. The CR fields are null (written as null) for a method that exists only in-repo (per-repo LoRA); the CodeBLEU fields
/// are null in summaries written before CodeBLEU existed.</summary>
public sealed record MethodSummary(
    [property: JsonPropertyName("cr_em"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrEm,
    [property: JsonPropertyName("cr_em_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? CrEmCi,
    [property: JsonPropertyName("ir_em")] double IrEm, [property: JsonPropertyName("ir_em_ci")] double[] IrEmCi,
    [property: JsonPropertyName("cr_es"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrEs, [property: JsonPropertyName("ir_es")] double IrEs,
    [property: JsonPropertyName("extra_tokens")] double ExtraTokens, [property: JsonPropertyName("n_cr")] int NCr, [property: JsonPropertyName("n_ir")] int NIr,
    [property: JsonPropertyName("cr_cb"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrCb = null,
    [property: JsonPropertyName("cr_cb_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? CrCbCi = null,
    [property: JsonPropertyName("ir_cb")] double? IrCb = null, [property: JsonPropertyName("ir_cb_ci")] double[]? IrCbCi = null)
{
    /// <summary>The row for a method's CR-test (null: not applicable) and IR-test scores.</summary>
    public static MethodSummary Of(SplitScore? cr, SplitScore ir)
    {
        var nCr = cr?.ExactMatch.N ?? 0;
        return new(
            cr is null ? null : Math.Round(cr.ExactMatch.Mean, 2), cr is null ? null : [Math.Round(cr.ExactMatch.Low, 2), Math.Round(cr.ExactMatch.High, 2)],
            Math.Round(ir.ExactMatch.Mean, 2), [Math.Round(ir.ExactMatch.Low, 2), Math.Round(ir.ExactMatch.High, 2)],
            cr is null ? null : Math.Round(cr.EditSimilarity.Mean, 4), Math.Round(ir.EditSimilarity.Mean, 4),
            Math.Round(((cr?.MeanExtraTokens ?? 0) * nCr + ir.MeanExtraTokens * ir.ExactMatch.N) / Math.Max(1, nCr + ir.ExactMatch.N), 1),
            nCr, ir.ExactMatch.N,
            cr is null ? null : Math.Round(cr.CodeBleu.Mean, 4), cr is null ? null : [Math.Round(cr.CodeBleu.Low, 4), Math.Round(cr.CodeBleu.High, 4)],
            Math.Round(ir.CodeBleu.Mean, 4), [Math.Round(ir.CodeBleu.Low, 4), Math.Round(ir.CodeBleu.High, 4)]);
    }
}

/// <summary>One display row of a summary (notebook tables): EM with its CI as text, "—" where a split does not apply.</summary>
public sealed record SummaryRow(string Method, string CrEm, string IrEm, string CrEs, string IrEs, double ExtraTokens, string CrCb, string IrCb)
{
    /// <summary>The methods, then the ablations, of <paramref name="methods"/>.</summary>
    public static IReadOnlyList<SummaryRow> Of(IEnumerable<KeyValuePair<string, MethodSummary>> methods) => methods.Select(kv => new SummaryRow(kv.Key,
        kv.Value.CrEm is { } cr ? FormattableString.Invariant($"{cr:F1} [{kv.Value.CrEmCi![0]:F1}, {kv.Value.CrEmCi[1]:F1}]") : "—",
        FormattableString.Invariant($"{kv.Value.IrEm:F1} [{kv.Value.IrEmCi[0]:F1}, {kv.Value.IrEmCi[1]:F1}]"),
        kv.Value.CrEs is { } es ? es.ToString("F3", CultureInfo.InvariantCulture) : "—", kv.Value.IrEs.ToString("F3", CultureInfo.InvariantCulture),
        kv.Value.ExtraTokens, SummaryTables.CodeBleuText(kv.Value.CrCb), SummaryTables.CodeBleuText(kv.Value.IrCb))).ToList();

    /// <summary>Every method and ablation of a static summary.</summary>
    public static IReadOnlyList<SummaryRow> Of(StaticSummary summary) => Of(summary.Methods.Concat(summary.Ablations));
}

/// <summary>A paired-bootstrap comparison of two methods on the same tasks (EM points, a − b).</summary>
public sealed record Comparison(
    [property: JsonPropertyName("a")] string A, [property: JsonPropertyName("b")] string B, [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("em_diff")] double EmDiff, [property: JsonPropertyName("em_diff_ci")] double[] EmDiffCi)
{
    /// <summary>The paired bootstrap of method <paramref name="a"/>'s rows against <paramref name="b"/>'s on the same tasks of one split.</summary>
    public static Comparison Of(string a, string b, string split, IReadOnlyList<PredictionRow> ra, IReadOnlyList<PredictionRow> rb, int seed)
    {
        var d = Bootstrap.Paired(SummaryTables.Em(ra), SummaryTables.Em(rb), seed: seed);
        return new Comparison(a, b, split, Math.Round(d.Difference, 2), [Math.Round(d.Low, 2), Math.Round(d.High, 2)]);
    }
}

/// <summary>Mean off-diagonal cosine between the generated adapters of the benchmark's repositories (raw and mean-centred).</summary>
public sealed record SimilaritySummary([property: JsonPropertyName("repos")] int Repos, [property: JsonPropertyName("mean_cosine")] double MeanCosine,
    [property: JsonPropertyName("mean_centred_cosine")] double MeanCentredCosine);

/// <summary>results/static/&lt;preset&gt;/summary.json.</summary>
=======
/// <summary>Mean off-diagonal cosine between the generated adapters of the benchmark's repositories (1.0: one shared adapter).</summary>
public sealed record SimilaritySummary([property: JsonPropertyName("repos")] int Repos, [property: JsonPropertyName("mean_cosine")] double MeanCosine);

/// <summary>results/static/&lt;preset&gt;/summary.json: the trivial baselines, the methods, the conditioning controls of the Static head
/// (ablations), the paired comparisons (against single LoRA first), the loss-based conditioning table and the provenance.</summary>
>>>>>>> refs/heads/stats
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
        using var held = RunLock.Acquire(resultsDir, "evaluation");     // its prediction caches and tables are rewritten below
        var c = experiment.Config;
        var splits = experiment.EvaluationTasks();
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
            using var probe = new HeadProbe(experiment, contexts, HeadProbe.StaticName, onlySwappable: false, progress, note);
            scored["code2lora-static"] = await probe.Own(cache);
            // Another repository of the same split: a split with one repository has no such control.
            if (probe.OtherSplits.Count > 0) scored["shuffled-repo"] = await probe.Other(cache);
            scored["zero-embedding"] = await probe.Zero(cache);
            scored["mean-adapter"] = await probe.Mean(cache);
            ablations.AddRange(["shuffled-repo", "zero-embedding", "mean-adapter"]);
<<<<<<< HEAD
            // Whole-benchmark analyses: the merge run (or a single process) does them, not a shard.
            if (shard is null)
=======
            var states = experiment.Bench.StaticRepos.OrderBy(r => r.RepoId, StringComparer.Ordinal).Select(r => (r.RepoId, r.SnapshotSha)).ToList();
            var sim = probe.Similarity();
            similarity = new SimilaritySummary(states.Count, Math.Round(sim.MeanRaw, 4));
            FigureExport.Save(StaticFigures.Similarity(sim), resultsDir, "adapter-cosine");
            if (states.Count >= 3)
>>>>>>> refs/heads/stats
            {
                var states = experiment.Bench.StaticRepos.OrderBy(r => r.RepoId, StringComparer.Ordinal).Select(r => (r.RepoId, r.SnapshotSha)).ToList();
                var sim = AdapterSimilarity.Measure(head, contexts, states, lm.Model.Device);
                similarity = new SimilaritySummary(states.Count, Math.Round(sim.MeanRaw, 4), Math.Round(sim.MeanCentred, 4));
                FigureExport.Save(StaticFigures.Similarity(sim, centred: false), resultsDir, "adapter-cosine");
                FigureExport.Save(StaticFigures.Similarity(sim, centred: true), resultsDir, "adapter-cosine-centred");
                var splitOf = experiment.Bench.StaticRepos.ToDictionary(r => r.RepoId, r => r.Split);
                AdapterSimilarityFile.Write(resultsDir, sim, splitOf);
                if (states.Count >= 3)
                    FigureExport.Save(StaticFigures.AdapterMap(sim, r => splitOf[r]), resultsDir, "adapter-tsne");
                foreach (var split in Splits)
                    conditioning.Add(ConditioningLoss.Measure(split, slots, head, contexts,
                        CompletionExamples.Build(splits[split], lm.Tokenizer, c.MaxTokens), trainStates, all, c.BatchSize, lm.Tokenizer.EosTokenId ?? 0, c.Seed));
            }
        }
        else Skip("code2lora-static", "static");
        slots.Clear();
        if (shard is not null)
        {
            note?.Invoke($"shard {shard}: predictions of its repositories stored under {Path.Combine(resultsDir, "predictions")}; the summary is written by the merge run (c2l eval --merge) once every shard is done.");
            var nothing = new Dictionary<string, MethodSummary>();
            var shardProvenance = Provenance.Capture(command);
            return new StaticSummary(nothing, nothing, [], null, [], coverage, c, command, shardProvenance.GitSha, shardProvenance);
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

<<<<<<< HEAD
    internal static List<Comparison> Compare(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> scored, int seed)
    {
        var comparisons = new List<Comparison>();
        foreach (var (a, b) in new[] { ("code2lora-static", "single-lora"), ("code2lora-static", "pretrained"), ("single-lora", "pretrained"),
                     ("code2lora-static", "fft"), ("code2lora-static", "per-repo-lora"), ("code2lora-static", "t2l"),
                     ("code2lora-static", "rag"), ("code2lora-static", "drc"), ("code2lora-static", "fft-rag"), ("rag", "pretrained"), ("drc", "pretrained"),
                     ("code2lora-static", "shuffled-repo"), ("code2lora-static", "mean-adapter"), ("code2lora-static", "zero-embedding") })
        {
            if (!scored.TryGetValue(a, out var sa) || !scored.TryGetValue(b, out var sb)) continue;
            foreach (var split in Splits)
            {
                if (!sa.TryGetValue(split, out var ra) || !sb.TryGetValue(split, out var rb)) continue;
                comparisons.Add(Comparison.Of(a, b, split, ra, rb, seed));
            }
        }
        return comparisons;
    }

=======
>>>>>>> refs/heads/stats
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
