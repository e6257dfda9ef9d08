using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Data;
using Code2Lora.Training.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Experiments;

/// <summary>One configuration of the plan-versus-measurement check: a Code2LoRA-Static training step (forward, backward, AdamW)
/// of a decoder of the paper's width truncated to <see cref="Layers"/> blocks, at <see cref="Tokens"/> tokens.</summary>
public sealed record MemoryPlanCase
{
    /// <summary>Decoder blocks kept of the full model.</summary>
    [JsonPropertyName("layers")] public int Layers { get; init; }
    /// <summary>Sequence length of the one training example.</summary>
    [JsonPropertyName("tokens")] public int Tokens { get; init; }
    /// <summary>Base dtype: fp32 or bf16.</summary>
    [JsonPropertyName("dtype")] public string Dtype { get; init; } = "bf16";
    /// <summary>Checkpointed decoder blocks.</summary>
    [JsonPropertyName("checkpointing")] public bool Checkpointing { get; init; }

    /// <summary>"L2-T2048-bf16-ckpt": a name for logs and child-process arguments.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"L{Layers}-T{Tokens}-{Dtype}-{(Checkpointing ? "ckpt" : "full")}");

    /// <summary>Parses <see cref="ToString"/>'s form.</summary>
    public static MemoryPlanCase Parse(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 4 || parts[0][0] != 'L' || parts[1][0] != 'T' || parts[3] is not ("ckpt" or "full"))
            throw new ArgumentException($"'{text}' is not a case like L2-T2048-bf16-ckpt.");
        return new MemoryPlanCase
        {
            Layers = int.Parse(parts[0][1..], CultureInfo.InvariantCulture), Tokens = int.Parse(parts[1][1..], CultureInfo.InvariantCulture),
            Dtype = parts[2], Checkpointing = parts[3] == "ckpt",
        };
    }
}

/// <summary>The planned and measured memory of one <see cref="MemoryPlanCase"/>.</summary>
public sealed record MemoryPlanMeasurement
{
    /// <summary>The configuration.</summary>
    [JsonPropertyName("case")] public required MemoryPlanCase Case { get; init; }
    /// <summary>The planner's peak for the stage (weights, gradients, AdamW, activations, logits), fused attention.</summary>
    [JsonPropertyName("planned_bytes")] public long PlannedBytes { get; init; }
    /// <summary>The same, planning the math attention kernel's [heads,T,T] probabilities.</summary>
    [JsonPropertyName("planned_bytes_math_attention")] public long PlannedBytesMathAttention { get; init; }
    /// <summary>Peak resident memory of the process during the step (weights, head and optimizer already built), minus the resident
    /// memory before anything was built.</summary>
    [JsonPropertyName("measured_bytes")] public long MeasuredBytes { get; init; }
    /// <summary>measured / planned − 1.</summary>
    [JsonPropertyName("relative_error")] public double RelativeError => PlannedBytes == 0 ? double.NaN : (double)MeasuredBytes / PlannedBytes - 1;
    /// <summary>Seconds of the training step.</summary>
    [JsonPropertyName("step_seconds")] public double StepSeconds { get; init; }
    /// <summary>The measured peak of each phase of the step above the same baseline: forward (the loss), backward, optimizer
    /// (AdamW and zeroing); the largest is <see cref="MeasuredBytes"/>. Null for skipped cases.</summary>
    [JsonPropertyName("phase_peak_bytes")] public IReadOnlyDictionary<string, long>? PhasePeakBytes { get; init; }
    /// <summary>The plan's parts (weights, gradients, optimizer, activations of the configured kind, logits), fused attention.</summary>
    [JsonPropertyName("planned_parts_bytes")] public IReadOnlyDictionary<string, long>? PlannedPartsBytes { get; init; }
    /// <summary>Why the case was not run (its plan would not fit the free memory), else null.</summary>
    [JsonPropertyName("skipped")] public string? Skipped { get; init; }
}

/// <summary>Measures what <see cref="MemoryPlanner"/> plans: builds a truncated paper-width base with random weights, LoRA slots and a
/// Code2LoRA head, and runs one Static training step on one example, reading the peak resident memory (VmHWM) around it. Run one
/// case per process (<c>c2l bench memory-plan</c> does), so memory freed by an earlier case cannot hide a later case's peak.</summary>
public static class MemoryPlanCheck
{
    /// <summary>glibc's mmap threshold while measuring, bytes.</summary>
    public const int MeasurementMmapThreshold = 128 * 1024;

    /// <summary>Target tokens of the example (the loss is taken there).</summary>
    public const int TargetTokens = 24;

    /// <summary>The static config the check plans and runs: the paper's with batch 1, no accumulation, a head of width
    /// <paramref name="headHidden"/> (the H = 512 head's 5.4 GB of fp32 state is exact arithmetic, not what is being checked).</summary>
    public static StaticExperimentConfig Config(MemoryPlanCase c, int headHidden) => StaticExperimentConfig.Paper with
    {
        Name = "memory-plan", MaxTokens = c.Tokens, MaxNewTokens = TargetTokens, BatchSize = 1, HeadHidden = headHidden,
        Dtype = c.Dtype, ActivationCheckpointing = c.Checkpointing,
        StaticTraining = StaticExperimentConfig.Paper.StaticTraining with { GradientAccumulation = 1 },
    };

