using System.Globalization;
using System.Text.Json.Serialization;
using Code2Lora.Adapters;
using Code2Lora.Config;
using Code2Lora.Models;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>A plan of every stage of the static and evolution experiments: what `c2l plan` prints and the benchmarks check.</summary>
/// <param name="Stages">encode, train-static, train-evo, evaluate.</param>
/// <param name="BaseModel">The frozen base's dimensions.</param>
/// <param name="EncoderModel">The repository encoder's dimensions.</param>
/// <param name="Dtype">The base and encoder dtype planned for.</param>
/// <param name="Counts">The benchmark sizes the step counts use.</param>
public sealed record ExperimentPlan(
    [property: JsonPropertyName("stages")] IReadOnlyList<StagePlan> Stages,
    [property: JsonPropertyName("base_model")] string BaseModel,
    [property: JsonPropertyName("encoder_model")] string EncoderModel,
    [property: JsonPropertyName("dtype")] string Dtype,
    [property: JsonPropertyName("counts")] BenchCounts Counts)
{
    /// <summary>The stage called <paramref name="name"/>.</summary>
    public StagePlan this[string name] => Stages.FirstOrDefault(s => s.Stage == name)
        ?? throw new KeyNotFoundException($"no stage '{name}' in the plan ({string.Join(", ", Stages.Select(s => s.Stage))}).");
}

/// <summary>Plans memory and compute from the typed experiment configs and the models' dimensions alone (nothing is loaded):
/// weights in their dtype; fp32 gradients and AdamW's two fp32 moments for the trainable head (and GRU); the activations a step
/// keeps for its backward pass with and without checkpointed blocks (<see cref="DecoderCost"/>); the logits where a loss is
/// taken; FLOPs per step and the number of steps. Sequences are planned at their configured maximum length, so memory is an
/// upper bound (the paper's Static pads every example to 8,192 tokens, so there it is exact).</summary>
public static class MemoryPlanner
{
    private const int Fp32 = 4;

    /// <summary>Plans both experiments. <paramref name="mathAttention"/> adds the [heads,T,T] probabilities of the math attention
    /// kernel (LibTorch on the CPU may fall back to it; fused GPU kernels keep none).</summary>
    public static ExperimentPlan Plan(StaticExperimentConfig s, EvoExperimentConfig e, ModelConfig baseModel, ModelConfig encoder,
        BenchCounts counts, bool mathAttention = false)
    {
        var (dtype, dtypeNote) = PlannedDtype(s.Dtype);
        var b = (int)MemoryPlan.ElementSize(dtype);
        var stages = new List<StagePlan>
        {
            Encode(s, encoder, b, mathAttention),
            TrainStatic(s, baseModel, encoder, b, counts, mathAttention),
            TrainEvo(e, baseModel, encoder, b, counts, mathAttention),
            Evaluate(s, baseModel, encoder, b, counts, mathAttention),
        };
        return new ExperimentPlan(stages.Select(p => p with { Notes = (p.Notes + " " + dtypeNote).Trim() }).ToList(),
            baseModel.Describe(), encoder.Describe(), ComputeTarget.Name(dtype), counts);
    }

    /// <summary>The dtype a config's Dtype field plans for: "auto" is planned as bf16 (what it resolves to on a GPU).</summary>
    public static (TorchSharp.torch.ScalarType Dtype, string Note) PlannedDtype(string dtype) =>
        dtype.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? (TorchSharp.torch.ScalarType.BFloat16, "dtype auto planned as bf16 (its GPU resolution).")
            : (ComputeTarget.ParseDtype(dtype, "plan"), "");

    /// <summary>The dimensions of a model directory (relative to data/) from its config.json, else from the registry by the
    /// directory's name; a clear error names the file to download when neither exists.</summary>
    public static ModelConfig ResolveModel(string directory)
    {
        var path = Path.Combine(RepoPaths.Data, directory, ModelDirectory.ConfigFileName);
        if (File.Exists(path)) return ModelConfig.FromJson(path);
        var name = Path.GetFileName(directory.TrimEnd('/', '\\'));
        if (ModelConfigs.Names.Contains(name, StringComparer.OrdinalIgnoreCase)) return ModelConfigs.Get(name);
        throw new FileNotFoundException(
            $"{path} does not exist and '{name}' is not a registered model ({string.Join(", ", ModelConfigs.Names)}); download the model " +
            $"directory (config.json, model.safetensors, tokenizer.json) to {Path.GetDirectoryName(path)}.", path);
    }

