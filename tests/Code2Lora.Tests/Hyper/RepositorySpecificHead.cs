using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;

namespace Code2Lora.Tests.Hyper;

/// <summary>A Static head trained once (per test class) on a task only the repository vector can answer: two repositories of one split
/// ask the same prefixes with different answers. It must depend on its input, so it is the positive control of the conditioning
/// diagnostics and the recipe's own check.</summary>
public sealed class RepositorySpecificHead : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-static-").FullName;

    public RepositorySpecificHead()
    {
        torch.manual_seed(7);
        Model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        Model.eval();
        // A random base's tied embeddings (N(0, 0.02)) cap every logit near 1 after the final RMSNorm, so no adapter could make
        // a confident prediction; widen them as pretraining would.
        using (torch.no_grad()) Model.Backbone.EmbeddingWeight.mul_(10);
        Lora = new LoraConfig { Rank = 4, Alpha = 8 };
        Slots = LoraSlots.Install(Model, Lora);
        var rng = new Random(3);
        Contexts = RepoContexts.From(new Dictionary<(string, string), float[]>
        {
            [("alpha", "a1")] = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
            [("beta", "b1")] = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
        });
        Head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 16, HiddenDim = 32, Lora = Lora, InitLogScale = -1.0 }, Model.Config);
        Tasks = [.. Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            new QnaRow { RepoId = "alpha", CommitSha = "a1", Split = SplitNames.IrTest, Prefix = $"x{i} = version()\nassert x{i} == ", Target = "'a7'" },
            new QnaRow { RepoId = "beta", CommitSha = "b1", Split = SplitNames.IrTest, Prefix = $"x{i} = version()\nassert x{i} == ", Target = "'b3'" },
        })];
        var examples = CompletionExamples.Build(Tasks, Tokenizer, maxTokens: 64);
        var batches = new CompletionBatches(examples, batchSize: 4, accumulation: 1, padId: 256, seed: 1);
        var config = new TrainingConfig { Steps = 200, LearningRate = 1e-2, WarmupRatio = 0.05, MaxGradNorm = 5.0, CheckpointEvery = 0 };
        Result = new Trainer(config, _dir, "static-test").Run(new StaticRecipe(Slots, Head, batches, examples, Contexts));
        Head.eval();
    }

    public static Code2Lora.Models.Tokenization.ITextTokenizer Tokenizer { get; } = new ByteTokenizer();
    public DecoderLM Model { get; }
    public LoraConfig Lora { get; }
    public LoraSlots Slots { get; }
    public RepoContexts Contexts { get; }
    public Code2LoraHead Head { get; }
    public IReadOnlyList<QnaRow> Tasks { get; }
    public TrainingResult Result { get; }

    /// <summary>Decoding settings that fit the tasks.</summary>
    public static Code2Lora.Evaluation.CompletionSettings Settings { get; } = new() { MaxInputTokens = 64, MaxNewTokens = 6, BatchSize = 8 };

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
