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

    [Fact]
    public void An_empty_corpus_is_a_clear_error()
    {
        var corpus = PretrainCorpus.Collect([], [], new MiningRules(), heldOutFraction: 0.1);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Pretraining.Run(PretrainConfig.Smoke, new PretrainInputs(corpus, [], []), _dir, Path.Combine(_dir, "m")));
        Assert.Contains("C2L_PRETRAIN_CORPUS=1", e.Message);
    }
}
