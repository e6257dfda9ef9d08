namespace Code2Lora.Models;

/// <summary>Registry of named configs: published dimensions of the paper's models plus tiny ones for tests and laptops.</summary>
public static class ModelConfigs
{
    private static readonly Dictionary<string, ModelConfig> Registry = new(StringComparer.OrdinalIgnoreCase)
    {
        // Test-sized: every code path of the real model (GQA 4/2, bias, tied head) in a few thousand parameters.
        ["tiny-qwen2"] = new ModelConfig
        {
            ModelType = "qwen2", VocabSize = 512, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, RopeTheta = 10000.0, RmsNormEps = 1e-6,
            TieWordEmbeddings = true, AttentionBias = true, MaxPositionEmbeddings = 2048, BosTokenId = 1, EosTokenId = 2,
        },
        // Test-sized Qwen3: explicit head_dim larger than hidden/heads, q/k norm, no bias, untied head.
        ["tiny-qwen3"] = new ModelConfig
        {
            ModelType = "qwen3", VocabSize = 512, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, HeadDim = 32, RopeTheta = 1000000.0, RmsNormEps = 1e-6,
            TieWordEmbeddings = false, QkNorm = true, MaxPositionEmbeddings = 2048, BosTokenId = 1, EosTokenId = 2,
        },
        // Qwen/Qwen2.5-Coder-0.5B config.json: 494,032,768 parameters.
        ["qwen2.5-coder-0.5b"] = new ModelConfig
        {
            ModelType = "qwen2", VocabSize = 151936, HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24,
            NumAttentionHeads = 14, NumKeyValueHeads = 2, RopeTheta = 1000000.0, RmsNormEps = 1e-6,
            TieWordEmbeddings = true, AttentionBias = true, MaxPositionEmbeddings = 32768, BosTokenId = 151643, EosTokenId = 151643,
        },
        // Qwen/Qwen2.5-Coder-1.5B config.json (the paper's frozen base LM): 1,543,714,304 parameters.
        ["qwen2.5-coder-1.5b"] = new ModelConfig
        {
            ModelType = "qwen2", VocabSize = 151936, HiddenSize = 1536, IntermediateSize = 8960, NumHiddenLayers = 28,
            NumAttentionHeads = 12, NumKeyValueHeads = 2, RopeTheta = 1000000.0, RmsNormEps = 1e-6,
            TieWordEmbeddings = true, AttentionBias = true, MaxPositionEmbeddings = 32768, BosTokenId = 151643, EosTokenId = 151643,
        },
        // Qwen/Qwen3-Embedding-0.6B config.json (the paper's repository encoder): 595,776,512 parameters.
        ["qwen3-embedding-0.6b"] = new ModelConfig
        {
            ModelType = "qwen3", VocabSize = 151669, HiddenSize = 1024, IntermediateSize = 3072, NumHiddenLayers = 28,
            NumAttentionHeads = 16, NumKeyValueHeads = 8, HeadDim = 128, RopeTheta = 1000000.0, RmsNormEps = 1e-6,
            TieWordEmbeddings = true, QkNorm = true, MaxPositionEmbeddings = 32768, BosTokenId = 151643, EosTokenId = 151643,
        },
    };

    /// <summary>Registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Registry.Keys.ToList();

    /// <summary>Looks a config up by name (case-insensitive); the error lists the known names.</summary>
    public static ModelConfig Get(string name) =>
        Registry.TryGetValue(name, out var config)
            ? config
            : throw new KeyNotFoundException($"unknown model '{name}'; known: {string.Join(", ", Names)}.");
}
