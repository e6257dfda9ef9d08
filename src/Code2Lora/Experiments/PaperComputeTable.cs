using System.Text.Json.Serialization;
using Code2Lora.Models;

namespace Code2Lora.Experiments;

/// <summary>One row of paper-notes §4.6's compute table: the paper's hours on one H100 and what the plan extrapolates.</summary>
public sealed record ComputeRow
{
    /// <summary>The run (FFT, sLoRA, Static, Static + DRC, pLoRA, Evo, Evaluation).</summary>
    [JsonPropertyName("run")] public required string Run { get; init; }
    /// <summary>The paper's hours on one H100 80 GB.</summary>
    [JsonPropertyName("paper_hours")] public double PaperHours { get; init; }
    /// <summary>Planned FLOPs of the whole run (null for evaluation, whose decoding is bound by memory bandwidth, not FLOPs).</summary>
    [JsonPropertyName("planned_flops")] public double? PlannedFlops { get; init; }
    /// <summary>Hours the plan extrapolates on one H100 (<see cref="PaperComputeTable.Formula"/>).</summary>
    [JsonPropertyName("planned_h100_hours")] public double PlannedH100Hours { get; init; }
    /// <summary>What the FLOPs count (steps, tokens, assumptions).</summary>
    [JsonPropertyName("basis")] public string Basis { get; init; } = "";
}

/// <summary>Extrapolates GPU hours for every row of the paper's compute table (paper-notes §4.6) from the plan's FLOPs.</summary>
public static class PaperComputeTable
{
    /// <summary>H100 SXM dense bf16 peak, FLOP/s.</summary>
    public const double H100PeakFlops = 989.4e12;
    /// <summary>Assumed model FLOP utilisation of a training or prefill step on the H100 (long sequences, batch 1): an assumption, stated.</summary>
    public const double AssumedMfu = 0.40;
    /// <summary>H100 SXM HBM3 bandwidth, bytes/s: a greedy decoding step at batch 1 reads every weight once.</summary>
    public const double H100Bandwidth = 3.35e12;
    /// <summary>Mean prompt tokens of a static-track task (0.9 KB prefixes at ≈ 3 characters per token) and of an evolution-track task
    /// (median 7.9 KB, cut to 4,096); RAG adds ≈ 1,500 and DRC ≈ 1,000 (paper-notes §4.6).</summary>
    public const int StaticPromptTokens = 300, EvoPromptTokens = 2_600, RagTokens = 1_500, DrcTokens = 1_000;

    /// <summary>The documented formula.</summary>
    public const string Formula =
        "training: hours = steps × FLOPs/step ÷ (989.4e12 FLOP/s × MFU 0.40) ÷ 3600, FLOPs from MemoryPlanner/DecoderCost at full depth " +
        "(frozen base: forward + backward to activations (+ one recomputed forward when checkpointed); full fine-tuning adds weight gradients); " +
        "baselines at their configured max length (2,048), an upper bound. evaluation: Σ over decoded methods × tasks of " +
        "prefill FLOPs ÷ (peak × MFU) + new tokens × base weight bytes ÷ 3.35e12 B/s (batch-1 greedy decoding reads every weight per token).";

    /// <summary>The rows, from the plan of the paper configs (<paramref name="plan"/>) and the base model's dimensions.</summary>
    public static IReadOnlyList<ComputeRow> Rows(ExperimentPlan plan, StaticExperimentConfig s, EvoExperimentConfig e, ModelConfig model, int dtypeBytes)
    {
        double Hours(double flops) => flops / (H100PeakFlops * AssumedMfu) / 3600;
        var counts = plan.Counts;
        const int seq = 2048;
        double Baseline(double epochs, long tasks, bool trainBase) => tasks * epochs * DecoderCost.TrainingFlops(model, seq, seq, 0, checkpointed: false, trainBase: trainBase);
        var fft = Baseline(s.FftEpochs, counts.StaticTrainTasks, true);
        var slora = Baseline(s.SingleLoraEpochs, counts.StaticTrainTasks, false);
        var plora = Baseline(s.PerRepoLoraEpochs, counts.StaticTrainTasks, false);   // every IR repository's train tasks, once each
        var stat = plan["train-static"].TotalFlops;
        var evo = plan["train-evo"].TotalFlops;

        // Decoding: static Table 2 decodes 10 methods (3 with ~1,500 RAG / ~1,000 DRC context tokens), Table 3 six.
        var weightBytes = DecoderLM.CountParameters(model) * (double)dtypeBytes;
        double Decode(long tasks, int prompt, int fresh) =>
            tasks * (DecoderCost.ForwardFlops(model, prompt, prompt, 1) / (H100PeakFlops * AssumedMfu) + fresh * weightBytes / H100Bandwidth);
        var staticTasks = counts.StaticTestTasks;
        var evoTasks = counts.EvoTestTasks;
        var evalSeconds = 7 * Decode(staticTasks, StaticPromptTokens, s.MaxNewTokens)
                          + 2 * Decode(staticTasks, StaticPromptTokens + RagTokens, s.MaxNewTokens)
                          + Decode(staticTasks, StaticPromptTokens + DrcTokens, s.MaxNewTokens)
                          + 6 * Decode(evoTasks, EvoPromptTokens, e.MaxNewTokens);
        return
        [
            new ComputeRow { Run = "FFT", PaperHours = 6, PlannedFlops = fft, PlannedH100Hours = Hours(fft), Basis = $"{counts.StaticTrainTasks:N0} tasks × {s.FftEpochs} epochs × 2,048 tokens, weight gradients" },
            new ComputeRow { Run = "sLoRA", PaperHours = 10, PlannedFlops = slora, PlannedH100Hours = Hours(slora), Basis = $"{counts.StaticTrainTasks:N0} tasks × {s.SingleLoraEpochs} epochs × 2,048 tokens" },
            new ComputeRow { Run = "Static", PaperHours = 17, PlannedFlops = stat, PlannedH100Hours = Hours(stat), Basis = $"{plan["train-static"].Steps:N0} steps × {plan["train-static"].TokensPerStep:N0} tokens (8 × 8,192, padded), checkpointed" },
            new ComputeRow { Run = "Static + DRC", PaperHours = 18, PlannedFlops = stat, PlannedH100Hours = Hours(stat), Basis = "as Static: DRC context fills the same 8,192 tokens" },
            new ComputeRow { Run = "pLoRA", PaperHours = 41, PlannedFlops = plora, PlannedH100Hours = Hours(plora), Basis = $"each IR repository's train tasks (≈ {counts.StaticTrainTasks:N0} in all) × {s.PerRepoLoraEpochs} epochs × 2,048 tokens; excludes 409 model loads" },
            new ComputeRow { Run = "Evo", PaperHours = 24, PlannedFlops = evo, PlannedH100Hours = Hours(evo), Basis = $"{plan["train-evo"].Steps:N0} steps × {plan["train-evo"].TokensPerStep:N0} tokens ({counts.EvoTasksPerUpdate:F2} tasks × 4,096), checkpointed" },
            new ComputeRow { Run = "Evaluation", PaperHours = 30, PlannedFlops = null, PlannedH100Hours = evalSeconds / 3600, Basis = $"10 static methods × {staticTasks:N0} tasks, 6 evolution methods × {evoTasks:N0} tasks; mean prompts {StaticPromptTokens} / {EvoPromptTokens} tokens" },
        ];
    }
}
