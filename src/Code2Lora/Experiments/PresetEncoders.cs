using Code2Lora.Config;
using Code2Lora.Encoders;

namespace Code2Lora.Experiments;

/// <summary>The encoders an experiment config's runs read, so `c2l embed --config F` stores the very vectors training and evaluation
/// look up (test files excluded, the experiments' windows), not a look-alike recipe under another encoder id.</summary>
public static class PresetEncoders
{
    /// <summary>The static config's encoder, then that of the evolution config of the same name (configs/evo/NAME.json) when it differs.</summary>
    public static IReadOnlyList<EncoderConfig> For(StaticExperimentConfig config)
    {
        var evo = ConfigFiles.Available("evo").Contains(config.Name) ? EvoExperimentConfig.Get(config.Name).Encoder : null;
        return new[] { config.Encoder, evo }.OfType<EncoderConfig>().Distinct().ToList();
    }

    /// <summary>The encoders of the config named <paramref name="name"/> (configs/static/NAME.json).</summary>
    public static IReadOnlyList<EncoderConfig> For(string name) => For(StaticExperimentConfig.Get(name));
}
