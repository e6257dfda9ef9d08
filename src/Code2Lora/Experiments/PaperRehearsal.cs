using System.Diagnostics;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Evaluation;
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

/// <summary>One timed rehearsal row: a step of the paper's configuration at full width and sequence length, truncated depth.</summary>
public sealed record RehearsalRow
{
    /// <summary>static-step, evo-step or eval-batch.</summary>
    [JsonPropertyName("stage")] public required string Stage { get; init; }
    /// <summary>What was run.</summary>
    [JsonPropertyName("what")] public required string What { get; init; }
    /// <summary>Decoder blocks kept (of 28).</summary>
    [JsonPropertyName("layers")] public int Layers { get; init; }
    /// <summary>Seconds of the step on this machine.</summary>
    [JsonPropertyName("seconds_per_step")] public double SecondsPerStep { get; init; }
    /// <summary>Peak resident memory during the row (setup and step), MiB.</summary>
    [JsonPropertyName("peak_rss_mib")] public double PeakRssMiB { get; init; }
    /// <summary>The plan's peak for this truncated model, MiB.</summary>
    [JsonPropertyName("planned_peak_mib")] public double PlannedPeakMiB { get; init; }
    /// <summary>The plan's FLOPs of the step at this depth.</summary>
    [JsonPropertyName("flops_per_step")] public double FlopsPerStep { get; init; }
    /// <summary>FLOPs ÷ seconds: the throughput this machine delivered.</summary>
    [JsonPropertyName("achieved_gflops")] public double AchievedGflops => FlopsPerStep / SecondsPerStep / 1e9;
}

/// <summary>One timed matrix product of <see cref="PaperRehearsal.GemmProbe"/>.</summary>
public sealed record GemmProbeRow
{
    /// <summary>fp32 or bf16.</summary>
    [JsonPropertyName("dtype")] public required string Dtype { get; init; }
    /// <summary>Which product of a linear layer's step.</summary>
    [JsonPropertyName("product")] public required string Product { get; init; }
    /// <summary>tokens × hidden × intermediate.</summary>
    [JsonPropertyName("shape")] public required string Shape { get; init; }
    /// <summary>Seconds of one product after a warm-up.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    /// <summary>Throughput this machine delivered.</summary>
    [JsonPropertyName("gflops")] public double Gflops { get; init; }
}

/// <summary>`c2l bench paper-rehearsal`: times one optimizer step of Static and of Evo and one evaluation batch at the paper's width
/// and sequence lengths (the paper's bf16 base or a dtype given, checkpointed blocks, fp32 head and GRU), with random weights and
/// the base cut to a few blocks, so every code path of a paper-scale run executes on a CPU. The step counts and GPU hours come from the plan
/// (<see cref="PaperComputeTable"/>).</summary>
public static class PaperRehearsal
{
    /// <summary>Qwen2.5's FIM and chat specials, banned in the paper's later decoding runs (paper-notes §1.7): &lt;|im_start|&gt;,
    /// &lt;|im_end|&gt;, &lt;|fim_prefix|&gt;, &lt;|fim_middle|&gt;, &lt;|fim_suffix|&gt;, &lt;|fim_pad|&gt;, &lt;|repo_name|&gt;, &lt;|file_sep|&gt;.</summary>
    public static IReadOnlySet<int> QwenBannedIds { get; } = new HashSet<int> { 151644, 151645, 151659, 151660, 151661, 151662, 151663, 151664 };

    /// <summary>Runs the three rows with <paramref name="layers"/> blocks of <paramref name="fullBase"/>, the base in
    /// <paramref name="dtype"/> (null = the paper configs' bf16; everything else is the paper configs' as they stand).</summary>
    public static IReadOnlyList<RehearsalRow> Run(ModelConfig fullBase, ModelConfig encoder, int layers, string? dtype = null, Action<string>? log = null)
    {
        NativeHeap.UseTrimmedHeap();
        var model = fullBase with { NumHiddenLayers = layers };
        var s = StaticExperimentConfig.Paper with { Dtype = dtype ?? StaticExperimentConfig.Paper.Dtype };
        var e = EvoExperimentConfig.Paper with { Dtype = dtype ?? EvoExperimentConfig.Paper.Dtype };
        var rows = new List<RehearsalRow>();
        log?.Invoke($"static: one micro-batch of {s.MaxTokens:N0} tokens (×{s.StaticTraining.GradientAccumulation} per optimizer step) and the AdamW update of the H = {s.HeadHidden} head, base in {s.Dtype}");
        rows.Add(StaticStep(model, encoder, s, e));
        log?.Invoke("evo: one commit's update, GRU advance + head + LoRA loss + backward + AdamW");
        rows.Add(EvoStep(model, encoder, s, e));
        log?.Invoke("evaluation: one greedy decoding batch");
        rows.Add(EvalBatch(model, encoder, s, e));
        return rows;
    }

