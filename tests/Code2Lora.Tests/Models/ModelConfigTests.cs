using Code2Lora.Models;

namespace Code2Lora.Tests.Models;

/// <summary>Registry dimensions, analytic parameter counts and config.json parsing.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ModelConfigTests
{
    [Theory]
    [InlineData("qwen2.5-coder-1.5b", 1_543_714_304L)]   // paper-notes §1.9
    [InlineData("qwen2.5-coder-0.5b", 494_032_768L)]     // Qwen2.5-Coder-0.5B model card (0.49B)
    [InlineData("qwen3-embedding-0.6b", 595_776_512L)]   // keras-hub qwen3_embedding_0.6b_en preset "params"
    public void PublishedModelsHaveTheirPublishedParameterCounts(string name, long expected) =>
        Assert.Equal(expected, DecoderLM.CountParameters(ModelConfigs.Get(name)));

    [Fact]
    public void TheBaseModelRowMatchesThePaper()
    {
        var c = ModelConfigs.Get("Qwen2.5-Coder-1.5B");
        Assert.Equal((28, 1536, 12, 2, 128, 8960, 151936), (c.NumHiddenLayers, c.HiddenSize, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim, c.IntermediateSize, c.VocabSize));
        Assert.True(c.TieWordEmbeddings && c.AttentionBias && !c.QkNorm && !c.OutputProjectionBias);
        Assert.Equal(1e6, c.RopeTheta);
        Assert.Contains("qwen2.5-coder-1.5b", Assert.Throws<KeyNotFoundException>(() => ModelConfigs.Get("gpt-5")).Message);
    }

    [Fact]
    public void HuggingFaceConfigJsonParsesToTheRegistryRowAndRoundTrips()
    {
        // The published config.json of Qwen/Qwen2.5-Coder-1.5B, extra fields included (they must be ignored).
        const string json = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151643,
             "hidden_act": "silu", "hidden_size": 1536, "initializer_range": 0.02, "intermediate_size": 8960,
             "max_position_embeddings": 32768, "max_window_layers": 28, "model_type": "qwen2", "num_attention_heads": 12,
             "num_hidden_layers": 28, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
             "sliding_window": 131072, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.45.2",
             "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
            """;
        var dir = Directory.CreateTempSubdirectory("c2l-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "config.json");
            File.WriteAllText(path, json);
            var parsed = ModelConfig.FromJson(path);
            Assert.Equal(ModelConfigs.Get("qwen2.5-coder-1.5b"), parsed);
            foreach (var name in ModelConfigs.Names)
            {
                File.WriteAllText(path, ModelConfigs.Get(name).ToJson());
                Assert.Equal(ModelConfigs.Get(name), ModelConfig.FromJson(path));
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void RopeThetaIsReadFromTransformers5RopeParametersAndScaledRopeIsRefused()
    {
        const string dims = """
            "model_type": "qwen3", "vocab_size": 16, "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2
            """;
        Assert.Equal(1e6, ModelConfig.FromJsonText("{" + dims + """, "rope_parameters": {"rope_theta": 1000000.0, "rope_type": "default"}}""").RopeTheta);
        Assert.Equal(5e5, ModelConfig.FromJsonText("{" + dims + """, "rope_theta": 500000, "rope_scaling": null}""").RopeTheta);
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.FromJsonText("{" + dims + """, "rope_scaling": {"type": "yarn", "factor": 4.0}}"""));
        Assert.Contains("yarn", e.Message);
    }

    [Fact]
    public void MissingOrMalformedFieldsAreNamed()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.FromJsonText("""{"model_type": "qwen2", "vocab_size": 10}"""));
        Assert.Contains("hidden_size", e.Message);
        Assert.Contains("num_attention_heads", e.Message);
        var bad = Assert.Throws<InvalidDataException>(() => ModelConfig.FromJsonText(
            """{"model_type": "qwen2", "vocab_size": "many", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}"""));
        Assert.Contains("vocab_size", bad.Message);
        Assert.Throws<ArgumentException>(() => ModelConfigs.Get("tiny-qwen2") with { NumKeyValueHeads = 3 } is var c ? c.Validate() : null);
    }

    [Fact]
    public void EosListTakesItsFirstIdAndQwen3ReadsHeadDim()
    {
        var c = ModelConfig.FromJsonText("""
            {"model_type": "qwen3", "vocab_size": 100, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 12, "eos_token_id": [7, 8]}
            """);
        Assert.Equal((12, 7, true, false), (c.HeadDim, c.EosTokenId, c.QkNorm, c.AttentionBias));
    }
}
