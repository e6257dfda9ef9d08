using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Hyper;
using Code2Lora.Runtime;
using Code2Lora.Training;

namespace Code2Lora.Experiments;

/// <summary>One way of training the static head, as a change to the preset's configuration (head variants, and the input controls
/// through <see cref="StaticExperimentConfig.HeadInput"/>).</summary>
public sealed record ConditioningVariant(string Name, string Description, Func<StaticExperimentConfig, StaticExperimentConfig> Apply);

/// <summary>One variant's result: does the trained head's adapter depend on the repository (target NLL with the repository's own vector
/// against another repository's of the same split, the mean weight change and the zero vector; EM own against another's), and how
/// different are the adapters of different repositories.</summary>
public sealed record ConditioningRow(
    [property: JsonPropertyName("variant")] string Variant, [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("loss")] IReadOnlyList<ConditioningLoss> Loss,
    [property: JsonPropertyName("em_own_vs_other")] IReadOnlyList<Comparison> OwnVersusOther,
    [property: JsonPropertyName("adapter_cosine")] double AdapterCosine,
    [property: JsonPropertyName("train_seconds")] double TrainSeconds, [property: JsonPropertyName("final_val_loss")] double? FinalValLoss);

/// <summary>results/conditioning/&lt;preset&gt;/study.json.</summary>
public sealed record ConditioningStudyResult(
    [property: JsonPropertyName("preset")] string Preset, [property: JsonPropertyName("rows")] IReadOnlyList<ConditioningRow> Rows,
    [property: JsonPropertyName("input_cosine")] double InputCosine, [property: JsonPropertyName("controls")] ConditioningControls? Controls,
    [property: JsonPropertyName("command")] string Command, [property: JsonPropertyName("provenance")] Provenance Provenance);

/// <summary>What makes the static head's adapters depend on the repository, and whether that beats not conditioning at all: trains the
/// head under several variants of one preset (each in its own run directory, so the study resumes variant by variant), measures each
/// on the same tasks, and writes the controls table of the preset's own head (<see cref="ConditioningControls"/>).</summary>
public static class ConditioningStudy
{
    private static readonly string[] Splits = [SplitNames.CrTest, SplitNames.IrTest];

    /// <summary>The variants of the tiny study (configs/conditioning/tiny.json): the paper's head, then the changes that target the shared component.</summary>
    public static IReadOnlyList<ConditioningVariant> Default => ConditioningStudyConfig.Get("tiny").ToVariants();

    /// <summary>The variant names of the two input controls (configs/conditioning/*.json): the head trained on a random vector per
    /// repository (identity, no content) and on another training repository's vector per example (no information).</summary>
    public const string RepositoryIdVariant = "repository-id", ShuffledVariant = "shuffled-vectors";

    /// <summary>Trains (or reuses) the head of every variant and measures it; <paramref name="runRoot"/> holds one run directory per
    /// variant (the variant equal to the preset uses <paramref name="reference"/>'s own run). <paramref name="reference"/> is the preset's static experiment, whose single LoRA (trained here if missing) is the
    /// controls table's reference. Writes study.json / study.md, controls.json / controls.md and the loss-gap figure to <paramref name="resultsDir"/>.</summary>
    public static async Task<ConditioningStudyResult> RunAsync(StaticExperiment reference, RepoContexts contexts, string runRoot,
        IReadOnlyList<ConditioningVariant> variants, string resultsDir, string command,
        IProgress<(string Variant, TrainingProgress Step)>? progress = null, CancellationToken cancel = default)
    {
        var preset = reference.Config;
        var cache = new PredictionCache(Path.Combine(resultsDir, "predictions"));
        var rows = new List<ConditioningRow>();
        var trained = new Dictionary<string, StaticExperiment>();
        foreach (var variant in variants)
        {
            var config = variant.Apply(preset);
            // The variant that changes nothing is the preset's own head: the static experiment's run, trained there once.
            var experiment = Unchanged(config, preset) ? reference : await StaticExperiment.OpenAsync(config, reference.BenchDirectory, Path.Combine(runRoot, variant.Name));
            Train(variant.Name, () => experiment.TrainStatic(experiment.LoadBase(), contexts, Report(progress, variant.Name), cancel));
            trained[variant.Name] = experiment;
            // The log, not this call, knows the training time and last validation loss (a finished variant is only reused here).
            var log = TrainingLog.Read(Path.Combine(experiment.RunDirectory, "static", "metrics.jsonl"));
            var seconds = log.Where(r => r.Kind == "train").Select(r => r.Seconds).DefaultIfEmpty(double.NaN).Last();
            var valLoss = log.Where(r => r.Metrics?.ContainsKey("val_loss") == true).Select(r => (double?)r.Metrics!["val_loss"]).LastOrDefault();
            rows.Add(await MeasureAsync(experiment, variant, contexts, cache, seconds, valLoss));
        }

        // The controls table: the preset's own head (the variant that changes nothing), beside both input controls and single LoRA.
        ConditioningControls? controls = null;
        var own = variants.FirstOrDefault(v => Unchanged(v.Apply(preset), preset));
        if (own is not null && trained.TryGetValue(RepositoryIdVariant, out var idHead) && trained.TryGetValue(ShuffledVariant, out var shuffledHead))
        {
            Train("single-lora", () => reference.TrainSingleLora(reference.LoadBase(), Report(progress, "single-lora"), cancel));
            controls = await ConditioningControls.MeasureAsync(reference, own.Name, trained[own.Name], idHead, shuffledHead, contexts, cache, command);
            ResultFile.WriteJson(Path.Combine(resultsDir, "controls.json"), JsonSerializer.Serialize(controls, Provenance.Json), controls.Provenance);
            ResultFile.WriteMarkdown(Path.Combine(resultsDir, "controls.md"), ConditioningControls.Markdown(controls), controls.Provenance);
        }
        var provenance = Provenance.Capture(command);
        var result = new ConditioningStudyResult(preset.Name, rows, InputCosine(reference, contexts), controls, command, provenance);
        ResultFile.WriteJson(Path.Combine(resultsDir, "study.json"), JsonSerializer.Serialize(result, Provenance.Json), provenance);
        ResultFile.WriteMarkdown(Path.Combine(resultsDir, "study.md"), Markdown(result), provenance);
        Reporting.FigureExport.Save(Reporting.StaticFigures.ConditioningGap(result), resultsDir, "loss-gap");
        return result;
    }

