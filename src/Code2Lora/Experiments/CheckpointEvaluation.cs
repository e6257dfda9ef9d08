using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Hyper.Released;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>results/…/checkpoint-&lt;name&gt;/summary.json: a loaded checkpoint's head against the pretrained base on the same tasks.</summary>
public sealed record CheckpointSummary(
    [property: JsonPropertyName("checkpoint")] string Checkpoint, [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("head")] Code2LoraHeadConfig Head, [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("vectors")] string EncoderId,
    [property: JsonPropertyName("methods")] IReadOnlyDictionary<string, MethodSummary> Methods,
    [property: JsonPropertyName("comparisons")] IReadOnlyList<Comparison> Comparisons,
    [property: JsonPropertyName("config")] StaticExperimentConfig Config, [property: JsonPropertyName("provenance")] Provenance Provenance);

/// <summary>
/// Scores a static head read from one of the authors' checkpoints (<see cref="ReleasedCheckpoint"/>, V1 or V2-static) on the static
/// track's CR-test and IR-test tasks, beside the pretrained base, with the experiment's decoding settings and task samples; the
/// LoRA rank and α are the checkpoint's. Predictions are cached like every other method's.
/// </summary>
public static class CheckpointEvaluation
{
    /// <summary>The method name of the checkpoint's rows.</summary>
    public const string MethodName = "checkpoint";

    private static readonly string[] Splits = [SplitNames.CrTest, SplitNames.IrTest];

    /// <summary>Evaluates <paramref name="checkpoint"/> with the vectors of <paramref name="contexts"/> and writes summary.json / summary.md
    /// into <paramref name="resultsDir"/>.</summary>
    public static async Task<CheckpointSummary> RunAsync(StaticExperiment experiment, ReleasedCheckpoint checkpoint, RepoContexts contexts, string resultsDir,
        string command, IProgress<(string Method, string Split, int Done, int Total)>? progress = null)
    {
        if (checkpoint.Format == ReleasedCheckpointFormat.Gru)
            throw new InvalidOperationException($"{checkpoint.Path} is a GRU checkpoint (code2lora-gru): its head reads GRU states, not repository vectors; " +
                                                "`c2l eval --checkpoint` scores static heads (V1, V2-static).");
        if (checkpoint.HeadConfig.InputDim != contexts.Dimension)
            throw new InvalidOperationException($"{checkpoint.Path}: the head reads {checkpoint.HeadConfig.InputDim}-d vectors, but the benchmark's vectors " +
                                                $"({contexts.EncoderId}) are {contexts.Dimension}-d; import the released dataset it was trained on (c2l bench import).");
        var c = experiment.Config;
        var splits = Splits.ToDictionary(s => s, s => experiment.Sample(experiment.Bench.StaticTasks.Where(t => t.Split == s).ToList(), c.EvalTasksPerSplit, "eval/" + s));
        var lm = experiment.LoadBase();
        using var head = checkpoint.CreateHead(lm.Config, lm.Model.Device);
        var slots = LoraSlots.Install(lm.Model, checkpoint.HeadConfig.Lora);
        var cache = new PredictionCache(Path.Combine(resultsDir, "predictions"));
        var baseId = StaticEvaluation.ModelIdentity("base", lm.Directory);
        var scored = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>();
        async Task Evaluate(ICompletionMethod method, string identity) =>
            scored[method.Name] = (await cache.RunAsync(method, identity, lm.Model, lm.Tokenizer, splits, c.Decoding,
                progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((method.Name, p.Split, p.Done, p.Total))))).Rows;

        await Evaluate(new BaseModelMethod("pretrained", slots), baseId);
        using (var method = new GeneratedAdapterMethod(MethodName, slots, head, GeneratedAdapterMethod.Own(contexts)))
            await Evaluate(method, $"{baseId} checkpoint={PredictionCache.HashFiles([checkpoint.Path])} vectors={contexts.EncoderId}");
        slots.Clear();

        var methods = scored.ToDictionary(kv => kv.Key, kv => MethodSummary.Of(SplitScore.Of(Splits[0], kv.Value[Splits[0]], c.Seed), SplitScore.Of(Splits[1], kv.Value[Splits[1]], c.Seed)));
        var comparisons = Splits.Select(split => Comparison.Of(MethodName, "pretrained", split, scored[MethodName][split], scored["pretrained"][split], c.Seed)).ToList();
        var summary = new CheckpointSummary(Code2Lora.Config.RepoPaths.Relative(checkpoint.Path), checkpoint.Format.ToString(), checkpoint.HeadConfig, checkpoint.Notes,
            contexts.EncoderId, methods, comparisons, c, Provenance.Capture(command));
        ResultFile.WriteJson(Path.Combine(resultsDir, "summary.json"), JsonSerializer.Serialize(summary, Provenance.Json), summary.Provenance);
        ResultFile.WriteMarkdown(Path.Combine(resultsDir, "summary.md"), Markdown(summary), summary.Provenance);
        return summary;
    }

    /// <summary>The table of a summary, with what the checkpoint left unsaid.</summary>
    public static string Markdown(CheckpointSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Checkpoint `{s.Checkpoint}` ({s.Format} head, H = {s.Head.HiddenDim}, r = {s.Head.Lora.Rank}, α = {s.Head.Lora.Alpha}) on vectors {s.EncoderId}");
        sb.AppendLine();
        SummaryTables.Methods(sb, "method", s.Methods, extraTokens: false);
        SummaryTables.Comparisons(sb, s.Comparisons);
        foreach (var note in s.Notes) sb.AppendLine(inv, $"- {note}");
        if (s.Notes.Count > 0) sb.AppendLine();
        var n = s.Methods.Values.First();
        sb.AppendLine(inv, $"{n.NCr} CR-test and {n.NIr} IR-test tasks; greedy decoding, prompts cut to {s.Config.MaxTokens} tokens. Command: `{s.Provenance.Command}`, git {s.Provenance.GitSha}.");
        return sb.ToString();
    }
}
