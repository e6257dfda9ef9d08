using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;

namespace Code2Lora.Tests.Training;

/// <summary>The trained baselines' recipes on a tiny synthetic set: full fine-tuning and the Text2LoRA-style head (through
/// Code2LoRA-Static's recipe) both lower the loss on the tasks they train on.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class TrainedBaselineRecipeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-baselines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ByteTokenizer Tokenizer = new();

    private static readonly TrainingConfig Config = new() { Steps = 12, LearningRate = 1e-2, WarmupRatio = 0.1, MaxGradNorm = 5.0, CheckpointEvery = 0 };

    private static (DecoderLM Model, CompletionBatches Batches, IReadOnlyList<CompletionExample> Examples) Setup()
    {
        torch.manual_seed(7);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        model.eval();
        // A random base's tied embeddings (N(0, 0.02)) cap every logit near 1 after the final RMSNorm, so an adapter alone could
        // not make a confident prediction; widen them as pretraining would (as in StaticRecipeTests).
        using (torch.no_grad()) model.Backbone.EmbeddingWeight.mul_(10);
        var tasks = Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            new QnaRow { RepoId = "alpha", CommitSha = "a1", Prefix = $"x{i} = version()\nassert x{i} == ", Target = "'a7'" },
            new QnaRow { RepoId = "beta", CommitSha = "b1", Prefix = $"y{i} = level()\nassert y{i} == ", Target = "'b3'" },
        }).ToList();
        var examples = CompletionExamples.Build(tasks, Tokenizer, maxTokens: 64);
        return (model, new CompletionBatches(examples, batchSize: 4, accumulation: 1, padId: 256, seed: 1), examples);
    }

    [Fact]
    public void FullFineTuningLowersTheTrainingLossAndTrainsEveryParameter()
    {
        var (model, batches, examples) = Setup();
        var recipe = new FullFineTuneRecipe(model, batches, examples);
        Assert.Equal(model.parameters().Count(), recipe.Trainable.Count);
        using var embedding = model.Backbone.EmbeddingWeight.detach().clone();
        var before = recipe.Evaluate(0)["val_loss"];
        var result = new Trainer(Config, _dir, "fft-test").Run(recipe);
        Assert.True(result.LastEval["val_loss"] < 0.5 * before, $"loss {before:F3} → {result.LastEval["val_loss"]:F3}");
        Assert.False(embedding.allclose(model.Backbone.EmbeddingWeight));   // the base itself moved
    }

    [Fact]
    public void Text2LoraHeadLowersTheTrainingLossThroughTheStaticRecipe()
    {
        var (model, batches, examples) = Setup();
        var lora = new LoraConfig { Rank = 4, Alpha = 8 };
        var slots = LoraSlots.Install(model, lora);
        var rng = new Random(3);
        var contexts = RepoContexts.From(new Dictionary<(string, string), float[]>
        {
            [("alpha", "a1")] = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
            [("beta", "b1")] = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
        });
        torch.manual_seed(5);
        var head = new Text2LoraHead(new Text2LoraHeadConfig { InputDim = 16, TaskDim = 16, LayerEmbeddingDim = 8, HeadInputDim = 32, Lora = lora }, model.Config);
        var recipe = new StaticRecipe(slots, head, batches, examples, contexts);
        var before = recipe.Evaluate(0)["val_loss"];
        var result = new Trainer(Config, _dir, "t2l-test").Run(recipe);
        Assert.True(result.LastEval["val_loss"] < 0.8 * before, $"loss {before:F3} → {result.LastEval["val_loss"]:F3}");
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));      // the base stayed frozen
    }
}
