namespace Code2Lora.Training;

/// <summary>The learning rate at each optimizer step, exactly as Hugging Face's schedulers compute it.</summary>
public static class LearningRateSchedule
{
    /// <summary>Warmup steps for a run: ceil(ratio × steps), as HF's TrainingArguments.get_warmup_steps.</summary>
    public static int WarmupSteps(TrainingConfig c) => (int)Math.Ceiling(c.WarmupRatio * c.Steps);

    /// <summary>Learning rate used by the update of 0-based step <paramref name="step"/>.</summary>
    /// <remarks>HF's LambdaLR evaluates the factor at the step index before the update, so step 0 of a warmup uses lr 0.</remarks>
    public static double At(TrainingConfig c, int step)
    {
        var warmup = WarmupSteps(c);
        if (step < warmup) return c.LearningRate * step / Math.Max(1, warmup);
        if (c.Schedule == "constant") return c.LearningRate;
        var progress = (double)(step - warmup) / Math.Max(1, c.Steps - warmup);
        return c.LearningRate * Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress)));
    }
}
