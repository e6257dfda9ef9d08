using Code2Lora.Models.Tokenization;

namespace Code2Lora.Models;

/// <summary>A model directory in memory: the decoder with its weights, its tokenizer and config, and where it came from.</summary>
/// <param name="Model">The decoder, weights loaded.</param>
/// <param name="Tokenizer">The tokenizer of tokenizer.json.</param>
/// <param name="Config">The config of config.json.</param>
/// <param name="Directory">The directory it was loaded from.</param>
public sealed record LoadedModel(DecoderLM Model, ITextTokenizer Tokenizer, ModelConfig Config, string Directory)
{
    /// <summary>The safetensors "__metadata__" of the weights (empty for a sharded checkpoint).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The Hub id it was loaded by (from the huggingface_hub cache), or null for a directory named by its path.</summary>
    public string? HubId { get; init; }

    /// <summary>What an adapter names as its base (PEFT's base_model_name_or_path): the Hub id it was loaded by, else
    /// <see cref="ModelDirectory.NameOrPath"/>.</summary>
    public string NameOrPath => HubId ?? ModelDirectory.NameOrPath(Directory);
}
