using Code2Lora.Experiments;
using Code2Lora.Models;

namespace Code2Lora.Tests.Experiments;

/// <summary>`c2l bench paper-rehearsal`'s code paths at test size: the paper configs' steps on a tiny base in the dtype asked for.</summary>
public sealed class PaperRehearsalTests
{
    [Fact]
    public void Rehearses_the_papers_three_stages_in_the_dtype_given_and_plans_each()
    {
        // The paper's sequence lengths (8,192 / 4,096 / 16,384-token prompt) on a 64-wide, one-block base: every path of the bench runs.
        var tiny = ModelConfigs.Get("tiny-qwen2") with { MaxPositionEmbeddings = 32_768 };
        var rows = PaperRehearsal.Run(tiny, ModelConfigs.Get("tiny-qwen3"), layers: 1, dtype: "fp32");

        Assert.Equal(["static-step", "evo-step", "eval-batch"], rows.Select(r => r.Stage));
        Assert.All(rows, r =>
        {
            Assert.Equal(1, r.Layers);
            Assert.True(r.SecondsPerStep > 0 && r.FlopsPerStep > 0 && r.PlannedPeakMiB > 0, r.Stage);
            Assert.Contains("fp32 base", r.What);
        });
        Assert.Contains("8 × one measured micro-batch", rows[0].What);   // batch 1 × accumulation 8 (paper-notes §1.6)
    }

    [Fact]
    public void Gemm_probe_times_a_linear_layers_three_products_in_both_dtypes()
    {
        var probe = PaperRehearsal.GemmProbe(ModelConfigs.Get("tiny-qwen2"), tokens: 256);
        Assert.Equal(6, probe.Count);
        Assert.Equal(["fp32", "fp32", "fp32", "bf16", "bf16", "bf16"], probe.Select(p => p.Dtype));
        Assert.All(probe, p => Assert.True(p.Seconds > 0 && p.Gflops > 0 && p.Shape == "256×64×128", p.Product));
    }
}