    /// <summary>The plan of the case's training step.</summary>
    public static (long Fused, long Math) Planned(MemoryPlanCase c, ModelConfig fullBase, ModelConfig encoder, int headHidden) =>
        (Stage(c, fullBase, encoder, headHidden, math: false).PeakBytes, Stage(c, fullBase, encoder, headHidden, math: true).PeakBytes);

    /// <summary>The planned train-static stage of the case (fused or math attention).</summary>
    public static StagePlan Stage(MemoryPlanCase c, ModelConfig fullBase, ModelConfig encoder, int headHidden, bool math) =>
        MemoryPlanner.Plan(Config(c, headHidden), EvoExperimentConfig.Paper, fullBase with { NumHiddenLayers = c.Layers }, encoder,
            BenchCounts.Paper, mathAttention: math)["train-static"];

    /// <summary>The plan's parts of a stage, by name.</summary>
    public static IReadOnlyDictionary<string, long> Parts(StagePlan p) => new SortedDictionary<string, long>(StringComparer.Ordinal)
    {
        ["weights"] = p.WeightBytes, ["gradients"] = p.GradientBytes, ["optimizer"] = p.OptimizerBytes,
        ["activations"] = p.Checkpointing ? p.ActivationBytesCheckpointed : p.ActivationBytes, ["logits"] = p.LogitBytes,
    };

    /// <summary>Runs the case in this process and reports plan and measurement; call in a fresh process for a clean peak.</summary>
    public static MemoryPlanMeasurement Measure(MemoryPlanCase c, ModelConfig fullBase, ModelConfig encoder, int headHidden)
    {
        // The plan counts live tensors (what a GPU allocator reports as allocated). Under the 16 MiB threshold that training pins,
        // glibc keeps freed mid-sized blocks resident, so a small case's peak measured its heap's leftovers (+33 % at 1,024
        // tokens, 512 wide); at 128 KiB every tensor of these cases is mapped on its own and returned when freed.
        NativeHeap.SetMmapThreshold(MeasurementMmapThreshold);
        var (fused, math) = Planned(c, fullBase, encoder, headHidden);
        using (torch.ones(1)) { }                                   // LibTorch loaded before the baseline
        GC.Collect();
        GC.WaitForPendingFinalizers();
        NativeHeap.Trim();                                          // memory freed earlier in this process must not hide the step's
        var baseline = CurrentRssBytes();
        var clock = Stopwatch.StartNew();
        var phases = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using (var scope = torch.NewDisposeScope())
        {
            torch.manual_seed(3407);
            var s = Config(c, headHidden);
            var model = new DecoderLM(fullBase with { NumHiddenLayers = c.Layers }, torch.CPU, ComputeTarget.ParseDtype(c.Dtype)) { ActivationCheckpointing = c.Checkpointing };
            model.eval();
            var slots = LoraSlots.Install(model, s.Lora);
            var head = new Code2LoraHead(s.Head(2 * encoder.HiddenSize), model.Config, torch.CPU);
            var contexts = RepoContexts.From(new Dictionary<(string, string), float[]> { [("repo", "s0")] = SyntheticInputs.Vector(2 * encoder.HiddenSize, 1) });
            var example = SyntheticInputs.Example(0, "repo", "s0", c.Tokens, fullBase.VocabSize, TargetTokens);
            var recipe = new StaticRecipe(slots, head, new CompletionBatches([example], 1, 1, 0, 3407), [], contexts);
            using var optimizer = new AdamW(recipe.Trainable);
            // Setup transients (random init, the fp32 draws of a bf16 model) are not what the plan describes; loading a checkpoint has
            // its own. The peak is taken from here: everything built, the step to come. Each phase's peak is read and reset on its
            // own, so a gap between plan and measurement can be traced to the part of the plan that phase holds.
            GC.Collect();
            PeakRss.Reset();
            clock.Restart();
            var (loss, _) = recipe.Loss(0, 0);
            phases["forward"] = PhasePeak(baseline);
            loss.backward();
            phases["backward"] = PhasePeak(baseline);
            optimizer.Step(s.StaticTraining, 1e-4);
            optimizer.ZeroGrad();
            phases["optimizer"] = PhasePeak(baseline);
            clock.Stop();
        }
        return new MemoryPlanMeasurement
        {
            Case = c, PlannedBytes = fused, PlannedBytesMathAttention = math, MeasuredBytes = phases.Values.Max(), PhasePeakBytes = phases,
            PlannedPartsBytes = Parts(Stage(c, fullBase, encoder, headHidden, math: false)), StepSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
        };
    }

    /// <summary>The peak since the last reset above <paramref name="baseline"/>; resets the peak to the current RSS for the next phase.</summary>
    private static long PhasePeak(long baseline)
    {
        var peak = (long)(PeakRss.MiB() * 1024 * 1024) - baseline;
        PeakRss.Reset();
        return peak;
    }

    /// <summary>Resident memory now (VmRSS).</summary>
    public static long CurrentRssBytes()
    {
        return PeakRss.KibField("/proc/self/status", "VmRSS") is { } kib ? kib * 1024 : Environment.WorkingSet;
    }

    /// <summary>Memory the kernel says is available (MemAvailable), for skipping cases that would not fit.</summary>
    public static long AvailableBytes()
    {
        return PeakRss.KibField("/proc/meminfo", "MemAvailable") is { } kib ? kib * 1024 : long.MaxValue;
    }
}
