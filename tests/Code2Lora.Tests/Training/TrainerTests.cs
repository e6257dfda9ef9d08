using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training;
using Code2Lora.Training.Pretrain;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Training;

/// <summary>The training loop: HF schedule values, AdamW against torch.optim.AdamW, clipping, resume = continuous, bf16 masters.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-trainer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Sync<T>(Action<T> act) : IProgress<T> { public void Report(T value) => act(value); }

    private static readonly TrainingConfig Base = new()
    {
        Steps = 6, LearningRate = 3e-3, WarmupRatio = 0.2, WeightDecay = 0.1, MaxGradNorm = 0.5, GradientAccumulation = 2,
        CheckpointEvery = 2, EvalEvery = 3,
    };

    private static int[] Stream(int length, int vocab, int seed)
    {
        var rng = new Random(seed);
        // A repeating pattern with noise: learnable in a few steps, so loss curves are not flat.
        return Enumerable.Range(0, length).Select(i => rng.NextDouble() < 0.1 ? rng.Next(vocab) : (i * 7) % 31).ToArray();
    }

    private static (DecoderLM Model, CausalLmRecipe Recipe) Tiny(int initSeed, ScalarType dtype = ScalarType.Float32)
    {
        torch.manual_seed(initSeed);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 64, NumHiddenLayers = 1 });
        if (dtype != ScalarType.Float32) model.to(dtype);
        return (model, new CausalLmRecipe(model, Stream(4000, 64, 1), Stream(600, 64, 2), sequenceLength: 32, batchSize: 2, seed: 11, evalSequences: 4));
    }

    [Fact]
    public void Schedule_matches_hugging_face_cosine_with_warmup()
    {
        var c = new TrainingConfig { Steps = 10, LearningRate = 1.0, WarmupRatio = 0.2 };
        Assert.Equal(2, LearningRateSchedule.WarmupSteps(c));
        Assert.Equal(0.0, LearningRateSchedule.At(c, 0));
        Assert.Equal(0.5, LearningRateSchedule.At(c, 1));
        Assert.Equal(1.0, LearningRateSchedule.At(c, 2));
        Assert.Equal(0.5, LearningRateSchedule.At(c, 6), 12);       // halfway through the cosine
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 7 / 8)), LearningRateSchedule.At(c, 9), 12);
        Assert.Equal(1.0, LearningRateSchedule.At(c with { Schedule = "constant" }, 9));
    }

    [Fact]
    public void AdamW_matches_torch_optim_AdamW()
    {
        torch.manual_seed(5);
        var ours = torch.randn(4, 3).requires_grad_();
        var theirs = new TorchSharp.Modules.Parameter(ours.detach().clone());
        var c = new TrainingConfig { Steps = 1, WeightDecay = 0.1, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6 };
        using var opt = new AdamW([("w", ours, true)]);
        var reference = torch.optim.AdamW([theirs], lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weight_decay: 0.1);
        for (var i = 0; i < 5; i++)
        {
            var g = torch.randn(4, 3);
            ours.grad = g.clone();
            theirs.grad = g.clone();
            opt.Step(c, 0.01);
            reference.step();
        }
        Assert.True(ours.allclose(theirs, rtol: 0, atol: 1e-7), $"max diff {(ours - theirs).abs().max().item<float>()}");
        Assert.Equal(5, opt.StepCount);
    }

    [Fact]
    public void Resumed_run_equals_continuous_run_bit_for_bit()
    {
        var (continuousModel, continuous) = Tiny(initSeed: 1);
        var full = new Trainer(Base, Path.Combine(_dir, "a"), "test").Run(continuous);
        Assert.True(full.Completed);

        var resumedDir = Path.Combine(_dir, "b");
        using var cancel = new CancellationTokenSource();
        var (_, first) = Tiny(initSeed: 1);
        var stopped = new Trainer(Base, resumedDir, "test").Run(first, new Sync<TrainingProgress>(p => { if (p.Step == 3) cancel.Cancel(); }), cancel.Token);
        Assert.False(stopped.Completed);
        Assert.Equal(3, stopped.Step);

        // A fresh process: different initial weights, which the checkpoint must overwrite.
        var (resumedModel, second) = Tiny(initSeed: 99);
        var resumed = new Trainer(Base, resumedDir, "test").Run(second);
        Assert.Equal(3, resumed.ResumedFrom);
        Assert.True(resumed.Completed);
        foreach (var ((name, a), (_, b)) in continuousModel.named_parameters().Zip(resumedModel.named_parameters()))
            Assert.True((a - b).abs().max().item<float>() == 0f, $"{name} differs after resume");

        var logA = TrainingLog.Read(Path.Combine(_dir, "a", "metrics.jsonl")).Where(r => r.Kind == "train").Select(r => (r.Step, r.Loss)).ToList();
        var logB = TrainingLog.Read(Path.Combine(resumedDir, "metrics.jsonl")).Where(r => r.Kind == "train").Select(r => (r.Step, r.Loss)).ToList();
        Assert.Equal(Enumerable.Range(1, 6), logB.Select(r => r.Step));
        Assert.Equal(logA, logB);
    }

    private static readonly ByteTokenizer Bytes = new();

    /// <summary>A bf16 byte-level model trained on assignments followed by asserts that repeat them, and (optionally) a copy curve over
    /// tasks of the same shape: what the pretraining run does at tiny size.</summary>
    private static (DecoderLM Model, CausalLmRecipe Recipe) TinyWithCopyCurve(int initSeed, bool copyCurve)
    {
        torch.manual_seed(initSeed);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1, BosTokenId = 256, EosTokenId = 256 });
        model.to(ScalarType.BFloat16);
        var text = string.Concat(Enumerable.Range(0, 150).Select(i => $"v{i} = 'w{i * 37 % 101}'\nassert v{i} == 'w{i * 37 % 101}'\n"));
        var stream = Bytes.Encode(text);
        var tasks = Enumerable.Range(0, 12)
            .Select(i => new QnaRow { RepoId = "r", Prefix = $"x{i} = 'name{i}'\nassert x{i} == ", Target = $"'name{i}'" }).ToList();
        var curve = copyCurve ? new CopyCurve(Bytes, tasks, 5, new CompletionSettings { MaxInputTokens = 64, MaxNewTokens = 8, BatchSize = 4 }, seed: 7) : null;
        return (model, new CausalLmRecipe(model, stream[..3000], stream[3000..3600], sequenceLength: 32, batchSize: 2, seed: 11, evalSequences: 4, curve));
    }

    [Fact]
    public void A_bf16_run_with_the_copy_curve_resumes_bit_for_bit_and_trains_as_one_without_it()
    {
        var config = Base with { Precision = "bf16" };
        var (continuousModel, continuous) = TinyWithCopyCurve(initSeed: 1, copyCurve: true);
        Assert.True(new Trainer(config, Path.Combine(_dir, "a"), "test").Run(continuous).Completed);

        var resumedDir = Path.Combine(_dir, "b");
        using var cancel = new CancellationTokenSource();
        var (_, first) = TinyWithCopyCurve(initSeed: 1, copyCurve: true);
        Assert.False(new Trainer(config, resumedDir, "test").Run(first, new Sync<TrainingProgress>(p => { if (p.Step == 4) cancel.Cancel(); }), cancel.Token).Completed);
        var (resumedModel, second) = TinyWithCopyCurve(initSeed: 99, copyCurve: true);
        var resumed = new Trainer(config, resumedDir, "test").Run(second);
        Assert.Equal(4, resumed.ResumedFrom);
        foreach (var ((name, a), (_, b)) in continuousModel.named_parameters().Zip(resumedModel.named_parameters()))
            Assert.True((a.to(ScalarType.Float32) - b.to(ScalarType.Float32)).abs().max().item<float>() == 0f, $"{name} differs after resume");
        // The fp32 masters too, which is what a later resume would start from.
        var (mastersA, _) = TrainingCheckpoint.LoadTensors(TrainingCheckpoint.Latest(Path.Combine(_dir, "a", "checkpoints"))!.Value.Dir);
        var (mastersB, _) = TrainingCheckpoint.LoadTensors(TrainingCheckpoint.Latest(Path.Combine(resumedDir, "checkpoints"))!.Value.Dir);
        Assert.Equal(mastersA.Keys.Order(), mastersB.Keys.Order());
        foreach (var (name, a) in mastersA) Assert.True((a - mastersB[name]).abs().max().item<float>() == 0f, $"master {name} differs after resume");

        // The same run without the curve: measuring it must not move a single training loss (no RNG draws, no weight changes).
        var (_, plain) = TinyWithCopyCurve(initSeed: 1, copyCurve: false);
        new Trainer(config, Path.Combine(_dir, "c"), "test").Run(plain);

        List<TrainingLogRow> Log(string run) => TrainingLog.Read(Path.Combine(_dir, run, "metrics.jsonl"));
        IEnumerable<(int, double?)> Train(string run) => Log(run).Where(r => r.Kind == "train").Select(r => (r.Step, r.Loss));
        Assert.Equal(Train("a"), Train("b"));
        Assert.Equal(Train("a"), Train("c"));
        var evals = Log("a").Where(r => r.Kind == "eval").ToList();
        Assert.Equal([0, 3, 6], evals.Select(r => r.Step));
        foreach (var r in evals)
        {
            Assert.InRange(r.Metrics![CopyCurve.ExactMatchKey], 0, 100);
            Assert.InRange(r.Metrics[CopyCurve.TargetNllKey], 0.01, 20);
            Assert.True(r.Metrics.ContainsKey("held_out_loss"));
        }
        // The copy metrics of the resumed run are those of the continuous one, and the run without the curve logs none.
        Assert.Equal(evals.Select(r => r.Metrics![CopyCurve.TargetNllKey]), Log("b").Where(r => r.Kind == "eval").Select(r => r.Metrics![CopyCurve.TargetNllKey]));
        Assert.All(Log("c").Where(r => r.Kind == "eval"), r => Assert.False(r.Metrics!.ContainsKey(CopyCurve.ExactMatchKey)));
        Assert.Equal(Log("a").Where(r => r.Kind == "eval").Select(r => r.Metrics!["held_out_loss"]), Log("c").Where(r => r.Kind == "eval").Select(r => r.Metrics!["held_out_loss"]));
    }

    [Fact]
    public void Training_lowers_the_loss_and_logs_held_out_loss()
    {
        var (_, recipe) = Tiny(initSeed: 2);
        var before = recipe.Evaluate(0)["held_out_loss"];
        var config = Base with { Steps = 30, LearningRate = 1e-2, WarmupRatio = 0.1, GradientAccumulation = 1, CheckpointEvery = 0, EvalEvery = 10 };
        var result = new Trainer(config, _dir, "test").Run(recipe);
        var after = result.LastEval["held_out_loss"];
        Assert.True(after < before - 1.0, $"held-out loss {before:F3} -> {after:F3}");
        var rows = TrainingLog.Read(Path.Combine(_dir, "metrics.jsonl"));
        Assert.Equal([0, 10, 20, 30], rows.Where(r => r.Kind == "eval").Select(r => r.Step));
        Assert.All(rows.Where(r => r.Kind == "train"), r => Assert.True(r.RssMiB > 0 && r.GradNorm > 0 && r.LearningRate >= 0));
        Assert.Single(Directory.GetDirectories(Path.Combine(_dir, "checkpoints")));   // only the final one
    }

    [Fact]
    public void Bf16_compute_updates_fp32_masters_and_learns()
    {
        var (model, recipe) = Tiny(initSeed: 3, ScalarType.BFloat16);
        var before = recipe.Evaluate(0)["held_out_loss"];
        var config = Base with { Steps = 20, LearningRate = 1e-2, Precision = "bf16", GradientAccumulation = 1, CheckpointEvery = 0 };
        var result = new Trainer(config, _dir, "test").Run(recipe);
        Assert.True(result.LastEval["held_out_loss"] < before - 0.5, $"held-out loss {before:F3} -> {result.LastEval["held_out_loss"]:F3}");
        Assert.Equal(ScalarType.BFloat16, model.DType);
        var (weights, _) = TrainingCheckpoint.LoadTensors(TrainingCheckpoint.Latest(Path.Combine(_dir, "checkpoints"))!.Value.Dir);
        Assert.All(weights.Values, w => Assert.Equal(ScalarType.Float32, w.dtype));
        Assert.Throws<ArgumentException>(() => new Trainer(config with { Precision = "fp32" }, Path.Combine(_dir, "x"), "test").Run(recipe));
    }

    [Fact]
    public void A_half_written_checkpoint_is_ignored_and_a_foreign_one_is_refused()
    {
        var (_, recipe) = Tiny(initSeed: 4);
        new Trainer(Base with { Steps = 2 }, _dir, "test").Run(recipe);
        Directory.CreateDirectory(Path.Combine(_dir, "checkpoints", "step-000009"));     // killed before state.json
        Assert.Equal(2, TrainingCheckpoint.Latest(Path.Combine(_dir, "checkpoints"))!.Value.State.Step);
        var e = Assert.Throws<InvalidOperationException>(() => new Trainer(Base with { Steps = 2 }, _dir, "other").Run(recipe));
        Assert.Contains("'test'", e.Message);
        Assert.Throws<InvalidOperationException>(() => new Trainer(Base with { Steps = 4 }, _dir, "test").Run(recipe));
    }

    [Fact]
    public void A_fresh_start_drops_the_log_of_a_try_killed_before_its_first_checkpoint()
    {
        var (_, recipe) = Tiny(initSeed: 5);
        var log = new TrainingLog(Path.Combine(_dir, "metrics.jsonl"));
        log.Append(new TrainingLogRow { Step = 1, Kind = "train", Loss = 99 });    // what a kill -9 at step 1 leaves behind
        new Trainer(Base with { Steps = 2, EvalEvery = 0 }, _dir, "test").Run(recipe);
        Assert.Equal([1, 2], TrainingLog.Read(log.Path).Where(r => r.Kind == "train").Select(r => r.Step));
        Assert.DoesNotContain(TrainingLog.Read(log.Path), r => r.Loss == 99);
    }

    [Fact]
    public void A_second_trainer_in_a_busy_run_folder_is_refused_before_it_touches_the_log()
    {
        var (_, recipe) = Tiny(initSeed: 5);
        using (Code2Lora.Runtime.RunLock.Acquire(_dir, "another training"))
        {
            var e = Assert.Throws<Code2Lora.Runtime.RunLockedException>(() => new Trainer(Base with { Steps = 2, EvalEvery = 0 }, _dir, "test").Run(recipe));
            Assert.Contains("another training", e.Message);
            Assert.False(File.Exists(Path.Combine(_dir, "metrics.jsonl")));
        }
        Assert.True(new Trainer(Base with { Steps = 2, EvalEvery = 0 }, _dir, "test").Run(recipe).Completed);
    }

    private sealed class NanRecipe : ITrainingRecipe
    {
        private readonly Tensor _w = torch.ones(2, 2).requires_grad_();
        public IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable => [("w", _w, true)];
        public (Tensor Loss, long Tokens) Loss(int step, int micro) => ((_w * double.NaN).sum(), 4);
        public IReadOnlyDictionary<string, double> Evaluate(int step) => new Dictionary<string, double>();
    }

    [Fact]
    public void A_diverged_loss_stops_with_a_clear_error()
    {
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(Base, _dir, "nan").Run(new NanRecipe()));
        Assert.Contains("step 1", e.Message);
    }
}
