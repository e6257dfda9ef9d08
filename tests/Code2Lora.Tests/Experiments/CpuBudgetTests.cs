using Code2Lora.Experiments;

namespace Code2Lora.Tests.Experiments;

/// <summary>A paper-sized stage on a CPU stops with the plan's hours; the tiny world and a GPU run never do.</summary>
public sealed class CpuBudgetTests
{
    [Fact]
    public async Task The_paper_stops_on_a_cpu_and_the_tiny_world_runs()
    {
        var paper = StaticExperimentConfig.Paper with { Device = "cpu" };
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => CpuBudget.CheckAsync("train-static", paper, null, benchDir: null));
        Assert.Contains("static config 'paper' on the CPU: the plan's train-static stage is 14,855 steps", e.Message);   // 39,612 tasks × 3 epochs ÷ 8
        Assert.Contains("7.3 h on one H100", e.Message);
        var evo = await Assert.ThrowsAsync<InvalidOperationException>(() => CpuBudget.CheckAsync("train-evo", null, EvoExperimentConfig.Paper with { Device = "cpu" }, null));
        Assert.Contains("train-evo stage is 136,548 steps", evo.Message);

        await CpuBudget.CheckAsync("train-static", StaticExperimentConfig.Tiny with { Device = "cpu" }, null, null);   // paper counts on the tiny model: minutes
        await CpuBudget.CheckAsync("train-static", paper, null, null, limitHours: 1e9);                                 // a limit raised on purpose
        await CpuBudget.CheckAsync("train-static", StaticExperimentConfig.Paper with { Device = "meta" }, null, null);  // not a CPU: never stopped
    }
}
