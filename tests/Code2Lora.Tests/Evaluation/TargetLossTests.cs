using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;

namespace Code2Lora.Tests.Evaluation;

/// <summary>The target NLL: the training objective measured on the decoding prompt, per task, independent of batching, context-aware,
/// and cached beside the predictions so older predictions are reused and only the loss is computed.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class TargetLossTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-nll-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Counting(string? context) : ICompletionMethod
    {
        public int Contexts, Tasks;
        public string Name => "counting";
        public string? ContextFor(QnaRow task) { Contexts++; return context; }
        public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => Tasks += tasks.Count;
    }

    private static DecoderLM Model()
    {
        torch.manual_seed(2);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        model.eval();
        return model;
    }

    private static Dictionary<string, IReadOnlyList<QnaRow>> Split() => new()
    {
        ["cr_test"] = Enumerable.Range(0, 5).Select(i => new QnaRow { RepoId = $"r{i % 2}", Prefix = $"def f():\n    x = {i}\n" + new string(' ', i) + "    assert x == ", Target = $"{i}{i})" }).ToList(),
    };

    [Fact]
    public void Without_context_it_is_the_training_loss_of_the_same_sequence_and_does_not_depend_on_batching()
    {
        using var model = Model();
        var tokenizer = new ByteTokenizer();
        var split = Split();
        var method = new Counting(null);
        var one = TargetLossEvaluator.Run(method, model, tokenizer, split, new CompletionSettings { MaxInputTokens = 128, BatchSize = 1 })["cr_test"];
        var three = TargetLossEvaluator.Run(method, model, tokenizer, split, new CompletionSettings { MaxInputTokens = 128, BatchSize = 3 })["cr_test"];
        var training = CompletionBatches.RowLosses(CompletionExamples.Build(split["cr_test"], tokenizer, maxTokens: 128), 2, 256, _ => { }, model);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(i, one[i].TaskIndex);
            Assert.Equal(split["cr_test"][i].Target.Length + 1, one[i].Tokens);                 // the target's bytes and EOS
            Assert.Equal(training[i].Tokens, one[i].Tokens);
            Assert.Equal(training[i].Sum, one[i].NllSum, 4);
            Assert.Equal(one[i].NllSum, three[i].NllSum, 4);
        }
        Assert.Equal(10, method.Tasks);                                                          // every task's adapter was installed, twice
    }

    [Fact]
    public void A_context_method_is_scored_on_its_context_prompt()
    {
        using var model = Model();
        var settings = new CompletionSettings { MaxInputTokens = 128, BatchSize = 2 };
        var plain = TargetLossEvaluator.Run(new Counting(null), model, new ByteTokenizer(), Split(), settings)["cr_test"];
        var withContext = TargetLossEvaluator.Run(new Counting("# helpers: x = 3\n"), model, new ByteTokenizer(), Split(), settings.WithContextRoom(256))["cr_test"];
        Assert.Equal(plain.Select(l => l.Tokens), withContext.Select(l => l.Tokens));
        Assert.All(plain.Zip(withContext), p => Assert.NotEqual(p.First.NllSum, p.Second.NllSum, 6));
    }

    [Fact]
    public async Task Saved_predictions_without_losses_are_reused_and_only_the_loss_is_computed()
    {
        using var model = Model();
        var cache = new PredictionCache(_dir);
        var settings = new CompletionSettings { MaxInputTokens = 128, MaxNewTokens = 3, BatchSize = 2 };
        var firstRun = await cache.RunAsync(new Counting("# c\n"), "weights-1", model, new ByteTokenizer(), Split(), settings);
        Assert.False(firstRun.Reused);
        var first = firstRun.Rows;
        Assert.All(first["cr_test"], r => Assert.NotNull(r.TargetNll));
        var predictions = Path.Combine(_dir, "counting", "cr_test.parquet");
        var stamp = File.GetLastWriteTimeUtc(predictions);

        // As after an upgrade: the predictions and their fingerprint exist, the losses do not.
        File.Delete(Path.Combine(_dir, "counting", "cr_test.nll.parquet"));
        var method = new Counting("# c\n");
        var secondRun = await cache.RunAsync(method, "weights-1", model, new ByteTokenizer(), Split(), settings);
        Assert.False(secondRun.Reused);
        Assert.Equal((0, 5), (secondRun.Decoded, secondRun.LossTasks));
        var second = secondRun.Rows;
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(predictions));                              // not decoded again
        Assert.Equal(5, method.Contexts);                                                        // one context per task, for the loss
        Assert.Equal(first["cr_test"].Select(r => r.TargetNll), second["cr_test"].Select(r => r.TargetNll));

        var third = new Counting("# c\n");
        Assert.True((await cache.RunAsync(third, "weights-1", model, new ByteTokenizer(), Split(), settings)).Reused);
        Assert.Equal((0, 0), (third.Contexts, third.Tasks));                                      // nothing computed
        Assert.False((await cache.RunAsync(new Counting("# c\n"), "weights-2", model, new ByteTokenizer(), Split(), settings)).Reused);
    }
}
