using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>results/conditioning/&lt;preset&gt;/controls.json: the preset's Static head under every input that carries less than its own
/// repository's vector, beside single LoRA trained on the same tasks for the same steps; NLL, EditSim and EM per split, each control
/// compared with single LoRA (the decisive comparison: does conditioning beat not conditioning?) and with the own vector (does the head
/// use the vector?).</summary>
public sealed record ConditioningControls(
    [property: JsonPropertyName("preset")] string Preset, [property: JsonPropertyName("head")] string Head,
    [property: JsonPropertyName("rows")] IReadOnlyDictionary<string, MethodSummary> Rows,
    [property: JsonPropertyName("descriptions")] IReadOnlyDictionary<string, string> Descriptions,
    [property: JsonPropertyName("versus_single_lora")] IReadOnlyList<Comparison> VersusSingleLora,
    [property: JsonPropertyName("versus_own")] IReadOnlyList<Comparison> VersusOwn,
    [property: JsonPropertyName("command")] string Command, [property: JsonPropertyName("provenance")] Provenance Provenance)
{
    /// <summary>Row names, in table order.</summary>
    public const string SingleLora = "single-lora", Own = "own-vector", Other = "other-repository-same-split", Mean = "mean-weight-change",
        Zero = "zero-vector", RepositoryId = "repository-id-head", Shuffled = "shuffled-vectors-head";

    private static readonly Dictionary<string, string> Described = new()
    {
        [SingleLora] = "one LoRA trained on the same tasks for the same steps (no conditioning)",
        [Own] = "the head with each task's own repository vector (Code2LoRA-Static)",
        [Other] = "the same head with another repository's vector from the same split",
        [Mean] = "the same head's average weight change (1/n)·Σ BᵢAᵢ over the training repositories, for every task",
        [Zero] = "the same head with the zero vector",
        [RepositoryId] = "a head trained and evaluated on a random vector per repository (identity without content)",
        [Shuffled] = "a head trained with a random training repository's vector per example, evaluated on the own vectors (no information)",
    };

    /// <summary>Scores every control: <paramref name="own"/> (study variant <paramref name="ownName"/>), <paramref name="repositoryId"/> and
    /// <paramref name="shuffled"/> are the trained heads (the preset's, and its two input controls), <paramref name="reference"/> holds the single LoRA. Predictions are cached
    /// in <paramref name="cache"/> under the study's names, so the variant rows already decoded are reused.</summary>
    public static async Task<ConditioningControls> MeasureAsync(StaticExperiment reference, string ownName, StaticExperiment own, StaticExperiment repositoryId,
        StaticExperiment shuffled, RepoContexts contexts, PredictionCache cache, string command)
    {
        var rows = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>();
        IReadOnlyDictionary<string, IReadOnlyList<Bench.QnaRow>> splits;
        using (var probe = new HeadProbe(own, contexts, input => $"{ownName}.{input}", onlySwappable: true))
        {
            splits = probe.Splits;
            rows[Own] = await probe.Own(cache);
            rows[Other] = await probe.Other(cache);
            rows[Mean] = await probe.Mean(cache);
            rows[Zero] = await probe.Zero(cache);
        }
        using (var probe = new HeadProbe(repositoryId, contexts, input => $"{ConditioningStudy.RepositoryIdVariant}.{input}", onlySwappable: true)) rows[RepositoryId] = await probe.Own(cache);
        using (var probe = new HeadProbe(shuffled, contexts, input => $"{ConditioningStudy.ShuffledVariant}.{input}", onlySwappable: true)) rows[Shuffled] = await probe.Own(cache);
        var lm = reference.LoadBase();
        var slots = LoraSlots.Install(lm.Model, reference.Config.Lora);
        using (var lora = PeftAdapterFiles.Load(reference.SingleLoraDirectory, lm.Config, lm.Model.Device, reference.Config.Lora))
            rows[SingleLora] = (await cache.RunAsync(new FixedAdapterMethod(SingleLora, slots, lora),
                $"{StaticEvaluation.ModelIdentity("base", lm.Directory)} lora={PredictionCache.HashFiles([Path.Combine(reference.SingleLoraDirectory, PeftAdapterFiles.WeightsFile)])}",
                lm.Model, lm.Tokenizer, splits, reference.Config.Decoding)).Rows;
        slots.Clear();
        lm.Model.Dispose();

        var seed = reference.Config.Seed;
        var order = new[] { SingleLora, Own, Other, Mean, Zero, RepositoryId, Shuffled };
        var splitNames = splits.Keys.ToList();
        var provenance = Provenance.Capture(command);
        return new ConditioningControls(reference.Config.Name, ownName,
            order.ToDictionary(n => n, n => MethodSummary.Of(rows[n], seed)), order.ToDictionary(n => n, n => Described[n]),
            Comparison.All(rows, order.Where(n => n != SingleLora).Select(n => (n, SingleLora)), splitNames, seed),
            Comparison.All(rows, order.Where(n => n is not (SingleLora or Own)).Select(n => (n, Own)), splitNames, seed),
            command, provenance);
    }

    /// <summary>The controls as markdown: the score table, then the paired differences against single LoRA and against the own vector.</summary>
    public static string Markdown(ConditioningControls c)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Conditioning controls of the Static head ({c.Preset} preset, head variant {c.Head})");
        sb.AppendLine();
        SummaryTables.Methods(sb, "input / head", c.Rows, extraTokens: false);
        foreach (var (name, what) in c.Descriptions) sb.AppendLine($"- **{name}**: {what}.");
        sb.AppendLine();
        sb.AppendLine("## Against single LoRA (does conditioning beat not conditioning?)");
        sb.AppendLine();
        SummaryTables.Comparisons(sb, c.VersusSingleLora, SingleLora);
        sb.AppendLine("## Against the own vector (does the head use its input?)");
        sb.AppendLine();
        SummaryTables.Comparisons(sb, c.VersusOwn, Own);
        sb.AppendLine(SummaryTables.Legend);
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{c.Command}`, git {c.Provenance.GitSha}.");
        return sb.ToString();
    }
}