    // By value: a variant's overrides round-trip the config through JSON, so its lists are new instances even when nothing changed.
    private static bool Unchanged(StaticExperimentConfig variant, StaticExperimentConfig preset) =>
        variant == preset || Config.ConfigFiles.Canonical(variant) == Config.ConfigFiles.Canonical(preset);

    private static IProgress<TrainingProgress>? Report(IProgress<(string Variant, TrainingProgress Step)>? progress, string name) =>
        progress is null ? null : new SyncProgress<TrainingProgress>(p => progress.Report((name, p)));

    private static void Train(string name, Func<TrainingResult> train)
    {
        var result = train();
        if (!result.Completed) throw new OperationCanceledException($"{name} stopped at step {result.Step}; run again to resume.");
    }

    /// <summary>The variant's target-NLL gaps (another repository's vector of the same split, the mean weight change, the zero vector, each
    /// against the own vector) and EM own against another's, on the preset's CR- and IR-test tasks; predictions cached in
    /// <paramref name="cache"/> under "&lt;variant&gt;.&lt;input&gt;".</summary>
    public static async Task<ConditioningRow> MeasureAsync(StaticExperiment experiment, ConditioningVariant variant, RepoContexts contexts,
        PredictionCache cache, double trainSeconds, double? valLoss)
    {
        var seed = experiment.Config.Seed;
        using var probe = new HeadProbe(experiment, contexts, input => $"{variant.Name}.{input}", onlySwappable: true);
        var own = await probe.Own(cache);
        var other = await probe.Other(cache);
        var zero = await probe.Zero(cache, decode: false);
        var mean = await probe.Mean(cache, decode: false);
        var sim = probe.Similarity();
        return new ConditioningRow(variant.Name, variant.Description,
            probe.Splits.Keys.Select(s => ConditioningLoss.From(s, own[s], other[s], mean[s], zero[s], seed)).ToList(),
            probe.Splits.Keys.Select(s => Comparison.Of("own", "other", s, own[s], other[s], seed)).ToList(),
            Math.Round(sim.MeanRaw, 4), Math.Round(trainSeconds, 1), valLoss);
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

    /// <summary>The study as markdown: per variant and split the NLL gaps, EM own against another's, and the adapters' similarity.</summary>
    public static string Markdown(ConditioningStudyResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Does the static head's adapter depend on the repository? ({r.Preset} preset)");
        sb.AppendLine();
        sb.AppendLine(inv, $"Raw repository vectors: mean pairwise cosine {r.InputCosine:F3}. NLL: target nats/token averaged over tasks; \"other\" = another repository's vector from the same split (seeded derangement); \"mean\" = the average weight change (1/n)·Σ BᵢAᵢ over the training repositories; gaps with 95 % CIs over tasks · over repositories · MDE.");
        sb.AppendLine();
        sb.AppendLine("| variant | split | NLL own | other − own | mean − own | zero − own | EM own − other, exact CI (only own · only other, McNemar p) | adapter cosine |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in r.Rows)
            foreach (var l in row.Loss)
            {
                var em = row.OwnVersusOther.Single(c => c.Split == l.Split).Em;
                sb.AppendLine(inv, $"| {row.Variant} | {l.Split} | {l.Own:F4} | {SummaryTables.Gap(l.OtherMinusOwn)} | {SummaryTables.Gap(l.MeanMinusOwn)} | {SummaryTables.Gap(l.ZeroMinusOwn)} | {em.Difference:+0.0;-0.0;0.0} [{em.Ci[0]:F1}, {em.Ci[1]:F1}] ({em.McNemar!.OnlyA} · {em.McNemar.OnlyB}, p {em.McNemar.P:F3}) | {row.AdapterCosine:F3} |");
            }
        sb.AppendLine();
        foreach (var row in r.Rows) sb.AppendLine(inv, $"- **{row.Variant}**: {row.Description}; trained in {row.TrainSeconds:F0} s, final CR-val loss {row.FinalValLoss:F4}.");
        sb.AppendLine();
        if (r.Controls is not null) sb.AppendLine("The controls of the preset's head, against single LoRA: controls.md.").AppendLine();
        sb.AppendLine(inv, $"Command: `{r.Command}`, git {r.Provenance.GitSha}.");
        return sb.ToString();
    }
}
