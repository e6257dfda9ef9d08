using Code2Lora.Config;
using Code2Lora.Hub;
using Code2Lora.Models;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>The frozen base model every experiment adapts.</summary>
public static class FrozenBase
{
    /// <summary>Loads a fresh copy of <paramref name="baseModel"/> (see <see cref="Locate"/>) in eval mode on
    /// <paramref name="target"/>'s device and in its dtype (the paper: bf16 on the GPU; CPU fp32 when null); each method installs its
    /// own LoRA slots on its own copy. <paramref name="activationCheckpointing"/> recomputes each block in the backward pass.</summary>
    public static LoadedModel Load(string baseModel, ComputeTarget? target = null, bool activationCheckpointing = false)
    {
        var t = target ?? ComputeTarget.Cpu;
        var loaded = ModelDirectory.Load(Locate(baseModel), t.Device, t.Dtype);
        loaded.Model.eval();
        loaded.Model.ActivationCheckpointing = activationCheckpointing;
        return loaded;
    }

    /// <summary>Checks <paramref name="baseModel"/>'s files without loading weights (<see cref="ModelDirectory.Check"/>), so a wrong
    /// directory fails before the benchmark is built or vectors are embedded.</summary>
    public static ModelConfig Check(string baseModel) => ModelDirectory.Check(Locate(baseModel));

    /// <summary>What <paramref name="baseModel"/> names: a directory relative to data/ (or absolute), or, when no such directory exists,
    /// a Hub id such as "Qwen/Qwen2.5-Coder-1.5B" that ModelDirectory finds in the huggingface_hub cache.</summary>
    public static string Locate(string baseModel)
    {
        var local = Path.Combine(RepoPaths.Data, baseModel);
        return Directory.Exists(local) || !HubRepo.LooksLikeNamespacedId(baseModel) ? local : baseModel;
    }
}
