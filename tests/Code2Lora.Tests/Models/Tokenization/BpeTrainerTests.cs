using Code2Lora.Models.Tokenization;
using Code2Lora.Tests.Models.Checkpoints;

namespace Code2Lora.Tests.Models.Tokenization;

/// <summary>The trainer's merges on a toy corpus, its id layout, determinism and settings checks.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class BpeTrainerTests
{
    [Fact]
    public void ToyCorpusLearnsTheExpectedMergesInOrder()
    {
        // Pieces "aaab" and " aaab". Pair counts: (a,a) 4, (a,b) 2, (Ġ,a) 1, so "a a" first; then (aa,a) and (a,b) tie at 2
        // and the smaller (left id, right id) wins: a=98 < aa=257, so "a b"; then (aa,ab) at 2.
        var t = BpeTrainer.Train(["aaab aaab"], new BpeTrainerSettings { VocabSize = 1 + 256 + 3, MinPairFrequency = 2 });

        Assert.Equal([("a", "a"), ("a", "b"), ("aa", "ab")], t.Merges);
        Assert.Equal(257, t.Vocab["aa"]);
        Assert.Equal(258, t.Vocab["ab"]);
        Assert.Equal(259, t.Vocab["aaab"]);
        Assert.Equal([259, 1 + ' ', 259], t.Encode("aaab aaab"));
        Assert.Equal([259, 0, 1 + 'b'], t.Encode("aaab<|endoftext|>b"));
    }

    [Fact]
    public void MinPairFrequencyStopsTraining()
    {
        var t = BpeTrainer.Train(["aaab aaab"], new BpeTrainerSettings { VocabSize = 1000, MinPairFrequency = 3 });
        Assert.Equal([("a", "a")], t.Merges);
        Assert.Equal(258, t.VocabSize);
    }

    [Fact]
    public void SpecialTokensComeFirstAndAreNeverMerged()
    {
        var settings = new BpeTrainerSettings { VocabSize = 300, SpecialTokens = ["<|endoftext|>", "<|pad|>"], MinPairFrequency = 1 };
        var texts = Enumerable.Repeat("x = 1<|endoftext|>y = 2<|pad|>", 20).ToList();
        var t = BpeTrainer.Train(texts, settings);

        Assert.Equal("<|endoftext|>", t.IdToToken(0));
        Assert.Equal("<|pad|>", t.IdToToken(1));
        Assert.Equal("Ā", t.IdToToken(2));          // byte 0x00
        Assert.DoesNotContain(t.Vocab.Keys.Where(k => !settings.SpecialTokens.Contains(k)), k => k.Contains("endoftext") || k.Contains("pad") || k.Contains("<|"));
        Assert.Equal([2 + 'x', 0], t.Encode("x<|endoftext|>"));
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        using var dir = new CheckpointTempDir();
        TokenizerFixtures.Train(500, PreTokenizer.Qwen2Pattern).Save(dir.File("a.json"));
        TokenizerFixtures.Train(500, PreTokenizer.Qwen2Pattern).Save(dir.File("b.json"));
        Assert.Equal(File.ReadAllBytes(dir.File("a.json")), File.ReadAllBytes(dir.File("b.json")));
        Assert.Equal(500, ByteLevelBpeTokenizer.Load(dir.File("a.json")).VocabSize);
    }

    [Fact]
    public void ImpossibleSettingsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a"], new BpeTrainerSettings { VocabSize = 256 }));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a"], new BpeTrainerSettings { SpecialTokens = ["x", "x"] }));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a"], new BpeTrainerSettings { MinPairFrequency = 0 }));
    }
}
