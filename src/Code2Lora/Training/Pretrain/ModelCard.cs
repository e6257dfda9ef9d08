using System.Globalization;
using System.Text;
using Code2Lora.Corpora;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Runtime;

namespace Code2Lora.Training.Pretrain;

/// <summary>Writes MODEL_CARD.md for a pretrained model: data, tokens, losses, exact match, command, wall time, provenance.</summary>
public static class ModelCard
{
    /// <summary>Writes the card for <paramref name="result"/> (every number in it is measured by the run).</summary>
    public static void Write(string path, PretrainConfig config, PretrainResult result, PretrainCorpus corpus, IReadOnlyList<TrainingLogRow> log)
    {
        var inv = CultureInfo.InvariantCulture;
        var provenance = Provenance.Capture(Environment.CommandLine);
        var m = config.Model;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# tiny-python-lm ({config.Name} preset)");
        sb.AppendLine();
        sb.AppendLine("A small Qwen2-architecture Python code LM that Code2Lora.NET pretrains itself, so the whole pipeline runs with no model hub and no GPU. "
                      + "It is the frozen base LM of the embedded default; the paper's base is Qwen2.5-Coder-1.5B (load it with `--model path/to/checkpoint`).");
        sb.AppendLine();
        sb.AppendLine("| | |\n|---|---|");
        sb.AppendLine(inv, $"| architecture | {m.ModelType}, {m.NumHiddenLayers} layers, hidden {m.HiddenSize}, MLP {m.IntermediateSize}, {m.NumAttentionHeads} heads / {m.NumKeyValueHeads} KV, tied embeddings |");
        sb.AppendLine(inv, $"| parameters | {result.Parameters:N0} |");
        sb.AppendLine(inv, $"| tokenizer | byte-level BPE trained here, {config.TokenizerVocab:N0} ids (`<|endoftext|>` = {m.EosTokenId?.ToString(inv) ?? "0"}), Qwen2 pre-tokenizer regex |");
        sb.AppendLine(inv, $"| context | trained on {config.SequenceLength}-token windows |");
        sb.AppendLine(inv, $"| data | {result.Corpus.Files:N0} `.py` files, {result.Corpus.Chars / 1e6:F1} M characters, from {result.Corpus.Packages} Debian `python3-*` packages (data/corpora/pretrain-packages.txt); files also owned by the benchmark's packages removed ({corpus.Skipped.Counts.GetValueOrDefault(Mining.SkipReason.InBenchmark)} files) |");
        sb.AppendLine(inv, $"| token streams | train {result.StreamTokens.Train:N0}, held-out {result.StreamTokens.HeldOut:N0}, benchmark code {result.StreamTokens.Benchmark:N0} tokens |");
        sb.AppendLine(inv, $"| training | {result.Step:N0} steps × {config.BatchSize} × {config.SequenceLength} tokens = {result.TokensSeen:N0} tokens seen ({(double)result.TokensSeen / Math.Max(1, result.StreamTokens.Train):F2} epochs); AdamW lr {config.LearningRate} (warmup {config.WarmupRatio:P0}, cosine), wd {config.WeightDecay}, β2 {config.Beta2}, clip {config.MaxGradNorm}, {config.Precision}, seed {config.Seed} |");
        sb.AppendLine(inv, $"| train time | {result.TrainSeconds / 60:F1} min in the training loop ({result.TokensSeen / Math.Max(1, result.TrainSeconds):F0} tok/s); {TorchRuntime.Describe()} |");
        sb.AppendLine();
        sb.AppendLine("## Measured quality");
        sb.AppendLine();
        sb.AppendLine("| measure | value |\n|---|---|");
        sb.AppendLine(inv, $"| train loss (mean of last 50 steps) | {Fmt(result.FinalTrainLoss)} nats/token |");
        sb.AppendLine(inv, $"| held-out loss, pretraining packages ({config.EvalSequences} windows) | {Fmt(result.HeldOutLoss)} nats/token |");
        sb.AppendLine(inv, $"| held-out loss, benchmark packages' non-test code (never trained on) | {Fmt(result.BenchmarkCodeLoss)} nats/token |");
        if (result.StaticExactMatch is { } em && result.StaticEditSimilarity is { } es)
        {
            sb.AppendLine(inv, $"| static track exact match ({em.N} tasks of the cr_test split, greedy, prefix cut to {config.SequenceLength} tokens) | {em.Mean:F1} % [{em.Low:F1}, {em.High:F1}] |");
            sb.AppendLine(inv, $"| static track edit similarity (same tasks) | {es.Mean:F3} [{es.Low:F3}, {es.High:F3}] |");
            if (result.StaticCodeBleu is { } cb) sb.AppendLine(inv, $"| static track CodeBLEU (same tasks) | {cb.Mean:F3} [{cb.Low:F3}, {cb.High:F3}] |");
        }
        else sb.AppendLine("| static track exact match | not measured (no benchmark tasks given) |");
        sb.AppendLine();
        sb.AppendLine("Brackets are 95 % bootstrap intervals. A model this small completes assertions mostly from local patterns; the point of the "
                      + "benchmark is how much a generated adapter adds on top of this number.");
        sb.AppendLine();
        if (result.CopyCheck is { } copy) sb.AppendLine(copy.CardSection());
        else sb.AppendLine(CopyCheckReport.CardHeading + "\n\nNot measured (no benchmark tasks given); run `c2l model copy-check --card <this file>`.\n");
        if (result.CopyCurve is { } sample) sb.AppendLine(CopyCurveSection(sample, log, config));
        sb.AppendLine("## Reproduce");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine("C2L_PRETRAIN_CORPUS=1 bash scripts/install.sh   # the pretraining packages (~150 MB of apt)");
        sb.AppendLine(inv, $"dotnet run --project src/Code2Lora.Cli -c Release -- pretrain --preset {config.Name}");
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(inv, $"Interrupted runs resume from the last checkpoint (every {config.CheckpointEvery} steps). The loss curve{(result.CopyCurve is null ? "" : ", the copy curve")} and memory trace are in `results/pretrain/{config.Name}/`.");
        sb.AppendLine();
        sb.AppendLine("## Provenance");
        sb.AppendLine();
        sb.AppendLine(inv, $"- code version: {provenance.Version} (git {provenance.GitSha})");
        sb.AppendLine(inv, $"- created: {provenance.CreatedUtc:yyyy-MM-dd HH:mm} UTC on {provenance.Machine}");
        sb.AppendLine(inv, $"- wall time of the final call: {result.WallSeconds / 60:F1} min; log rows: {log.Count}");
        AtomicFile.WriteText(path, sb.ToString());
    }

