using System.Text;
using System.Text.Json.Nodes;
using Code2Lora.Models.Tokenization;
using Code2Lora.Tests.Models.Checkpoints;

namespace Code2Lora.Tests.Models.Tokenization;

/// <summary>tokenizer.json round trips, decoding, and the errors of files this tokenizer cannot honour.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ByteLevelBpeTokenizerTests
{
    [Fact]
    public void SaveLoadSaveIsByteIdenticalAndKeepsEveryPart()
    {
        using var dir = new CheckpointTempDir();
        var original = TokenizerFixtures.Small;
        original.Save(dir.File("a.json"));
        var loaded = ByteLevelBpeTokenizer.Load(dir.File("a.json"));
        loaded.Save(dir.File("b.json"));

        Assert.Equal(File.ReadAllBytes(dir.File("a.json")), File.ReadAllBytes(dir.File("b.json")));
        Assert.Equal(original.Vocab.OrderBy(kv => kv.Value), loaded.Vocab.OrderBy(kv => kv.Value));
        Assert.Equal(original.Merges, loaded.Merges);
        Assert.Equal(original.AddedTokens, loaded.AddedTokens);
        Assert.Equal(original.VocabSize, loaded.VocabSize);
        Assert.Equal(original.EosTokenId, loaded.EosTokenId);
        foreach (var text in TokenizerFixtures.Probes) Assert.Equal(original.Encode(text), loaded.Encode(text));
    }

    [Fact]
    public void DecodeInvertsEncodeOnValidText()
    {
        foreach (var text in TokenizerFixtures.ProbesAndCorpus())
            Assert.Equal(text, TokenizerFixtures.Small.Decode(TokenizerFixtures.Small.Encode(text)));
    }

    [Fact]
    public void SpecialTokensAreMatchedVerbatimAndDecodeToThemselves()
    {
        var t = TokenizerFixtures.Small;
        var ids = t.Encode("a<|endoftext|>b");
        Assert.Equal(3, ids.Length);
        Assert.Equal(0, ids[1]);
        Assert.Equal(0, t.EosTokenId);
        Assert.Equal("<|endoftext|>", t.Decode([0]));
    }

    [Fact]
    public void PartialUtf8BecomesReplacementCharactersAndUnknownIdsAreSkipped()
    {
        var t = TokenizerFixtures.Small;
        // Byte-level ids are 1 + byte value: 0xC3 is the first byte of "é", 0xA9 the second.
        var lead = 1 + 0xC3;
        var cont = 1 + 0xA9;
        Assert.Equal("é", t.Decode([lead, cont]));
        Assert.Equal("\uFFFD", t.Decode([lead]));
        Assert.Equal("a\uFFFD", t.Decode([1 + 'a', cont]));
        Assert.Equal("ab", t.Decode([1 + 'a', -1, 1_000_000, 1 + 'b']));
        Assert.Equal("", t.Decode([]));
    }

    [Fact]
    public void ByteIdsFollowTheSpecialTokens()
    {
        var t = TokenizerFixtures.Small;
        Assert.Equal("<|endoftext|>", t.IdToToken(0));
        Assert.Equal("!", t.IdToToken(1 + '!'));
        Assert.Equal("Ġ", t.IdToToken(1 + ' '));   // GPT-2's symbol for the space byte
        Assert.Equal("Ċ", t.IdToToken(1 + '\n'));
        Assert.Equal(600, t.VocabSize);
    }

    private static string Mutated(CheckpointTempDir dir, Action<JsonObject> change)
    {
        var path = dir.File("base.json");
        if (!File.Exists(path)) TokenizerFixtures.Small.Save(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(root);
        var mutated = dir.File($"mutated-{Guid.NewGuid():N}.json");
        File.WriteAllText(mutated, root.ToJsonString());
        return mutated;
    }

    [Fact]
    public void UnsupportedContentsNameTheField()
    {
        using var dir = new CheckpointTempDir();
        var cases = new (Action<JsonObject> Change, string Field)[]
        {
            (r => r["model"]!["type"] = "WordPiece", "model.type 'WordPiece'"),
            (r => r["model"]!["type"] = "Unigram", "model.type 'Unigram'"),
            (r => r["normalizer"] = new JsonObject { ["type"] = "Lowercase" }, "normalizer type 'Lowercase'"),
            (r => r["model"]!["dropout"] = 0.1, "model.dropout"),
            (r => r["model"]!["continuing_subword_prefix"] = "##", "model.continuing_subword_prefix"),
            (r => r["pre_tokenizer"] = new JsonObject { ["type"] = "Whitespace" }, "pre_tokenizer type 'Whitespace'"),
            (r => r["pre_tokenizer"]!["pretokenizers"]![0]!["behavior"] = "Removed", "Split behavior 'Removed'"),
            (r => r["decoder"] = new JsonObject { ["type"] = "WordPiece" }, "decoder type 'WordPiece'"),
            (r => r["added_tokens"]![0]!["lstrip"] = true, "lstrip"),
        };
        foreach (var (change, field) in cases)
        {
            var path = Mutated(dir, change);
            var e = Assert.Throws<NotSupportedException>(() => ByteLevelBpeTokenizer.Load(path));
            Assert.Contains(field, e.Message);
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void InconsistentFilesAreReportedClearly()
    {
        using var dir = new CheckpointTempDir();
        var noByte = Mutated(dir, r => r["model"]!["vocab"]!.AsObject().Remove("Ġ"));
        Assert.Contains("byte-level symbol 'Ġ'", Assert.Throws<InvalidDataException>(() => ByteLevelBpeTokenizer.Load(noByte)).Message);
        var badMerge = Mutated(dir, r => r["model"]!["merges"]!.AsArray().Insert(0, "zz qq"));
        Assert.Contains("merge 0", Assert.Throws<InvalidDataException>(() => ByteLevelBpeTokenizer.Load(badMerge)).Message);
        var badId = Mutated(dir, r => r["added_tokens"]![0]!["id"] = 5);
        Assert.Contains("id 5", Assert.Throws<InvalidDataException>(() => ByteLevelBpeTokenizer.Load(badId)).Message);
        File.WriteAllText(dir.File("broken.json"), "{\"model\": ");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => ByteLevelBpeTokenizer.Load(dir.File("broken.json"))).Message);
        Assert.Throws<FileNotFoundException>(() => ByteLevelBpeTokenizer.Load(dir.File("absent.json")));
    }

    [Fact]
    public void Qwen2PreTokenizerSplitsAsTheRegexDoes()
    {
        // Expected pieces worked out by hand from the Qwen2 regex's alternatives.
        var cases = new (string Text, string[] Pieces)[]
        {
            ("def f(x):\n    return x", ["def", " f", "(x", "):\n", "   ", " return", " x"]),
            ("I'M 2024", ["I", "'M", " ", "2", "0", "2", "4"]),
            ("a  \n\n  b  ", ["a", "  \n\n", " ", " b", "  "]),
            ("😀x é", ["😀x", " é"]),
        };
        var pre = PreTokenizer.ForPattern(PreTokenizer.Qwen2Pattern);
        foreach (var (text, expected) in cases)
        {
            var pieces = new List<(int Start, int Length)>();
            pre.Split(text, 0, text.Length, pieces);
            Assert.Equal(expected, pieces.Select(p => text.Substring(p.Start, p.Length)).ToArray());
        }
    }
}