    private static ExperimentPlan PlanFor(ModelConfig model, ModelConfig encoder, StaticExperimentConfig s, EvoExperimentConfig e) =>
        MemoryPlanner.Plan(s, e, model, encoder, BenchCounts.Paper);

    /// <summary>Times the three matrix products of a linear layer's training step (forward x·Wᵀ, input gradient g·W, weight
    /// gradient gᵀ·x) at the paper's MLP shape in fp32 and bf16 on the CPU: the evidence for which dtype a CPU rehearsal can
    /// afford (LibTorch sends some bf16 layouts to a slow reference kernel).</summary>
    public static IReadOnlyList<GemmProbeRow> GemmProbe(ModelConfig model, int tokens = 512)
    {
        var rows = new List<GemmProbeRow>();
        foreach (var dt in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(1);
            var x = torch.randn(tokens, model.HiddenSize).to(dt);
            var w = torch.randn(model.IntermediateSize, model.HiddenSize).to(dt);
            var g = torch.randn(tokens, model.IntermediateSize).to(dt);
            var products = new (string Name, Func<Tensor> Run)[]
            {
                ("forward x·Wᵀ", () => x.matmul(w.t())), ("input gradient g·W", () => g.matmul(w)), ("weight gradient gᵀ·x", () => g.t().matmul(x)),
            };
            foreach (var (name, run) in products)
            {
                run().Dispose();   // warm-up: the first call picks and primes the kernel
                var clock = Stopwatch.StartNew();
                run().Dispose();
                clock.Stop();
                var flops = 2.0 * tokens * model.HiddenSize * model.IntermediateSize;
                rows.Add(new GemmProbeRow
                {
                    Dtype = ComputeTarget.Name(dt), Product = name, Shape = $"{tokens}×{model.HiddenSize}×{model.IntermediateSize}",
                    Seconds = Math.Round(clock.Elapsed.TotalSeconds, 6), Gflops = Math.Round(flops / clock.Elapsed.TotalSeconds / 1e9, 1),
                });
            }
        }
        return rows;
    }

    /// <summary>A random-weight base of <paramref name="model"/>'s size on the CPU in <paramref name="dtype"/>, LoRA slots installed.</summary>
    private static (DecoderLM Model, LoraSlots Slots, ComputeTarget Target) Base(ModelConfig model, string dtype, bool checkpointing, LoraConfig lora)
    {
        torch.manual_seed(3407);
        var target = ComputeTarget.Resolve("cpu", dtype);
        var lm = new DecoderLM(model, target.Device, target.Dtype) { ActivationCheckpointing = checkpointing };
        lm.eval();
        return (lm, LoraSlots.Install(lm, lora), target);
    }

    private static RehearsalRow StaticStep(ModelConfig model, ModelConfig encoder, StaticExperimentConfig s, EvoExperimentConfig e)
    {
        var plan = PlanFor(model, encoder, s, e)["train-static"];
        PeakRss.Reset();
        using var scope = torch.NewDisposeScope();
        var (lm, slots, target) = Base(model, s.Dtype, s.ActivationCheckpointing, s.Lora);
        var head = new Code2LoraHead(s.Head(2 * encoder.HiddenSize), model, target.Device);
        var contexts = RepoContexts.From(new Dictionary<(string, string), float[]> { [("repo", "s0")] = SyntheticInputs.Vector(2 * encoder.HiddenSize, 1) });
        var batches = new CompletionBatches([SyntheticInputs.Example(0, "repo", "s0", s.MaxTokens, model.VocabSize, 24)], 1, s.StaticTraining.GradientAccumulation, 0, s.Seed);
        var recipe = new StaticRecipe(slots, head, batches, [], contexts);
        using var optimizer = new AdamW(recipe.Trainable);
        var micro = Stopwatch.StartNew();
        var (loss, _) = recipe.Loss(0, 0);
        (loss / s.StaticTraining.GradientAccumulation).backward();
        micro.Stop();
        var update = Stopwatch.StartNew();
        optimizer.Step(s.StaticTraining, s.StaticTraining.LearningRate);
        optimizer.ZeroGrad();
        update.Stop();
        var seconds = s.StaticTraining.GradientAccumulation * micro.Elapsed.TotalSeconds + update.Elapsed.TotalSeconds;
        return new RehearsalRow
        {
            Stage = "static-step", Layers = model.NumHiddenLayers, SecondsPerStep = Math.Round(seconds, 2), PeakRssMiB = Math.Round(PeakRss.MiB()),
            PlannedPeakMiB = Math.Round(plan.PeakBytes / 1048576.0), FlopsPerStep = plan.FlopsPerStep,
            What = $"optimizer step = {s.StaticTraining.GradientAccumulation} × one measured micro-batch ({micro.Elapsed.TotalSeconds:F1} s: 1 × {s.MaxTokens} tokens, {s.Dtype} base, checkpointed) + the measured AdamW update ({update.Elapsed.TotalSeconds:F1} s) of the H = {s.HeadHidden} head",
        };
    }