    /// <summary>The card text with its copy-check section replaced by (or, when it has none, given before "## Reproduce") <paramref name="report"/>'s.</summary>
    public static string WithCopyCheck(string card, CopyCheckReport report)
    {
        var section = report.CardSection() + "\n";
        int at = card.IndexOf(CopyCheckReport.CardHeading, StringComparison.Ordinal);
        if (at >= 0)
        {
            int end = card.IndexOf("\n## ", at + CopyCheckReport.CardHeading.Length, StringComparison.Ordinal);
            return card[..at] + section + (end < 0 ? "" : card[(end + 1)..]);
        }
        int reproduce = card.IndexOf("## Reproduce", StringComparison.Ordinal);
        return reproduce < 0 ? card.TrimEnd('\n') + "\n\n" + section : card[..reproduce] + section + card[reproduce..];
    }

    /// <summary>Heading of the copy curve's section.</summary>
    public const string CopyCurveHeading = "## Copy curve";

    /// <summary>The copy curve as a table: held-out loss and the copy check on the fixed sample at every evaluation step of the log.</summary>
    public static string CopyCurveSection(CopyCurveSample sample, IReadOnlyList<TrainingLogRow> log, PretrainConfig config)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(CopyCurveHeading);
        sb.AppendLine();
        sb.AppendLine(inv, $"The copy check during training, on a fixed seeded sample of {sample.Tasks} of the {sample.Copyable} copyable tasks among {sample.Pool} benchmark tasks "
                           + $"(prompt cut to {config.SequenceLength} tokens, greedy), at every evaluation step: copy EM (% of the sample), copy target NLL and held-out loss "
                           + $"(nats/token). Figures: `results/pretrain/{config.Name}/copy.png` beside `loss.png`.");
        sb.AppendLine();
        sb.AppendLine("| step | tokens seen | held-out loss | copy EM % | copy target NLL | copy EditSim |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in log.Where(r => r.Kind == "eval" && r.Metrics?.ContainsKey(CopyCurve.ExactMatchKey) == true))
        {
            var m = r.Metrics!;
            sb.AppendLine(inv, $"| {r.Step} | {r.TokensSeen:N0} | {Fmt(m.GetValueOrDefault("held_out_loss", double.NaN))} | {m[CopyCurve.ExactMatchKey]:F1} | "
                               + $"{Fmt(m.GetValueOrDefault(CopyCurve.TargetNllKey, double.NaN))} | {Fmt(m.GetValueOrDefault(CopyCurve.EditSimilarityKey, double.NaN))} |");
        }
        return sb.ToString();
    }

    private static string Fmt(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
}
