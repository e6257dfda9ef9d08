using System.Diagnostics;
using Code2Lora.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training;

/// <summary>Where a run is, for progress bars.</summary>
public sealed record TrainingProgress(int Step, int Steps, double Loss, double LearningRate, double TokensPerSecond);

/// <summary>How a call to <see cref="Trainer.Run"/> ended.</summary>
public sealed record TrainingResult(int Step, bool Completed, int ResumedFrom, double? LastLoss, IReadOnlyDictionary<string, double> LastEval, string RunDirectory);

/// <summary>Training stopped because the loss stopped being a number.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>The one training loop: AdamW, warmup + cosine, gradient clipping and accumulation, optional bf16 compute with fp32
/// master weights, metrics log, atomic checkpoints, and resume that continues bit-identically.</summary>
public sealed class Trainer
{
    private readonly TrainingConfig _config;
    private readonly string _runDir;
    private readonly string _recipeId;

    /// <summary>A trainer writing to <paramref name="runDirectory"/> (checkpoints/, metrics.jsonl); <paramref name="recipeId"/>
    /// names what is trained, so a resume never picks up another recipe's checkpoint.</summary>
    public Trainer(TrainingConfig config, string runDirectory, string recipeId)
    {
        _config = config.Validate();
        _runDir = runDirectory;
        _recipeId = recipeId;
    }

    /// <summary>The metrics log of this run.</summary>
    public string LogPath => Path.Combine(_runDir, "metrics.jsonl");

    /// <summary>The checkpoints folder of this run.</summary>
    public string CheckpointRoot => Path.Combine(_runDir, "checkpoints");

