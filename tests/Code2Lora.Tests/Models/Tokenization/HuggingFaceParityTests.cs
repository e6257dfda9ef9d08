using System.Text.Json.Nodes;
using Code2Lora.Models.Tokenization;
using Code2Lora.Tests.Models.Checkpoints;

namespace Code2Lora.Tests.Models.Tokenization;

/// <summary>Ids equal to Hugging Face tokenizers (the Rust library, through Tokenizers.DotNet) loading the same tokenizer.json.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class HuggingFaceParityTests
{
    private static void AssertSameIds(ByteLevelBpeTokenizer ours, string tokenizerJsonPath, IEnumerable<string> texts)
    {
        using var reference = new Tokenizers.DotNet.Tokenizer(tokenizerJsonPath);
        foreach (var text in texts)
        {
            var expected = reference.Encode(text).Select(i => (int)i).ToArray();
            var actual = ours.Encode(text);
            Assert.True(expected.SequenceEqual(actual),
                $"ids differ on {System.Text.Json.JsonSerializer.Serialize(text[..Math.Min(200, text.Length)])}:\n HF:   [{string.Join(", ", expected.Take(60))}]\n ours: [{string.Join(", ", actual.Take(60))}]");
        }
    }

    [Fact]
    public void TrainedQwen2PatternTokenizerMatchesHuggingFace()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("tokenizer.json");
        TokenizerFixtures.Small.Save(path);

        AssertSameIds(ByteLevelBpeTokenizer.Load(path), path, TokenizerFixtures.ProbesAndCorpus());
        AssertSameIds(TokenizerFixtures.Small, path, TokenizerFixtures.Probes);
    }

    [Fact]
    public void Gpt2PatternTokenizerMatchesHuggingFace()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("tokenizer.json");
        var gpt2 = TokenizerFixtures.Train(400, PreTokenizer.Gpt2Pattern);
        gpt2.Save(path);

        AssertSameIds(gpt2, path, TokenizerFixtures.ProbesAndCorpus());
    }

    [Fact]
    public void OtherOnDiskFormsLoadAndMatchHuggingFace()
    {
        // GPT-2's own layout: plain ByteLevel(use_regex) pre-tokenizer, [a, b] merges, NFC normalizer, specials outside model.vocab.
        using var dir = new CheckpointTempDir();
        var canonical = dir.File("canonical.json");
        TokenizerFixtures.Train(400, PreTokenizer.Gpt2Pattern).Save(canonical);
        var root = JsonNode.Parse(File.ReadAllText(canonical))!.AsObject();
        root["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        root["normalizer"] = new JsonObject { ["type"] = "NFC" };
        var model = root["model"]!.AsObject();
        var merges = new JsonArray();
        foreach (var m in model["merges"]!.AsArray())
        {
            var parts = m!.GetValue<string>().Split(' ');
            merges.Add(new JsonArray(parts[0], parts[1]));
        }
        model["merges"] = merges;
        // Qwen2's layout: specials are not in model.vocab and come right after it.
        var vocab = new JsonObject();
        foreach (var (token, id) in model["vocab"]!.AsObject())
            if (token != "<|endoftext|>") vocab[token] = id!.GetValue<int>() - 1;
        model["vocab"] = vocab;
        root["added_tokens"]![0]!["id"] = vocab.Count;
        var variant = dir.File("tokenizer.json");
        File.WriteAllText(variant, root.ToJsonString());

        var loaded = ByteLevelBpeTokenizer.Load(variant);

        Assert.True(loaded.Nfc);
        Assert.Equal(PreTokenizer.Gpt2Pattern, loaded.PreTokenizerPattern);
        Assert.Equal(399, loaded.EosTokenId);
        AssertSameIds(loaded, variant, TokenizerFixtures.ProbesAndCorpus());
    }

    [Fact]
    public void OtherRegexAndIgnoreMergesMatchHuggingFaceOnBmpText()
    {
        // Patterns without a hand-written scanner run on .NET Regex, which sees a surrogate pair as two non-letters: BMP text only here.
        using var dir = new CheckpointTempDir();
        var canonical = dir.File("canonical.json");
        TokenizerFixtures.Train(400, @"\s+|\w+|[^\s\w]+").Save(canonical);
        var root = JsonNode.Parse(File.ReadAllText(canonical))!.AsObject();
        root["model"]!["ignore_merges"] = true;
        var path = dir.File("tokenizer.json");
        File.WriteAllText(path, root.ToJsonString());

        var loaded = ByteLevelBpeTokenizer.Load(path);

        Assert.True(loaded.IgnoreMerges);
        AssertSameIds(loaded, path, TokenizerFixtures.ProbesAndCorpus().Where(t => !t.Any(char.IsSurrogate)));
    }
}
