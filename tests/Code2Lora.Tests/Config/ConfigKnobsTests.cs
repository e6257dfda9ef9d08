using Code2Lora.Config;
using Code2Lora.Experiments;

namespace Code2Lora.Tests.Config;

/// <summary>A notebook's parameters cell becomes config overrides: null knobs keep the file's values, set knobs change the
/// resolved config and so the run's name (its own folder).</summary>
public class ConfigKnobsTests
{
    [Fact]
    public void NullKnobsKeepTheFileAndSetKnobsRenameTheRun()
    {
        var overrides = ConfigKnobs.Overrides(("seed", null), ("static_training.learning_rate", 5e-4), ("per_layer_head", false), ("lora.rank", 16));
        Assert.Equal(["static_training.learning_rate=0.0005", "per_layer_head=false", "lora.rank=16"], overrides);

        var unchanged = ConfigFiles.Load<StaticExperimentConfig>("static", "tiny", ConfigKnobs.Overrides(("seed", null), ("lora.rank", null)));
        Assert.Equal("tiny", unchanged.Value.Name);

        var changed = ConfigFiles.Load<StaticExperimentConfig>("static", "tiny", overrides);
        Assert.Equal((16, 5e-4, false), (changed.Value.Lora.Rank, changed.Value.StaticTraining.LearningRate, changed.Value.PerLayerHead));
        Assert.Matches("^tiny-[0-9a-f]{8}$", changed.Value.Name);
        Assert.Equal(changed.Value.Name, ConfigFiles.Load<StaticExperimentConfig>("static", "tiny", overrides).Value.Name);   // same knobs: same run
    }
}