    /// <summary>Numbers of one generated adapter: r·(in + out) per target type (shared by all layers; ×L per layer).</summary>
    public static long AdapterNumbers(ModelConfig model, LoraConfig lora, bool perLayer) =>
        lora.TargetModules.Sum(t => { var (i, o) = LoraTargets.Dims(model, t); return (long)lora.Rank * (i + o); }) * (perLayer ? model.NumHiddenLayers : 1);

    private static StagePlan Encode(StaticExperimentConfig s, ModelConfig encoder, int b, bool math)
    {
        long batch = s.EvalBatchSize, window = s.Encoder.State.Chunking.WindowTokens;
        var working = batch * window * (DecoderCost.WorkingBytesPerToken(encoder, b, math ? window : 0) + encoder.HiddenSize * (long)Fp32);
        return new StagePlan
        {
            Stage = "encode", Step = $"{batch} windows of {window} tokens, no gradients",
            WeightBytes = DecoderLM.CountParameters(encoder) * b, ActivationBytes = working, ActivationBytesCheckpointed = working,
            FlopsPerStep = DecoderCost.ForwardFlops(encoder, batch * window, window, 0), TokensPerStep = batch * window,
            Notes = "steps: one per batch of windows (depends on the repositories' sizes; not counted).",
        };
    }

    private static StagePlan TrainStatic(StaticExperimentConfig s, ModelConfig model, ModelConfig encoder, int b, BenchCounts counts, bool math)
    {
        long batch = s.BatchSize, tokens = s.MaxTokens, accumulation = s.StaticTraining.GradientAccumulation;
        var head = s.Head(2 * encoder.HiddenSize).CountParameters(model);
        var targets = batch * Math.Min(s.MaxNewTokens, tokens);
        var adapter = batch * AdapterNumbers(model, s.Lora, s.PerLayerHead) * Fp32 * 3;   // head outputs, tanh outputs, scaled A/B
        var (plain, checkpointed) = Activations(model, b, s.Lora.Rank, batch, tokens, math);
        var steps = (long)Math.Ceiling(counts.StaticTrainTasks * s.StaticEpochs / (batch * accumulation));
        return new StagePlan
        {
            Stage = "train-static", Step = $"optimizer step: {accumulation} micro-batch(es) of {batch} × {tokens} tokens",
            WeightBytes = DecoderLM.CountParameters(model) * b + head * Fp32, GradientBytes = head * Fp32, OptimizerBytes = 2 * head * Fp32,
            ActivationBytes = plain + adapter, ActivationBytesCheckpointed = checkpointed + adapter,
            LogitBytes = Logits(model, b, targets), Checkpointing = s.ActivationCheckpointing,
            FlopsPerStep = accumulation * (DecoderCost.TrainingFlops(model, batch * tokens, tokens, targets, s.ActivationCheckpointing) + 6.0 * head * batch),
            Steps = steps, TokensPerStep = accumulation * batch * tokens,
            Notes = Invariant($"head {head:N0} parameters (H = {s.HeadHidden}); {counts.StaticTrainTasks:N0} tasks × {s.StaticEpochs} epochs; every sequence at {tokens} tokens, targets ≤ {s.MaxNewTokens} tokens."),
        };
    }

