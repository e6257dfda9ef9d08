using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Adapters;
using TorchSharp;

namespace Code2Lora.Tests.Evo;

/// <summary>The adapter trajectory along a history equals cosines computed by hand from the walk's contexts and the head.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class AdapterTrajectoryTests
{
    [Fact]
    public void Cosines_match_the_walk_and_the_head()
    {
        torch.manual_seed(12);
        var gru = new CommitGru(new CommitGruConfig { DiffDim = 6, StateDim = 6, HiddenDim = 5 });
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 5, HiddenDim = 8, Lora = AdapterFixtures.Rank4 }, ModelConfigs.Get("tiny-qwen2"));
        var rng = new Random(2);
        float[] V() => Enumerable.Range(0, 6).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var history = new CommitHistory("org/repo", "cr_test", V(),
            Enumerable.Range(0, 4).Select(i => new CommitStep($"sha{i}", i, "train", V(), null)).ToList());

        var t = AdapterTrajectory.Measure(gru, head, history, torch.CPU);
        Assert.Equal(["sha0", "sha1", "sha2", "sha3"], t.Shas);
        Assert.Equal(1.0, t.AdapterToPrevious[0], 9);
        Assert.Equal(1.0, t.AdapterToFirst[0], 9);

        var contexts = HistoryWalk.Contexts(gru, history, torch.CPU).Contexts;
        double Cos(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
        Assert.Equal(Cos(contexts[2], contexts[1]), t.ContextToPrevious[2], 5);
        float[] Flat(float[] ctx)
        {
            using var g = head.forward(torch.tensor(ctx, [1, ctx.Length]));
            return g.A.Keys.Order(StringComparer.Ordinal).SelectMany(k => g.A[k].data<float>().ToArray().Concat(g.B[k].data<float>().ToArray())).ToArray();
        }
        Assert.Equal(Cos(Flat(contexts[3]), Flat(contexts[2])), t.AdapterToPrevious[3], 5);
        Assert.Equal(Cos(Flat(contexts[3]), Flat(contexts[0])), t.AdapterToFirst[3], 5);
        Assert.True(t.AdapterToFirst[3] < 1.0 - 1e-9);     // the adapter does move
    }
}
