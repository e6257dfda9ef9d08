using Code2Lora.Config;
using Code2Lora.Models;
using static TorchSharp.torch;

namespace Code2Lora.Experiments;

/// <summary>The frozen base model every experiment adapts.</summary>
public static class FrozenBase
{
    /// <summary>Loads a fresh copy of <paramref name="baseModel"/> (a directory relative to data/, or absolute) in eval mode; each
    /// method installs its own LoRA slots on its own copy.</summary>
    public static LoadedModel Load(string baseModel, Device? device = null)
    {
        var loaded = ModelDirectory.Load(PathOf(baseModel), device);
        loaded.Model.eval();
        return loaded;
    }

    /// <summary>Checks <paramref name="baseModel"/>'s files without loading weights (<see cref="ModelDirectory.Check"/>), so a wrong
    /// directory fails before the benchmark is built or vectors are embedded.</summary>
    public static ModelConfig Check(string baseModel) => ModelDirectory.Check(PathOf(baseModel));

    /// <summary>The model directory: <paramref name="baseModel"/> relative to data/, or absolute.</summary>
    public static string PathOf(string baseModel) => Path.GetFullPath(Path.Combine(RepoPaths.Data, baseModel));
}
