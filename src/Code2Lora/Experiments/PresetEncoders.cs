using Code2Lora.Encoders;

namespace Code2Lora.Experiments;

/// <summary>The encoders a preset's experiments read, so `c2l embed --preset P` stores the very vectors training and evaluation look
/// up (test files excluded, the experiments' windows), not a look-alike recipe under another encoder id.</summary>
public static class PresetEncoders
{
    /// <summary>The static track's encoder, then the evolution track's when it differs; the paper's recipe for presets without experiments.</summary>
    public static IReadOnlyList<EncoderConfig> For(string preset) => preset.ToLowerInvariant() switch
    {
        "tiny" or "smoke" => new[] { StaticExperimentConfig.Get(preset).Encoder, EvoExperimentConfig.Get(preset).Encoder }.Distinct().ToList(),
        _ => [EncoderConfig.Paper],
    };
}
