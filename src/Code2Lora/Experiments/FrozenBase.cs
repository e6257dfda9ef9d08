using Code2Lora.Config;
using Code2Lora.Models;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>The frozen base model every experiment adapts.</summary>
public static class FrozenBase
{
    /// <summary>Loads a fresh copy of <paramref name="baseModel"/> (a directory relative to data/, or absolute) in eval mode on
    /// <paramref name="target"/>'s device and in its dtype (the paper: bf16 on the GPU; CPU fp32 when null); each method installs its
    /// own LoRA slots on its own copy. <paramref name="activationCheckpointing"/> recomputes each block in the backward pass.</summary>
    public static LoadedModel Load(string baseModel, ComputeTarget? target = null, bool activationCheckpointing = false)
    {
        var t = target ?? ComputeTarget.Cpu;
        var loaded = ModelDirectory.Load(Path.Combine(RepoPaths.Data, baseModel), t.Device, t.Dtype);
        loaded.Model.eval();
        loaded.Model.ActivationCheckpointing = activationCheckpointing;
        return loaded;
    }
}