    /// <summary>Trains from the newest checkpoint (or from scratch) up to the configured step count; on cancellation it
    /// checkpoints the last finished step and returns, so the next call resumes there.</summary>
    public TrainingResult Run(ITrainingRecipe recipe, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        NativeHeap.UseTrimmedHeap();
        var c = _config;
        var compute = recipe.Trainable;
        if (compute.Count == 0) throw new ArgumentException("the recipe has no trainable tensors.");
        var bf16 = c.Precision == "bf16";
        if (!bf16 && compute.FirstOrDefault(p => p.Param.dtype != ScalarType.Float32) is { Name: not null } odd)
            throw new ArgumentException($"precision fp32 needs fp32 trainables, but '{odd.Name}' is {odd.Param.dtype}; use --precision bf16.");
        // bf16 keeps fp32 masters that the optimizer updates; the recipe's own tensors are only the compute copy.
        var masters = bf16
            ? compute.Select(p => (p.Name, Tensor: p.Param.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope(), p.Decay)).ToList()
            : compute.Select(p => (p.Name, Tensor: p.Param, p.Decay)).ToList();
        // Two processes in one run folder would resume from each other's checkpoints and interleave metrics.jsonl.
        using var held = RunLock.Acquire(_runDir, "training");
        using var optimizer = new AdamW(masters);
        var log = new TrainingLog(LogPath);

        var start = 0;
        var elapsed = 0.0;
        long tokensSeen = 0;
        if (TrainingCheckpoint.Latest(CheckpointRoot) is { } latest)
        {
            var s = latest.State;
            if (s.RecipeId != _recipeId)
                throw new InvalidOperationException($"{latest.Dir} was written by '{s.RecipeId}', not '{_recipeId}'; use another run directory.");
            if (s.Config != c)
                throw new InvalidOperationException($"{latest.Dir} was written with different training settings; resume with the same settings or use another run directory.");
            var (weights, moments) = TrainingCheckpoint.LoadTensors(latest.Dir, masters[0].Tensor.device);
            using (torch.no_grad())
                foreach (var (name, t, _) in masters)
                {
                    if (!weights.TryGetValue(name, out var w) || !w.shape.SequenceEqual(t.shape))
                        throw new InvalidDataException($"{latest.Dir} has no tensor '{name}' of shape [{string.Join(", ", t.shape)}].");
                    t.copy_(w);
                }
            optimizer.Load(moments, s.OptimizerSteps);
            if (recipe is ICarriedState carried)
                carried.LoadCarried(weights.Where(kv => kv.Key.StartsWith(CarriedPrefix, StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key[CarriedPrefix.Length..], kv => kv.Value.clone().DetachFromDisposeScope()));
            foreach (var t in weights.Values.Concat(moments.Values)) t.Dispose();
            (start, elapsed, tokensSeen) = (s.Step, s.ElapsedSeconds, s.TokensSeen);
            log.TruncateAfter(start);
        }
        if (bf16) CopyMastersToCompute(masters, compute);

        if (start == 0) log.TruncateAfter(-1);   // rows of an earlier try that died before its first checkpoint
        if (start == 0 && c.EvalEvery > 0)
        {
            // The starting point of every eval curve: what the untrained adapter (or model) scores.
            var initial = recipe.Evaluate(0);
            if (initial.Count > 0) log.Append(new TrainingLogRow { Step = 0, Kind = "eval", Metrics = initial, RssMiB = RssMiB() });
        }
        var clock = Stopwatch.StartNew();
        double? lastLoss = null;
        IReadOnlyDictionary<string, double> lastEval = new Dictionary<string, double>();
        var step = start;
        var lastCheckpoint = start;
        while (step < c.Steps && !cancel.IsCancellationRequested)
        {
            var lr = LearningRateSchedule.At(c, step);
            var (loss, tokens) = AccumulateGradients(recipe, step, masters, compute, bf16);
            if (!double.IsFinite(loss))
                throw new TrainingDivergedException($"loss is {loss} at step {step + 1}; the last good checkpoint is in {CheckpointRoot}. Lower the learning rate or check the data.");
            var gradNorm = ClipGradients(masters, c.MaxGradNorm);
            optimizer.Step(c, lr);
            optimizer.ZeroGrad();
            if (bf16) CopyMastersToCompute(masters, compute);
            step++;
            tokensSeen += tokens;
            lastLoss = loss;
            var seconds = elapsed + clock.Elapsed.TotalSeconds;
            if (step % c.LogEvery == 0 || step == c.Steps)
                log.Append(new TrainingLogRow
                {
                    Step = step, Kind = "train", Loss = loss, LearningRate = lr, GradNorm = gradNorm, TokensSeen = tokensSeen,
                    Seconds = seconds, RssMiB = RssMiB(),
                });
            progress?.Report(new TrainingProgress(step, c.Steps, loss, lr, tokensSeen / Math.Max(1e-9, seconds)));
            if ((c.EvalEvery > 0 && step % c.EvalEvery == 0) || step == c.Steps)
            {
                lastEval = recipe.Evaluate(step);
                if (lastEval.Count > 0)
                    log.Append(new TrainingLogRow { Step = step, Kind = "eval", TokensSeen = tokensSeen, Seconds = seconds, RssMiB = RssMiB(), Metrics = lastEval });
            }
            if ((c.CheckpointEvery > 0 && step % c.CheckpointEvery == 0) || step == c.Steps)
            {
                Checkpoint(step, recipe, optimizer, masters, elapsed + clock.Elapsed.TotalSeconds, tokensSeen);
                lastCheckpoint = step;
            }
        }
        if (step != lastCheckpoint) Checkpoint(step, recipe, optimizer, masters, elapsed + clock.Elapsed.TotalSeconds, tokensSeen);
        if (bf16) foreach (var m in masters) m.Tensor.Dispose();
        return new TrainingResult(step, step >= c.Steps, start, lastLoss, lastEval, _runDir);
    }

    private (double Loss, long Tokens) AccumulateGradients(ITrainingRecipe recipe, int step, List<(string Name, Tensor Tensor, bool Decay)> masters,
        IReadOnlyList<(string Name, Tensor Param, bool Decay)> compute, bool bf16)
    {
        double lossSum = 0;
        long tokens = 0;
        for (var micro = 0; micro < _config.GradientAccumulation; micro++)
        {
            using var scope = torch.NewDisposeScope();
            var (loss, n) = recipe.Loss(step, micro);
            (loss / _config.GradientAccumulation).backward();
            lossSum += loss.to(ScalarType.Float64).item<double>();
            tokens += n;
        }
        if (bf16)
            using (torch.no_grad())
                for (var i = 0; i < masters.Count; i++)
                {
                    var g = compute[i].Param.grad;
                    if (g is null) continue;
                    masters[i].Tensor.grad = g.to(ScalarType.Float32).DetachFromDisposeScope();
                    g.Dispose();
                    compute[i].Param.grad = null;
                }
        return (lossSum / _config.GradientAccumulation, tokens);
    }

    /// <summary>torch.nn.utils.clip_grad_norm_: scale all gradients by min(1, max/(‖g‖+1e-6)); returns ‖g‖ before clipping.</summary>
    private static double ClipGradients(List<(string Name, Tensor Tensor, bool Decay)> masters, double maxNorm)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grads = masters.Select(m => m.Tensor.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var total = torch.stack(grads.Select(g => g.norm()).ToArray()).norm().item<float>();
        if (maxNorm > 0)
        {
            var coef = Math.Min(1.0, maxNorm / (total + 1e-6));
            if (coef < 1.0) foreach (var g in grads) g.mul_(coef);
        }
        return total;
    }

    private static void CopyMastersToCompute(List<(string Name, Tensor Tensor, bool Decay)> masters, IReadOnlyList<(string Name, Tensor Param, bool Decay)> compute)
    {
        using var noGrad = torch.no_grad();
        for (var i = 0; i < masters.Count; i++) compute[i].Param.copy_(masters[i].Tensor);
    }

    /// <summary>Prefix of a recipe's carried state (<see cref="ICarriedState"/>) among a checkpoint's tensors.</summary>
    public const string CarriedPrefix = "carried.";

    private void Checkpoint(int step, ITrainingRecipe recipe, AdamW optimizer, List<(string Name, Tensor Tensor, bool Decay)> masters, double seconds, long tokensSeen)
    {
        using var scope = torch.NewDisposeScope();   // tensors a recipe makes for its carried state live only until they are written
        var tensors = masters.ToDictionary(m => m.Name, m => m.Tensor);
        if (recipe is ICarriedState carried)
            foreach (var (name, t) in carried.SaveCarried()) tensors[CarriedPrefix + name] = t;
        TrainingCheckpoint.Save(CheckpointRoot, new TrainingCheckpoint.State(step, optimizer.StepCount, _recipeId, _config, seconds, tokensSeen),
            tensors, optimizer.State(), _config.KeepCheckpoints);
    }

    private static double RssMiB() => Environment.WorkingSet / (1024.0 * 1024.0);
}
