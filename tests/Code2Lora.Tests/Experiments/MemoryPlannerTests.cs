using Code2Lora.Experiments;
using Code2Lora.Models;

namespace Code2Lora.Tests.Experiments;

/// <summary>The planner's arithmetic on the paper's configs, and (CI-sized) its agreement with measured peak memory.</summary>
[Collection("Alone")]   // the measurement reads the process's peak memory: no other test may run beside it
public sealed class MemoryPlannerTests
{
    private static readonly ModelConfig Base = ModelConfigs.Get("qwen2.5-coder-1.5b");
    private static readonly ModelConfig Encoder = ModelConfigs.Get("qwen3-embedding-0.6b");

    [Fact]
    public void Paper_plan_counts_the_papers_parameters_steps_and_checkpointing()
    {
        var plan = MemoryPlanner.Plan(StaticExperimentConfig.Paper, EvoExperimentConfig.Paper, Base, Encoder, BenchCounts.Paper);
        var s = plan["train-static"];
        Assert.Equal(1_543_714_304L * 2 + 339_612_686L * 4, s.WeightBytes);           // bf16 base + the H = 512 head in fp32
        Assert.Equal(339_612_686L * 4, s.GradientBytes);
        Assert.Equal(339_612_686L * 8, s.OptimizerBytes);
        Assert.Equal((long)Math.Ceiling(39_612 * 3 / 8.0), s.Steps);                    // ≈ 14.9k optimizer steps (paper-notes §1.6)
        Assert.True(s.Checkpointing);
        // Checkpointing keeps one [T,H] bf16 input per block plus one block's saved tensors, far below all 28 blocks' tensors.
        var perBlock = 8192L * DecoderCost.SavedBytesPerTokenPerBlock(Base, 2, 16);
        Assert.Equal(27 * perBlock - 28L * 8192 * 1536 * 2, s.ActivationBytes - s.ActivationBytesCheckpointed);
        Assert.InRange(s.PeakBytes / 1e9, 5, 80);                                         // fits one 80 GB H100, as the authors ran it

        var e = plan["train-evo"];
        Assert.Equal(712_673_294L * 4, e.WeightBytes - 1_543_714_304L * 2);              // head (H = 1024) + GRU, fp32
        Assert.Equal((long)Math.Ceiling(45_516 * 3.0), e.Steps);
        Assert.True(plan["evaluate"].GradientBytes == 0 && plan["encode"].OptimizerBytes == 0);
    }

    [Fact]
    public void Flops_of_a_frozen_base_step_are_forward_plus_activation_backward_plus_recomputation()
    {
        var tiny = ModelConfigs.Get("tiny-qwen2");
        var forward = DecoderCost.ForwardFlops(tiny, 64, 64, 0);
        var blocks = DecoderCost.BlockParameters(tiny);
        var attention = forward - 2.0 * blocks * 64;
        Assert.Equal(2.0 * tiny.NumHiddenLayers * 64 * 64 * tiny.NumAttentionHeads * tiny.HeadDim, attention, 6);
        Assert.Equal(2 * forward + attention, DecoderCost.TrainingFlops(tiny, 64, 64, 0, checkpointed: false), 6);
        Assert.Equal(3 * forward + attention, DecoderCost.TrainingFlops(tiny, 64, 64, 0, checkpointed: true), 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_small_static_step_peaks_within_20_percent_of_its_plan(bool checkpointing)
    {
        // Paper proportions at a CI size: the plan and the measured peak of one Static step (forward, backward, AdamW), fp32.
        var small = Base with { HiddenSize = 512, IntermediateSize = 2816, NumAttentionHeads = 4, NumKeyValueHeads = 1, VocabSize = 8192 };
        var c = new MemoryPlanCase { Layers = 2, Tokens = 1024, Dtype = "fp32", Checkpointing = checkpointing };
        var m = MemoryPlanCheck.Measure(c, small, Encoder with { HiddenSize = 256 }, headHidden: 32);
        Assert.True(Math.Abs(m.RelativeError) <= 0.20,
            $"{c}: planned {m.PlannedBytes / 1048576.0:F0} MiB, measured {m.MeasuredBytes / 1048576.0:F0} MiB ({m.RelativeError:P1})");
    }
}
