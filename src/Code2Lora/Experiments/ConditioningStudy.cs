using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;

namespace Code2Lora.Experiments;

/// <summary>One way of training the static head, as a change to the preset's configuration.</summary>
public sealed record ConditioningVariant(string Name, string Description, Func<StaticExperimentConfig, StaticExperimentConfig> Apply);

/// <summary>One variant's result: does the trained head's adapter depend on the repository (target loss and EM with the
/// repository's own vector against another repository's), and how different are the adapters of different repositories.</summary>
public sealed record ConditioningRow(
    [property: JsonPropertyName("variant")] string Variant, [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("loss")] IReadOnlyList<ConditioningLoss> Loss,
    [property: JsonPropertyName("em_own")] IReadOnlyDictionary<string, double> EmOwn,
    [property: JsonPropertyName("em_shuffled")] IReadOnlyDictionary<string, double> EmShuffled,
    [property: JsonPropertyName("em_own_minus_shuffled_ci")] IReadOnlyDictionary<string, double[]> EmGapCi,
    [property: JsonPropertyName("adapter_cosine")] double AdapterCosine, [property: JsonPropertyName("adapter_cosine_centred")] double AdapterCosineCentred,
    [property: JsonPropertyName("train_seconds")] double TrainSeconds, [property: JsonPropertyName("final_val_loss")] double? FinalValLoss);

/// <summary>results/conditioning/&lt;preset&gt;/study.json.</summary>
public sealed record ConditioningStudyResult(
    [property: JsonPropertyName("preset")] string Preset, [property: JsonPropertyName("rows")] IReadOnlyList<ConditioningRow> Rows,
    [property: JsonPropertyName("input_cosine")] double InputCosine, [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("provenance")] Provenance Provenance);

/// <summary>What makes the static head's adapters depend on the repository (issue: "if the head collapses to one shared
/// adapter, find out why"): trains the head under several variants of one preset and measures each on the same tasks.
/// Each variant trains in its own run directory, so the study resumes variant by variant.</summary>
public static class ConditioningStudy
{
    private static readonly string[] Splits = [SplitNames.CrTest, SplitNames.IrTest];

    /// <summary>The variants of the tiny study (configs/conditioning/tiny.json): the paper's head, then the changes that target the shared component.</summary>
    public static IReadOnlyList<ConditioningVariant> Default => ConditioningStudyConfig.Get("tiny").ToVariants();

    /// <summary>Trains (or reuses) the head of every variant and measures it; <paramref name="runRoot"/> holds one run
    /// directory per variant. The rows are also written to <paramref name="resultsDir"/> (study.json, study.md).</summary>
    public static async Task<ConditioningStudyResult> RunAsync(StaticExperimentConfig preset, string benchDir, string runRoot, RepoContexts contexts,
        IReadOnlyList<ConditioningVariant> variants, string resultsDir, string command,
        IProgress<(string Variant, TrainingProgress Step)>? progress = null, CancellationToken cancel = default)
    {
        var rows = new List<ConditioningRow>();
        StaticExperiment? first = null;
        foreach (var variant in variants)
        {
            var config = variant.Apply(preset);
            var experiment = await StaticExperiment.OpenAsync(config, benchDir, Path.Combine(runRoot, variant.Name));
            first ??= experiment;
            var lm = experiment.LoadBase();
            var trained = experiment.TrainStatic(lm, contexts,
                progress is null ? null : new SyncProgress<TrainingProgress>(p => progress.Report((variant.Name, p))), cancel);
            if (!trained.Completed) throw new OperationCanceledException($"variant {variant.Name} stopped at step {trained.Step}; run again to resume.");
            // The log, not this call, knows the training time and last validation loss (a finished variant is only reused here).
            var log = TrainingLog.Read(Path.Combine(experiment.RunDirectory, "static", "metrics.jsonl"));
            var seconds = log.Where(r => r.Kind == "train").Select(r => r.Seconds).DefaultIfEmpty(double.NaN).Last();
            var valLoss = log.Where(r => r.Metrics?.ContainsKey("val_loss") == true).Select(r => (double?)r.Metrics!["val_loss"]).LastOrDefault();
            rows.Add(Measure(experiment, variant, contexts, seconds, valLoss));
        }
        var provenance = Provenance.Capture(command);
        var result = new ConditioningStudyResult(preset.Name, rows, first is null ? double.NaN : InputCosine(first, contexts), command, provenance);
        ResultFile.WriteJson(Path.Combine(resultsDir, "study.json"), JsonSerializer.Serialize(result, Provenance.Json), provenance);
        ResultFile.WriteMarkdown(Path.Combine(resultsDir, "study.md"), Markdown(result), provenance);
        Reporting.FigureExport.Save(Reporting.StaticFigures.ConditioningGap(result), resultsDir, "loss-gap");
        return result;
    }

