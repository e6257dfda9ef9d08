using Code2Lora.Adapters;
using Code2Lora.Config;
using Code2Lora.Experiments;

namespace Code2Lora.Tests.Adapters;

public class LoraConfigTests
{
    [Fact]
    public void EqualityComparesTheTargetNamesNotTheListInstance()
    {
        var a = new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["q_proj", "v_proj"] };
        var b = new LoraConfig { Rank = 8, Alpha = 16, TargetModules = new List<string> { "q_proj", "v_proj" } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { TargetModules = ["q_proj"] });
        Assert.NotEqual(a, b with { Rank = 4 });
        Assert.NotEqual(a, b with { DetachInput = false });
    }

    [Fact]
    public void TheShippedStaticAndEvoConfigsOfOnePresetShareTheirLora()
    {
        // The evolution table's static rows need this: each config file is read into its own list instances.
        foreach (var name in new[] { "smoke", "tiny" })
            Assert.Equal(ConfigFiles.Load<StaticExperimentConfig>("static", name).Value.Lora, ConfigFiles.Load<EvoExperimentConfig>("evo", name).Value.Lora);
    }
}
