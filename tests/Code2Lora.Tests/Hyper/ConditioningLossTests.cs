using Code2Lora.Adapters;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Adapters;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training.Completion;
using TorchSharp;

namespace Code2Lora.Tests.Hyper;

/// <summary>The conditioning diagnostics on heads whose answer is known: a head that ignores its input gives no gap, and the
/// mean adapter is the element-wise mean of the generated ones, per layer when the head is per-layer.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ConditioningLossTests
{
    private static readonly ModelConfig Tiny = ModelConfigs.Get("tiny-qwen2");

    private static RepoContexts Contexts(int width) => RepoContexts.From(new Dictionary<(string, string), float[]>
    {
        [("alpha", "a1")] = Enumerable.Range(0, width).Select(i => (float)Math.Sin(i)).ToArray(),
        [("beta", "b1")] = Enumerable.Range(0, width).Select(i => (float)Math.Cos(3 * i)).ToArray(),
        [("gamma", "c1")] = Enumerable.Range(0, width).Select(i => i % 2 == 0 ? 1f : -1f).ToArray(),
    });

    [Fact]
    public void A_head_that_ignores_its_input_shows_no_gap()
    {
        torch.manual_seed(4);
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 8, HiddenDim = 16, Lora = AdapterFixtures.Rank4, InitLogScale = -1 }, model.Config);
        using (torch.no_grad()) head.named_parameters().Single(p => p.name == "trunk.0.weight").parameter.zero_();   // collapsed: output = f(bias)
        var rows = new[] { "alpha", "beta", "gamma", "alpha" }.Select((r, i) => new Code2Lora.Bench.QnaRow
            { RepoId = r, CommitSha = r == "gamma" ? "c1" : r[0] + "1", Prefix = $"def f{i}():\n    return ", Target = $"{i * 7}" }).ToList();
        var examples = CompletionExamples.Build(rows, new ByteTokenizer(), maxTokens: 32);
        var loss = ConditioningLoss.Measure("ir_test", slots, head, Contexts(8), examples, [("alpha", "a1"), ("beta", "b1"), ("gamma", "c1")], rows, 2, 256, seed: 3);
        Assert.Equal(4, loss.Tasks);
        Assert.Equal(0.0, loss.ShuffledMinusOwn, 6);
        Assert.Equal(0.0, loss.MeanMinusOwn, 4);
        Assert.True(loss.Own > 1.0);                       // a real loss was computed, not an empty one
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_mean_adapter_is_the_mean_of_the_generated_ones(bool perLayer)
    {
        torch.manual_seed(6);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 8, HiddenDim = 16, Lora = AdapterFixtures.Rank4, PerLayer = perLayer }, Tiny);
        var contexts = Contexts(8);
        using var stacked = contexts.Stack([("alpha", "a1"), ("beta", "b1"), ("gamma", "c1")], torch.CPU);
        using var generated = head.forward(stacked);
        using var mean = new MeanAdapter(head, stacked);
        for (var layer = 0; layer < Tiny.NumHiddenLayers; layer++)
        {
            var rows = generated.WeightsFor(layer, "up_proj")!;
            var averaged = mean.WeightsFor(layer, "up_proj")!;
            Assert.True(AdapterFixtures.MaxAbsDiff(rows.A.mean([0]), averaged.A) < 1e-7);
            Assert.True(AdapterFixtures.MaxAbsDiff(rows.B.mean([0]), averaged.B) < 1e-7);
        }
        Assert.Null(mean.WeightsFor(0, "not_a_type"));
    }
}
