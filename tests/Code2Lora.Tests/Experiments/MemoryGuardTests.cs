using Code2Lora.Experiments;
using Code2Lora.Models;
using TorchSharp;

namespace Code2Lora.Tests.Experiments;

/// <summary>A stage whose planned peak exceeds the device's memory stops before any weight is loaded, naming the stage and the figure.</summary>
public sealed class MemoryGuardTests
{
    private static readonly StaticExperimentConfig Static = StaticExperimentConfig.Smoke;
    private static readonly EvoExperimentConfig Evo = EvoExperimentConfig.Smoke;

    [Fact]
    public void A_stage_that_does_not_fit_stops_naming_the_stage_and_the_plans_peak()
    {
        var plan = MemoryPlanner.Plan(Static, Evo, FrozenBase.Check(Static.BaseModel), FrozenBase.Check(Static.BaseModel), BenchCounts.Paper);
        foreach (var stage in new[] { "encode", "train-static", "evaluate" })
        {
            var peak = plan[stage].PeakBytes;
            MemoryGuard.Check(stage, Static, null, _ => peak);   // exactly enough: runs
            var e = Assert.Throws<InvalidOperationException>(() => MemoryGuard.Check(stage, Static, null, _ => peak - 1));
            Assert.Contains($"static config 'smoke', stage {stage}: the memory plan's peak is {peak / 1073741824.0:F1} GiB (fp32", e.Message);
            Assert.Contains("no weights were loaded", e.Message);
            Assert.Contains("activation_checkpointing=true", e.Message);
        }
        var evo = Assert.Throws<InvalidOperationException>(() => MemoryGuard.Check("train-evo", null, Evo, _ => 1));
        Assert.Contains("evo config 'smoke', stage train-evo", evo.Message);
        MemoryGuard.Check("train-evo", null, Evo, _ => null);   // an amount the machine cannot tell passes
    }

    [Fact]
    public void The_device_check_reads_the_machine_and_skips_the_meta_device()
    {
        Assert.True(Code2Lora.Runtime.DeviceMemory.Bytes(torch.CPU) > 1L << 28);
        Assert.Null(Code2Lora.Runtime.DeviceMemory.Bytes(torch.device("meta")));
        MemoryGuard.Check("train-static", Static with { Device = "meta" }, null, _ => 1);   // the dry run never stops on memory
        MemoryGuard.Check("train-static", Static, null);                                    // the smoke config fits this machine
    }

    [Fact]
    public void A_missing_model_directory_fails_with_its_own_message_first()
    {
        var missing = Static with { BaseModel = "models/not-downloaded" };
        var e = Assert.Throws<Code2Lora.Models.Checkpoints.CheckpointException>(() => MemoryGuard.Check("train-static", missing, null, _ => 1));
        Assert.Contains("c2l hub download", e.Message);   // what to download comes before what memory it would need
    }
}