    private static RehearsalRow EvoStep(ModelConfig model, ModelConfig encoder, StaticExperimentConfig s, EvoExperimentConfig e)
    {
        var planned = PlanFor(model, encoder, s, e)["train-evo"];
        var tasks = (int)Math.Round(BenchCounts.Paper.EvoTasksPerUpdate);
        PeakRss.Reset();
        using var scope = torch.NewDisposeScope();
        var (lm, slots, target) = Base(model, e.Dtype, e.ActivationCheckpointing, e.Lora);
        var width = 2 * encoder.HiddenSize;
        var gru = new CommitGru(e.Gru(width), target.Device);
        var head = new Code2LoraHead(e.Head(), model, target.Device);
        var commits = Enumerable.Range(0, e.Walk.BpttWindow).Select(i => new CommitStep($"c{i}", i, "train", SyntheticInputs.Vector(width, 10 + i), null)).ToList();
        var history = new CommitHistory("repo", "train", SyntheticInputs.Vector(width, 2), commits);
        var examples = new Dictionary<(string, string), IReadOnlyList<CompletionExample>>
        {
            [("repo", commits[^1].Sha)] = Enumerable.Range(0, tasks).Select(i => SyntheticInputs.Example(i, "repo", commits[^1].Sha, e.MaxTokens, model.VocabSize, 24)).ToList(),
        };
        var recipe = new EvoRecipe(slots, gru, head, [history], examples, e.Walk with { PadId = 0 });
        using var optimizer = new AdamW(recipe.Trainable);
        var clock = Stopwatch.StartNew();
        var (loss, _) = recipe.Loss(0, 0);
        loss.backward();
        optimizer.Step(e.Training, e.Training.LearningRate);
        optimizer.ZeroGrad();
        clock.Stop();
        return new RehearsalRow
        {
            Stage = "evo-step", Layers = model.NumHiddenLayers, SecondsPerStep = Math.Round(clock.Elapsed.TotalSeconds, 2), PeakRssMiB = Math.Round(PeakRss.MiB()),
            PlannedPeakMiB = Math.Round(planned.PeakBytes / 1048576.0), FlopsPerStep = planned.FlopsPerStep,
            What = $"one update commit: GRU advance over a {e.Walk.BpttWindow}-commit window, G = {e.GruHidden} / H = {e.HeadHidden} head, {tasks} tasks (the paper's mean, ≤ {e.Walk.MaxTasksPerUpdate}) × {e.MaxTokens} tokens in one micro-batch, {e.Dtype} base, backward, AdamW",
        };
    }

    private static RehearsalRow EvalBatch(ModelConfig model, ModelConfig encoder, StaticExperimentConfig s, EvoExperimentConfig e)
    {
        var plan = PlanFor(model, encoder, s, e)["evaluate"];
        var prompt = s.ContextPromptTokens;
        PeakRss.Reset();
        using var scope = torch.NewDisposeScope();
        var (lm, slots, target) = Base(model, s.Dtype, checkpointing: false, s.Lora);
        var head = new Code2LoraHead(s.Head(2 * encoder.HiddenSize), model, target.Device);
        head.eval();
        var clock = Stopwatch.StartNew();
        using (torch.no_grad())
        {
            using var context = torch.tensor(SyntheticInputs.Vector(2 * encoder.HiddenSize, 3), [1, 2 * encoder.HiddenSize], device: target.Device);
            slots.Use(head.forward(context));
            var prompts = new[] { SyntheticInputs.Example(0, "repo", "s0", prompt, model.VocabSize, 1).Sequence.Ids };
            // A random base never emits EOS, so every batch runs the full 128 new tokens: the worst case, as planned.
            Generation.Greedy(lm, prompts, s.MaxNewTokens, eosTokenId: null, bannedTokenIds: QwenBannedIds);
        }
        clock.Stop();
        return new RehearsalRow
        {
            Stage = "eval-batch", Layers = model.NumHiddenLayers, SecondsPerStep = Math.Round(clock.Elapsed.TotalSeconds, 2), PeakRssMiB = Math.Round(PeakRss.MiB()),
            PlannedPeakMiB = Math.Round(plan.PeakBytes / 1048576.0), FlopsPerStep = plan.FlopsPerStep,
            What = $"generate the adapter, then greedy-decode 1 prompt of {prompt} tokens ({s.Dtype} base) + {s.MaxNewTokens} new tokens (KV cache, FIM ids banned)",
        };
    }
}
