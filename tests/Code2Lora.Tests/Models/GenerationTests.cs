using Code2Lora.Models;
using TorchSharp;

namespace Code2Lora.Tests.Models;

/// <summary>Greedy decoding: EOS, banned ids, token budget, and batched == one prompt at a time.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class GenerationTests
{
    private static DecoderLM Seeded(string name)
    {
        torch.manual_seed(3);
        return new DecoderLM(ModelConfigs.Get(name));
    }

    private static readonly int[][] Prompts = [[5, 9, 33, 40, 7, 8], [100, 200, 300], [42]];

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void BudgetIsHonouredAndBatchedEqualsOneByOne(string name)
    {
        using var model = Seeded(name);
        var batched = Generation.Greedy(model, Prompts, maxNewTokens: 6, eosTokenId: null);
        Assert.All(batched, o => Assert.Equal(6, o.Length));
        for (var i = 0; i < Prompts.Length; i++)
            Assert.Equal(Generation.Greedy(model, [Prompts[i]], 6, null)[0], batched[i]);
        // The cached decode equals re-running the full sequence and taking the argmax each time.
        var seq = Prompts[1].ToList();
        for (var step = 0; step < 6; step++)
        {
            using var logits = model.Forward(torch.tensor(seq.Select(t => (long)t).ToArray()).unsqueeze(0));
            seq.Add((int)logits[0, -1].argmax().item<long>());
        }
        Assert.Equal(seq.Skip(3), batched[1]);
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void EachSequenceStopsAtItsOwnEos(string name)
    {
        using var model = Seeded(name);
        var free = Generation.Greedy(model, Prompts, 8, null);
        // Pick, as EOS, a token some prompt emits first at a step k > 0 (random tiny models often repeat one token);
        // otherwise the first token of prompt 0, which must then stop it at once.
        var eos = Enumerable.Range(0, Prompts.Length)
            .SelectMany(i => Enumerable.Range(1, 7).Where(j => !free[i][..j].Contains(free[i][j])).Select(j => (int?)free[i][j]))
            .FirstOrDefault() ?? free[0][0];
        var stopped = Generation.Greedy(model, Prompts, 8, eos);
        Assert.Contains(stopped, o => o.Length < 8);
        for (var i = 0; i < Prompts.Length; i++)
        {
            var cut = Array.IndexOf(free[i], eos);
            Assert.Equal(cut < 0 ? free[i] : free[i][..cut], stopped[i]);
            Assert.Equal(Generation.Greedy(model, [Prompts[i]], 8, eos)[0], stopped[i]);
        }
    }

    [Fact]
    public void BannedIdsNeverAppear()
    {
        using var model = Seeded("tiny-qwen2");
        var free = Generation.Greedy(model, Prompts, 5, null);
        var banned = free.SelectMany(o => o).ToHashSet();
        var constrained = Generation.Greedy(model, Prompts, 5, null, banned);
        Assert.All(constrained, o => { Assert.Equal(5, o.Length); Assert.DoesNotContain(o, banned.Contains); });
    }

    [Fact]
    public void EdgeCasesAreClear()
    {
        using var model = Seeded("tiny-qwen2");
        Assert.Empty(Generation.Greedy(model, [], 4, 2));
        Assert.All(Generation.Greedy(model, Prompts, 0, 2), Assert.Empty);
        Assert.Contains("prompt 1 is empty", Assert.Throws<ArgumentException>(() => Generation.Greedy(model, [[1], []], 4, 2)).Message);
    }
}
