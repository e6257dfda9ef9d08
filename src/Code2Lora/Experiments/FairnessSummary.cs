using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>One of docs/forge.md's fairness checks as measured: the criterion in the doc's words, the verdict (<see cref="FairnessVerdict"/>)
/// and a plain sentence saying what the numbers show; the methods' scores on the check's tasks, the paired comparisons the verdict
/// reads, task counts and notes.</summary>
public sealed record FairnessCheck(
    [property: JsonPropertyName("check")] int Number,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("criterion")] string Criterion,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("reading")] string Reading,
    [property: JsonPropertyName("counts")] IReadOnlyDictionary<string, int> Counts,
    [property: JsonPropertyName("methods")] IReadOnlyDictionary<string, MethodSummary> Methods,
    [property: JsonPropertyName("comparisons")] IReadOnlyList<Comparison> Comparisons,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes);

/// <summary>The verdicts a fairness check can reach.</summary>
public static class FairnessVerdict
{
    /// <summary>The criterion holds on the measured tasks.</summary>
    public const string Holds = "holds";

    /// <summary>The criterion does not hold: the forge does not measure what it should there.</summary>
    public const string Fails = "fails";

    /// <summary>The check could not be run or read (no tasks, or the metric cannot tell).</summary>
    public const string NotTestable = "not testable";
}

/// <summary>results/evo/&lt;preset&gt;/fairness.json: the forge's fairness checks (docs/forge.md), with what the track was mined from,
/// the config, the command and provenance.</summary>
public sealed record FairnessSummary(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("checks")] IReadOnlyList<FairnessCheck> Checks,
    [property: JsonPropertyName("config")] EvoExperimentConfig Config,
    [property: JsonPropertyName("per_repo_lora")] PerRepoLoraSettings PerRepoLora,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("git_sha")] string GitSha,
    [property: JsonPropertyName("provenance")] Provenance Provenance)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The markdown of fairness.md: a verdict table first, then each check's criterion, reading, scores and paired differences.</summary>
    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"# Forge fairness checks ({Config.Name} preset)");
        sb.AppendLine();
        sb.AppendLine(Inv, $"Measured on {Source}. The checks are docs/forge.md's; check 5 (generic tasks as a control) is read from the by-task-kind table of summary.md.");
        sb.AppendLine();
        sb.AppendLine("| check | verdict | reading |");
        sb.AppendLine("|---|---|---|");
        foreach (var c in Checks) sb.AppendLine(Inv, $"| {c.Number}. {c.Name} | **{c.Verdict}** | {c.Reading} |");
        sb.AppendLine();
        foreach (var c in Checks)
        {
            sb.AppendLine(Inv, $"## {c.Number}. {c.Name}: {c.Verdict}");
            sb.AppendLine();
            sb.AppendLine(Inv, $"Criterion: {c.Criterion}");
            sb.AppendLine();
            sb.AppendLine(c.Reading);
            sb.AppendLine();
            if (c.Counts.Count > 0) sb.AppendLine("Counts: " + string.Join("; ", c.Counts.Select(kv => string.Create(Inv, $"{kv.Key} {kv.Value}"))) + ".").AppendLine();
            if (c.Methods.Count > 0) SummaryTables.Methods(sb, "method (the check's tasks)", c.Methods, extraTokens: true);
            SummaryTables.Comparisons(sb, c.Comparisons, primary: "");
            foreach (var note in c.Notes) sb.AppendLine("- " + note);
            if (c.Notes.Count > 0) sb.AppendLine();
        }
        sb.AppendLine(SummaryTables.Legend);
        sb.AppendLine();
        sb.AppendLine(Inv, $"Greedy decoding, prompts cut to {Config.MaxTokens} tokens (context methods: {Config.ContextPromptTokens}, the prefix cut as without context). " +
            $"Per-repository LoRAs: at most {(PerRepoLora.MaxExamples > 0 ? PerRepoLora.MaxExamples.ToString(Inv) : "all")} training tasks of the repository, {PerRepoLora.Epochs.ToString("0.###", Inv)} epochs, lr {PerRepoLora.Training.LearningRate.ToString("G3", Inv)}. " +
            $"Command: `{Command}`, git {GitSha}.");
        return sb.ToString();
    }
}