    /// <summary>Target loss (own / another repository's / mean adapter) and EM (own / another's) on the preset's CR- and IR-test tasks.</summary>
    public static ConditioningRow Measure(StaticExperiment experiment, ConditioningVariant variant, RepoContexts contexts, double trainSeconds, double? valLoss)
    {
        var c = experiment.Config;
        var splits = Splits.ToDictionary(s => s, s => experiment.Sample(experiment.Bench.StaticTasks.Where(t => t.Split == s).ToList(), c.EvalTasksPerSplit, "eval/" + s));
        var lm = experiment.LoadBase();
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var head = experiment.LoadHead(lm, contexts.EncoderId, contexts.Dimension);
        var trainStates = experiment.TrainStates();
        var all = splits.Values.SelectMany(v => v).ToList();
        var loss = Splits.Select(s => ConditioningLoss.Measure(s, slots, head, contexts, CompletionExamples.Build(splits[s], lm.Tokenizer, c.MaxTokens),
            trainStates, all, c.BatchSize, lm.Tokenizer.EosTokenId ?? 0, c.Seed)).ToList();

        var settings = c.Decoding;
        IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Run(Func<QnaRow, float[]> pick, string name)
        {
            using var method = new GeneratedAdapterMethod(name, slots, head, pick);
            return MethodEvaluator.Run(method, lm.Model, lm.Tokenizer, splits, settings);
        }
        var own = Run(GeneratedAdapterMethod.Own(contexts), "own");
        var shuffled = Run(GeneratedAdapterMethod.Shuffled(contexts, all, c.Seed), "shuffled");
        var gaps = Splits.ToDictionary(s => s, s => Bootstrap.Paired(SummaryTables.Em(own[s]), SummaryTables.Em(shuffled[s]), seed: c.Seed));

        var states = experiment.Bench.StaticRepos.OrderBy(r => r.RepoId, StringComparer.Ordinal).Select(r => (r.RepoId, r.SnapshotSha)).ToList();
        var sim = AdapterSimilarity.Measure(head, contexts, states, lm.Model.Device);
        slots.Clear();
        return new ConditioningRow(variant.Name, variant.Description, loss,
            Splits.ToDictionary(s => s, s => Math.Round(SummaryTables.Em(own[s]).Average(), 2)), Splits.ToDictionary(s => s, s => Math.Round(SummaryTables.Em(shuffled[s]).Average(), 2)),
            gaps.ToDictionary(kv => kv.Key, kv => new[] { Math.Round(kv.Value.Low, 2), Math.Round(kv.Value.High, 2) }),
            Math.Round(sim.MeanRaw, 4), Math.Round(sim.MeanCentred, 4), Math.Round(trainSeconds, 1), valLoss);
    }

    /// <summary>Mean pairwise cosine of the benchmark repositories' raw vectors (how much they share before any head).</summary>
    public static double InputCosine(StaticExperiment experiment, RepoContexts contexts)
    {
        var vectors = experiment.Bench.StaticRepos.Select(r => contexts.Get(r.RepoId, r.SnapshotSha)).ToList();
        double sum = 0;
        var pairs = 0;
        for (var i = 0; i < vectors.Count; i++)
            for (var j = i + 1; j < vectors.Count; j++, pairs++)
                sum += Cosine(vectors[i], vectors[j]);
        return Math.Round(pairs == 0 ? double.NaN : sum / pairs, 4);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>The study as a markdown table.</summary>
    public static string Markdown(ConditioningStudyResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Does the static head's adapter depend on the repository? ({r.Preset} preset)");
        sb.AppendLine();
        sb.AppendLine(inv, $"Raw repository vectors: mean pairwise cosine {r.InputCosine:F3}. Loss: target nats/token averaged over tasks; \"other\" = another repository's vector (seeded derangement).");
        sb.AppendLine();
        sb.AppendLine("| variant | split | loss own | loss other − own [95 % CI] | loss mean adapter − own | EM own | EM other | EM own − other 95 % CI | adapter cosine (centred) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in r.Rows)
            foreach (var l in row.Loss)
                sb.AppendLine(inv, $"| {row.Variant} | {l.Split} | {l.Own:F4} | {l.ShuffledMinusOwn:+0.0000;-0.0000;0.0000} [{l.ShuffledMinusOwnCi[0]:F4}, {l.ShuffledMinusOwnCi[1]:F4}] | {l.MeanMinusOwn:+0.0000;-0.0000;0.0000} | {row.EmOwn[l.Split]:F1} | {row.EmShuffled[l.Split]:F1} | [{row.EmGapCi[l.Split][0]:F1}, {row.EmGapCi[l.Split][1]:F1}] | {row.AdapterCosine:F3} ({row.AdapterCosineCentred:F3}) |");
        sb.AppendLine();
        foreach (var row in r.Rows) sb.AppendLine(inv, $"- **{row.Variant}**: {row.Description}; trained in {row.TrainSeconds:F0} s, final CR-val loss {row.FinalValLoss:F4}.");
        sb.AppendLine();
        sb.AppendLine(inv, $"Command: `{r.Command}`, git {r.Provenance.GitSha}.");
        return sb.ToString();
    }
}
