using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Training.Completion;
using TorchSharp;

namespace Code2Lora.Tests.Evaluation;

/// <summary>The evaluation harness keeps task order, tells the method each batch's tasks, and scores in percent.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class MethodEvaluatorTests
{
    private sealed class Recording(string? context) : ICompletionMethod
    {
        public List<string[]> Batches { get; } = [];
        public string Name => "recording";
        public string? ContextFor(QnaRow task) => context;
        public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => Batches.Add(tasks.Select(t => t.RepoId).ToArray());
    }

    [Fact]
    public void Predictions_come_back_in_task_order_and_the_method_sees_every_batch()
    {
        torch.manual_seed(1);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        // Prefixes of different lengths, so the length-sorted batches differ from task order.
        var tasks = Enumerable.Range(0, 5).Select(i => new QnaRow { RepoId = $"r{i}", Prefix = new string('x', 3 + 7 * ((i * 3) % 5)), Target = "1" }).ToList();
        var method = new Recording(context: "# ctx\n");
        var result = MethodEvaluator.Run(method, model, new ByteTokenizer(), new Dictionary<string, IReadOnlyList<QnaRow>> { ["cr_test"] = tasks },
            new CompletionSettings { BatchSize = 2, MaxNewTokens = 3 });

        var rows = result["cr_test"];
        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], rows.Select(r => r.RepoId));
        Assert.Equal([0, 1, 2, 3, 4], rows.Select(r => r.TaskIndex));
        Assert.Equal(3, method.Batches.Count);
        Assert.Equal(tasks.Select(t => t.RepoId).Order(), method.Batches.SelectMany(b => b).Order());
        Assert.All(rows, r => Assert.Equal(6, r.ExtraTokens));          // "# ctx\n" is 6 byte tokens
        Assert.All(rows, r => Assert.Equal("recording", r.Method));
    }

    [Fact]
    public void Split_scores_are_percentages_with_intervals()
    {
        var rows = new[] { true, false, true, true }.Select(em => new PredictionRow { ExactMatch = em, EditSimilarity = em ? 1 : 0.5, CodeBleu = em ? 1 : 0.25, ExtraTokens = 10 }).ToList();
        var s = SplitScore.Of("cr_test", rows);
        Assert.Equal(75.0, s.ExactMatch.Mean);
        Assert.Equal(0.875, s.EditSimilarity.Mean);
        Assert.Equal(0.8125, s.CodeBleu.Mean);
        Assert.InRange(s.CodeBleu.Low, 0.25, 0.8125);
        Assert.InRange(s.ExactMatch.Low, 0, 75);
        Assert.Equal(10, s.MeanExtraTokens);
    }

    [Fact]
    public void Epoch_order_is_a_fresh_permutation_each_epoch_and_a_pure_function_of_position()
    {
        var order = new EpochOrder(7, seed: 3);
        var first = Enumerable.Range(0, 7).Select(p => order.At(p)).ToArray();
        var second = Enumerable.Range(7, 7).Select(p => order.At(p)).ToArray();
        Assert.Equal(Enumerable.Range(0, 7), first.Order());
        Assert.Equal(Enumerable.Range(0, 7), second.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(second[2], new EpochOrder(7, seed: 3).At(9));      // no hidden state: any position, any time
        Assert.Equal(6, EpochOrder.StepsFor(count: 7, epochs: 3, examplesPerStep: 4));
    }
}