    private static StagePlan TrainEvo(EvoExperimentConfig e, ModelConfig model, ModelConfig encoder, int b, BenchCounts counts, bool math)
    {
        long tasks = e.Walk.MaxTasksPerUpdate, tokens = e.MaxTokens;
        var meanTasks = counts.EvoTasksPerUpdate > 0 ? Math.Min(counts.EvoTasksPerUpdate, tasks) : tasks;
        var trainable = e.Head().CountParameters(model) + e.Gru(2 * encoder.HiddenSize).CountParameters();
        var (plain, checkpointed) = Activations(model, b, e.Lora.Rank, tasks, tokens, math);
        var adapter = AdapterNumbers(model, e.Lora, perLayer: false) * Fp32 * 3;
        var meanTokens = (long)Math.Round(meanTasks * tokens);
        var meanTargets = (long)Math.Round(meanTasks * Math.Min(e.MaxNewTokens, tokens));
        return new StagePlan
        {
            Stage = "train-evo", Step = $"optimizer step: one commit's ≤ {tasks} tasks × {tokens} tokens in one micro-batch (memory), {meanTasks:F2} on average (FLOPs)",
            WeightBytes = DecoderLM.CountParameters(model) * b + trainable * Fp32, GradientBytes = trainable * Fp32, OptimizerBytes = 2 * trainable * Fp32,
            ActivationBytes = plain + adapter, ActivationBytesCheckpointed = checkpointed + adapter,
            LogitBytes = Logits(model, b, tasks * Math.Min(e.MaxNewTokens, tokens)), Checkpointing = e.ActivationCheckpointing,
            FlopsPerStep = DecoderCost.TrainingFlops(model, meanTokens, tokens, meanTargets, e.ActivationCheckpointing) + 6.0 * trainable,
            Steps = (long)Math.Ceiling(counts.EvoUpdateCommits * e.Epochs), TokensPerStep = meanTokens,
            Notes = Invariant($"head + GRU {trainable:N0} parameters (H = {e.HeadHidden}, G = {e.GruHidden}); {counts.EvoUpdateCommits:N0} update commits × {e.Epochs} epochs; the authors run micro-batches of 1, this recipe one micro-batch per commit."),
        };
    }

    private static StagePlan Evaluate(StaticExperimentConfig s, ModelConfig model, ModelConfig encoder, int b, BenchCounts counts, bool math)
    {
        long batch = s.EvalBatchSize, prompt = Math.Max(s.Decoding.MaxInputTokens, s.ContextDecoding.MaxInputTokens), fresh = s.MaxNewTokens;
        var head = s.Head(2 * encoder.HiddenSize).CountParameters(model);
        var kv = 2L * model.NumHiddenLayers * model.NumKeyValueHeads * model.HeadDim * batch * (prompt + fresh) * b;
        var prefill = batch * prompt * DecoderCost.WorkingBytesPerToken(model, b, math ? prompt : 0);
        var adapters = batch * AdapterNumbers(model, s.Lora, s.PerLayerHead) * Fp32;
        return new StagePlan
        {
            Stage = "evaluate", Step = $"decoding batch: {batch} prompt(s) of ≤ {prompt} tokens + {fresh} new tokens, greedy, KV cache",
            WeightBytes = DecoderLM.CountParameters(model) * b + head * Fp32, ActivationBytes = kv + prefill + adapters, ActivationBytesCheckpointed = kv + prefill + adapters,
            LogitBytes = 2L * batch * model.VocabSize * Fp32,
            FlopsPerStep = DecoderCost.ForwardFlops(model, batch * (prompt + fresh), prompt + fresh, batch * fresh),
            Steps = (long)Math.Ceiling((double)counts.StaticTestTasks / batch), TokensPerStep = batch * (prompt + fresh),
            Notes = Invariant($"one method over {counts.StaticTestTasks:N0} static test tasks; prompts at the cap (an upper bound)."),
        };
    }

    /// <summary>Activations of a training micro-batch of <paramref name="batch"/> × <paramref name="tokens"/>: every block's saved tensors,
    /// or, checkpointed, each block's [T,H] input plus one block's saved tensors (recomputed in the backward pass); both plus the
    /// gradients a block's backward holds at once (as large as its forward working set). Once, not twice, when checkpointed: the
    /// per-phase peaks of <c>c2l bench memory-plan</c> at 4,096 and 8,192 tokens (paper width, 2 blocks) grow by about one working
    /// set per token beyond the recomputed block's saved tensors, and a second one overplanned those peaks by 29 % and 33 %.</summary>
    private static (long Plain, long Checkpointed) Activations(ModelConfig model, int b, int rank, long batch, long tokens, bool math)
    {
        var perBlock = batch * tokens * DecoderCost.SavedBytesPerTokenPerBlock(model, b, rank, math ? tokens : 0);
        var gradients = batch * tokens * DecoderCost.WorkingBytesPerToken(model, b, math ? tokens : 0);
        var inputs = batch * tokens * model.HiddenSize * (long)b;
        return (model.NumHiddenLayers * perBlock + gradients, model.NumHiddenLayers * inputs + perBlock + gradients);
    }

    /// <summary>The LM head at <paramref name="positions"/> labelled positions: logits in the base dtype, their fp32 copy, the saved
    /// log-softmax and its gradient.</summary>
    private static long Logits(ModelConfig model, int b, long positions) => positions * model.VocabSize * (b + 3L * Fp32);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
