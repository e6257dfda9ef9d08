using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Adapters;
using Code2Lora.Tests.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Hyper;

/// <summary>The conditioning diagnostics on heads whose answer is known: a head that ignores its input shows no gap, a head that must
/// use its input (trained on answers only the vector can tell) shows a large one, another repository's vector always comes from the
/// task's own split, and the mean adapter is the mean weight change (1/n)·Σ BᵢAᵢ, not the product of mean factors.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ConditioningLossTests(RepositorySpecificHead trained) : IClassFixture<RepositorySpecificHead>
{
    private static readonly ModelConfig Tiny = ModelConfigs.Get("tiny-qwen2");

    private static RepoContexts Contexts(int width, params string[] repos) => RepoContexts.From(repos.Select((r, k) =>
        (Key: (r, r[0] + "1"), Vector: Enumerable.Range(0, width).Select(i => (float)Math.Sin((k + 1) * (i + 1))).ToArray())).ToDictionary(x => x.Key, x => x.Vector));

    private static QnaRow Task(string repo, string split, int i) => new()
        { RepoId = repo, CommitSha = repo[0] + "1", Split = split, Prefix = $"def f{i}():\n    return ", Target = $"{i * 7}" };

    [Fact]
    public void A_head_that_ignores_its_input_shows_no_gap()
    {
        torch.manual_seed(4);
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 8, HiddenDim = 16, Lora = AdapterFixtures.Rank4, InitLogScale = -1 }, model.Config);
        using (torch.no_grad()) head.named_parameters().Single(p => p.name == "trunk.0.weight").parameter.zero_();   // collapsed: output = f(bias)
        var tasks = new[] { "alpha", "beta", "gamma", "alpha" }.Select((r, i) => Task(r, SplitNames.IrTest, i)).ToList();
        var loss = ConditioningLoss.Measure(SplitNames.IrTest, slots, head, Contexts(8, "alpha", "beta", "gamma"), tasks,
            [("alpha", "a1"), ("beta", "b1"), ("gamma", "g1")], new ByteTokenizer(), new Code2Lora.Evaluation.CompletionSettings { MaxInputTokens = 32, BatchSize = 2 }, seed: 3);
        Assert.Equal(4, loss.Tasks);
        Assert.Equal(0.0, loss.OtherMinusOwn.Difference, 6);
        Assert.Equal(0.0, loss.ZeroMinusOwn.Difference, 6);
        Assert.Equal(0.0, loss.MeanMinusOwn.Difference, 4);   // the mean of identical adapters, summed in another order
        Assert.True(loss.Own > 1.0);                          // a real loss was computed, not an empty one
    }

    [Fact]
    public void A_head_that_must_use_its_input_shows_a_gap_on_tasks_and_on_repositories()
    {
        var loss = ConditioningLoss.Measure(SplitNames.IrTest, trained.Slots, trained.Head, trained.Contexts, trained.Tasks,
            [("alpha", "a1"), ("beta", "b1")], RepositorySpecificHead.Tokenizer, RepositorySpecificHead.Settings, seed: 1);
        Assert.True(loss.Own < 0.05, $"own loss {loss.Own}");
        Assert.True(loss.OtherMinusOwn.Ci[0] > 1.0, $"other − own CI {loss.OtherMinusOwn.Ci[0]}");
        Assert.Equal((2, 2, 0), (loss.OtherMinusOwn.Repos, loss.OtherMinusOwn.ReposAbove, loss.OtherMinusOwn.ReposBelow));
        Assert.True(loss.OtherMinusOwn.RepoCi![0] > 1.0, $"repository CI {loss.OtherMinusOwn.RepoInterval("F3")}");
        Assert.True(loss.MeanMinusOwn.Ci[0] > 0.0, $"mean − own CI {loss.MeanMinusOwn.Ci[0]}");
        Assert.True(loss.ZeroMinusOwn.Ci[0] > 0.0, $"zero − own CI {loss.ZeroMinusOwn.Ci[0]}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Another_repositorys_vector_comes_from_the_tasks_own_split(int seed)
    {
        var contexts = Contexts(4, "alpha", "beta", "gamma", "delta", "eps", "zeta");
        var repoOf = new[] { "alpha", "beta", "gamma", "delta", "eps", "zeta" }.ToDictionary(r => (object)contexts.Get(r, r[0] + "1"), r => r, ReferenceEqualityComparer.Instance);
        var splitOf = new Dictionary<string, string>
        {
            ["alpha"] = SplitNames.IrTest, ["beta"] = SplitNames.IrTest, ["gamma"] = SplitNames.CrTest, ["delta"] = SplitNames.CrTest, ["eps"] = SplitNames.CrTest, ["zeta"] = SplitNames.CrVal,
        };
        var tasks = splitOf.SelectMany(kv => Enumerable.Range(0, 3).Select(i => Task(kv.Key, kv.Value, i))).ToList();
        var other = GeneratedAdapterMethod.Shuffled(contexts, tasks, seed);
        foreach (var t in tasks.Where(t => t.Split != SplitNames.CrVal))
        {
            var borrowed = repoOf[other(t)];
            Assert.NotEqual(t.RepoId, borrowed);
            Assert.Equal(t.Split, splitOf[borrowed]);
        }
        Assert.Equal([SplitNames.CrTest, SplitNames.IrTest], GeneratedAdapterMethod.SplitsWithOtherRepositories(tasks));
        var lone = Assert.Throws<InvalidOperationException>(() => other(tasks.First(t => t.Split == SplitNames.CrVal)));
        Assert.Contains("split 'cr_val'", lone.Message);
    }

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 3)]
    [InlineData(true, 12)]      // 12 · r 4 = 48 > 32 (k/v out): the dense branch for k, v; stacked for the rest
    public void The_mean_adapter_is_the_average_weight_change(bool perLayer, int repos)
    {
        torch.manual_seed(6);
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 8, HiddenDim = 16, Lora = AdapterFixtures.Rank4, PerLayer = perLayer, InitLogScale = -1 }, Tiny);
        var names = Enumerable.Range(0, repos).Select(i => $"r{i}").ToArray();
        var contexts = Contexts(8, names);
        using var stacked = contexts.Stack(names.Select(n => (n, n[0] + "1")).ToList(), torch.CPU);
        using var generated = head.forward(stacked);
        using var mean = new MeanAdapter(head, stacked, Tiny.NumHiddenLayers);
        var factorsDiffer = false;
        for (var layer = 0; layer < Tiny.NumHiddenLayers; layer++)
            foreach (var type in AdapterFixtures.Rank4.SortedTargets)
            {
                var rows = generated.WeightsFor(layer, type)!;
                var averaged = mean.WeightsFor(layer, type)!;
                using var wanted = rows.B.matmul(rows.A).mean([0]);                     // (1/n) Σ Bᵢ Aᵢ
                Assert.True(AdapterFixtures.MaxAbsDiff(averaged.B.matmul(averaged.A), wanted) < 1e-6, $"{layer} {type}");
                using var ofMeans = rows.B.mean([0]).matmul(rows.A.mean([0]));          // what averaging the factors gives
                factorsDiffer |= AdapterFixtures.MaxAbsDiff(ofMeans, wanted) > 1e-4;
            }
        Assert.True(factorsDiffer);              // the check above could fail: mean(B)·mean(A) is another adapter
        Assert.Null(mean.WeightsFor(0, "not_a_type"));
        using var model = AdapterFixtures.Model();
        LoraSlots.Install(model, AdapterFixtures.Rank4).Use(mean);   // the slots take a pair of rank n·r (or dense) for the mean
    }
}
