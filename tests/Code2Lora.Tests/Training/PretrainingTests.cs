using Code2Lora.Bench;
using Code2Lora.Corpora;
using Code2Lora.Evaluation;
using Code2Lora.Mining;
using Code2Lora.Models;
using Code2Lora.Training;
using Code2Lora.Training.Pretrain;
using TorchSharp;

namespace Code2Lora.Tests.Training;

/// <summary>The smoke preset end to end on real Python code: tokenizer, training, evaluation, export, model card, resume.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class PretrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-pretrain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_shipped_bases_name_the_pretraining_run_that_wrote_them()
    {
        // Notebook 03 and the figure set find a base's loss curves through this: results/pretrain/<preset>/.
        Assert.Equal("tiny-long", Pretraining.PresetOf(Path.Combine(Code2Lora.Config.RepoPaths.Data, "models", "tiny-python-lm-long")));
        Assert.Equal("tiny", Pretraining.PresetOf(Path.Combine(Code2Lora.Config.RepoPaths.Data, "models", "tiny-python-lm")));
        Assert.Null(Pretraining.PresetOf(Path.Combine(Code2Lora.Config.RepoPaths.Data, "models", "absent")));
    }

    [Fact]
    public void Smoke_run_exports_a_loadable_model_with_a_measured_card_and_a_second_call_resumes_nothing()
    {
        // python3-workalendar is a benchmark package, so here it plays both roles; the real run keeps them disjoint.
        var corpus = PretrainCorpus.Collect(["python3-workalendar"], [], new MiningRules(), heldOutFraction: 0.1);
        var benchCode = corpus.HeldOut;
        CompletionTask[] tasks = [new("def f(x):\n    return x\n\nassert f(1) == ", "1"), new("x = [1, 2]\nassert len(x) == ", "2")];
        var config = PretrainConfig.Smoke with { Device = "cpu" };
        var run = Path.Combine(_dir, "run");
        var modelDir = Path.Combine(_dir, "model");

        var result = Pretraining.Run(config, new PretrainInputs(corpus, benchCode, tasks), run, modelDir);

        Assert.True(result.Completed);
        Assert.Equal(config.Steps, result.Step);
        Assert.Equal(config.Steps * config.BatchSize * (config.SequenceLength - 1), result.TokensSeen);
        Assert.InRange(result.HeldOutLoss!.Value, 0.5, Math.Log(config.TokenizerVocab) + 0.5);
        Assert.Equal(2, result.StaticExactMatch!.N);
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "MODEL_CARD.md" })
            Assert.True(File.Exists(Path.Combine(modelDir, file)), file);
        var card = File.ReadAllText(Path.Combine(modelDir, "MODEL_CARD.md"));
        Assert.Contains(result.HeldOutLoss.Value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), card);
        Assert.Contains("pretrain --preset smoke", card);
        // Both targets are in their prompts but too short to show copying: the card's copy check counts two tasks, none copyable.
        Assert.Contains(Code2Lora.Evaluation.CopyCheckReport.CardHeading, card);
        Assert.Equal((2, 0), (result.CopyCheck!.All.Tasks, result.CopyCheck.All.Copyable));

        var loaded = ModelDirectory.Load(modelDir);
        Assert.Equal(0, loaded.Tokenizer.EosTokenId);
        Assert.Equal(0, loaded.Config.EosTokenId);
        var ids = loaded.Tokenizer.Encode("import os\n");
        Assert.True(ids.Length > 0 && ids.All(i => i < config.Model.VocabSize));

        // Everything is cached: a second call trains nothing and reports the same numbers.
        var again = Pretraining.Run(config, new PretrainInputs(corpus, benchCode, tasks), run, modelDir);
        Assert.Equal(config.Steps, again.Step);
        Assert.Equal(result.HeldOutLoss, again.HeldOutLoss);
        Assert.Equal(config.Steps, TrainingLog.Read(Path.Combine(run, "metrics.jsonl")).Count(r => r.Kind == "train"));
    }

    private static QnaRow Task(string prefix, string target) => new() { RepoId = "org/x", Split = "cr_test", Prefix = prefix, Target = target };

    [Fact]
    public void Smoke_run_with_the_copy_curve_logs_it_at_every_evaluation_and_puts_it_in_the_card()
    {
        var corpus = PretrainCorpus.Collect(["python3-workalendar"], [], new MiningRules(), heldOutFraction: 0.1);
        QnaRow[] pool =
        [
            Task("name = 'holiday'\nassert name == ", "'holiday'"),
            Task("x = compute()\nassert x == ", "unseen_value"),                 // not in the prompt: never sampled
            Task("year = 2024\nassert cal.year == ", "year"),
            Task("days = [1, 2]\nassert len(days) == ", "2"),                     // in the prompt, too short to show copying
            Task("label = 'easter'\nassert label == ", "'easter'"),
            Task("region = 'france'\nassert get() == ", "region"),
        ];
        var config = PretrainConfig.Smoke with { Device = "cpu", Precision = "bf16", CopyCheckTasks = 3 };
        var run = Path.Combine(_dir, "run");

        var result = Pretraining.Run(config, new PretrainInputs(corpus, corpus.HeldOut, [], pool), run, Path.Combine(_dir, "model"));

        Assert.True(result.Completed);
        Assert.Equal(new CopyCurveSample(3, 4, 6), result.CopyCurve);
        var log = TrainingLog.Read(Path.Combine(run, "metrics.jsonl"));
        var evals = log.Where(r => r.Kind == "eval").ToList();
        Assert.Equal([0, 6, 12], evals.Select(r => r.Step));
        Assert.All(evals, r =>
        {
            Assert.InRange(r.Metrics![CopyCurve.ExactMatchKey], 0, 100);
            Assert.InRange(r.Metrics[CopyCurve.TargetNllKey], 0.01, 30);
            Assert.True(r.Metrics.ContainsKey("held_out_loss"));
        });
        var card = File.ReadAllText(Path.Combine(_dir, "model", "MODEL_CARD.md"));
        var section = card[card.IndexOf(ModelCard.CopyCurveHeading, StringComparison.Ordinal)..];
        Assert.Contains("3 of the 4 copyable tasks among 6", section);
        foreach (var r in evals)
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| {r.Step} | {r.TokensSeen:N0} | {r.Metrics!["held_out_loss"]:F3} |"), section);
        Assert.NotNull(Code2Lora.Reporting.TrainingFigures.CopyCurveChart(log, "copy"));

        // The sample lives in the run folder: a later call (another session, a rebuilt benchmark) measures the same tasks, whatever
        // pool it is given, and one asking for another sample size is refused rather than switching curves halfway.
        var again = Pretraining.Run(config, new PretrainInputs(corpus, corpus.HeldOut, [], [pool[1], pool[3]]), run, Path.Combine(_dir, "model"));
        Assert.Equal(result.CopyCurve, again.CopyCurve);
        var resized = Assert.Throws<InvalidOperationException>(() =>
            Pretraining.Run(config with { CopyCheckTasks = 2 }, new PretrainInputs(corpus, corpus.HeldOut, [], pool), run, Path.Combine(_dir, "model")));
        Assert.Contains("resume with the same settings", resized.Message);

        // A pool with nothing to copy is refused before any training, rather than drawn as a flat 0.
        var fresh = Path.Combine(_dir, "fresh");
        var e = Assert.Throws<InvalidOperationException>(() =>
            Pretraining.Run(config, new PretrainInputs(corpus, corpus.HeldOut, [], [pool[1], pool[3]]), fresh, Path.Combine(_dir, "model2")));
        Assert.Contains("copy_check_tasks is 3", e.Message);
        Assert.False(Directory.Exists(Path.Combine(fresh, "checkpoints")));
    }

    [Fact]
    public void The_copy_curve_keys_leave_the_committed_tiny_result_as_it_was()
    {
        // Null defaults are not written into result.json, so a rerun of configs/pretrain/tiny.json records the config it recorded before.
        var committed = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Code2Lora.Config.RepoPaths.Root, "results", "pretrain", "tiny", "result.json")))!["config"];
        var now = System.Text.Json.JsonSerializer.SerializeToNode(PretrainConfig.Tiny, Code2Lora.Runtime.Provenance.Json);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(committed, now), now!.ToJsonString());
    }

    [Fact]
    public void Tiny_long_is_tiny_trained_longer_in_bf16_with_the_copy_curve_into_its_own_folder()
    {
        var tiny = PretrainConfig.Tiny;
        var longer = PretrainConfig.Get("tiny-long");
        // The same model, tokenizer settings, corpus, windows and seed: the tokenizer it trains is tiny's, byte for byte.
        Assert.Equal(tiny.Model, longer.Model);
        Assert.Equal((tiny.TokenizerVocab, tiny.TokenizerTrainingChars, tiny.HeldOutFraction, tiny.SequenceLength, tiny.BatchSize, tiny.Seed, tiny.PretrainPackages, tiny.BenchmarkPackages),
            (longer.TokenizerVocab, longer.TokenizerTrainingChars, longer.HeldOutFraction, longer.SequenceLength, longer.BatchSize, longer.Seed, longer.PretrainPackages, longer.BenchmarkPackages));
        Assert.Equal(("bf16", 64), (longer.Precision, longer.CopyCheckTasks));
        // About 2 epochs of tiny's 14,220,879-token train stream (tiny saw 0.43).
        Assert.InRange((double)longer.Steps * longer.BatchSize * (longer.SequenceLength - 1) / 14_220_879, 1.9, 2.1);
        Assert.Equal(0, longer.Steps % longer.CheckpointEvery);
        Assert.NotNull(longer.ModelDirectory);
        Assert.NotEqual(Path.Combine("models", "tiny-python-lm"), Path.TrimEndingDirectorySeparator(longer.ModelDirectory!));
    }

    [Fact]
    public void An_empty_corpus_is_a_clear_error()
    {
        var corpus = PretrainCorpus.Collect([], [], new MiningRules(), heldOutFraction: 0.1);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Pretraining.Run(PretrainConfig.Smoke, new PretrainInputs(corpus, [], []), _dir, Path.Combine(_dir, "m")));
        Assert.Contains("C2L_PRETRAIN_CORPUS=1", e.Message);
    }
}
