using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;

namespace Code2Lora.Tests.Training;

/// <summary>Code2LoRA-Static learns what only the repository vector can tell: two repositories ask the same prefix with
/// different answers. A shared LoRA cannot fit both; the head can, and another repository's vector gives the other answer.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class StaticRecipeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-static-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ByteTokenizer Tokenizer = new();

    private static List<QnaRow> Tasks() =>
        [.. Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            new QnaRow { RepoId = "alpha", CommitSha = "a1", Prefix = $"x{i} = version()\nassert x{i} == ", Target = "'a7'" },
            new QnaRow { RepoId = "beta", CommitSha = "b1", Prefix = $"x{i} = version()\nassert x{i} == ", Target = "'b3'" },
        })];

    [Fact]
    public void The_head_learns_repository_specific_answers_that_a_shared_adapter_cannot()
    {
        torch.manual_seed(7);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        model.eval();
        // A random base's tied embeddings (N(0, 0.02)) cap every logit near 1 after the final RMSNorm, so no adapter could make
        // a confident prediction; widen them as pretraining would.
        using (torch.no_grad()) model.Backbone.EmbeddingWeight.mul_(10);
        var lora = new LoraConfig { Rank = 4, Alpha = 8 };
        var slots = LoraSlots.Install(model, lora);
        var rng = new Random(3);
        var contexts = RepoContexts.From(new Dictionary<(string, string), float[]>
        {
            [("alpha", "a1")] = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
            [("beta", "b1")] = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
        });
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 16, HiddenDim = 32, Lora = lora, InitLogScale = -1.0 }, model.Config);
        var tasks = Tasks();
        var examples = CompletionExamples.Build(tasks, Tokenizer, maxTokens: 64);
        var batches = new CompletionBatches(examples, batchSize: 4, accumulation: 1, padId: 256, seed: 1);
        var config = new TrainingConfig { Steps = 200, LearningRate = 1e-2, WarmupRatio = 0.05, MaxGradNorm = 5.0, CheckpointEvery = 0 };
        var result = new Trainer(config, _dir, "static-test").Run(new StaticRecipe(slots, head, batches, examples, contexts));
        Assert.True(result.LastEval["val_loss"] < 0.05, $"val loss {result.LastEval["val_loss"]:F3}");
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));      // the base stayed frozen

        head.eval();
        var settings = new CompletionSettings { MaxInputTokens = 64, MaxNewTokens = 6, BatchSize = 8 };
        var split = new Dictionary<string, IReadOnlyList<QnaRow>> { ["cr_test"] = tasks };
        double Em(ICompletionMethod m) => MethodEvaluator.Run(m, model, Tokenizer, split, settings)["cr_test"].Average(r => r.ExactMatch ? 100.0 : 0.0);
        using var own = new GeneratedAdapterMethod("own", slots, head, GeneratedAdapterMethod.Own(contexts));
        using var swapped = new GeneratedAdapterMethod("shuffled", slots, head, GeneratedAdapterMethod.Shuffled(contexts, tasks, seed: 1));
        Assert.Equal(100.0, Em(own));
        Assert.Equal(0.0, Em(swapped));          // the other repository's vector gives the other repository's answer
        Assert.True(Em(new BaseModelMethod("pretrained", slots)) < 100.0);

        // The loss diagnostic sees the same thing: another repository's adapter costs nats, the mean adapter too.
        var loss = ConditioningLoss.Measure("cr_test", slots, head, contexts, examples, [("alpha", "a1"), ("beta", "b1")], tasks, 4, 256, seed: 1);
        Assert.True(loss.Own < 0.05, $"own loss {loss.Own}");
        Assert.True(loss.ShuffledMinusOwnCi[0] > 1.0, $"shuffled − own CI {loss.ShuffledMinusOwnCi[0]}");
        Assert.True(loss.MeanMinusOwnCi[0] > 0.0, $"mean − own CI {loss.MeanMinusOwnCi[0]}");
    }
}
