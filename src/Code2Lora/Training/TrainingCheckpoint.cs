using System.Globalization;
using System.Text.Json;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Runtime;
using static TorchSharp.torch;

namespace Code2Lora.Training;

/// <summary>A resumable training state on disk: <c>step-NNNNNN/</c> holding trainable.safetensors (fp32 master weights),
/// optimizer.safetensors (AdamW moments) and state.json (step, config, recipe id). A directory counts only once
/// state.json exists, and it is written last, so a run killed mid-save resumes from the previous checkpoint.</summary>
public static class TrainingCheckpoint
{
    private const string StateFile = "state.json";

    /// <summary>What state.json records.</summary>
    public sealed record State(int Step, long OptimizerSteps, string RecipeId, TrainingConfig Config, double ElapsedSeconds, long TokensSeen);

    /// <summary>Writes a checkpoint for <paramref name="state"/> under <paramref name="root"/> and prunes old ones.</summary>
    public static string Save(string root, State state, IReadOnlyDictionary<string, Tensor> weights, IReadOnlyDictionary<string, Tensor> optimizer, int keep)
    {
        var dir = Path.Combine(root, Name(state.Step));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);   // a half-written one from a killed save
        Directory.CreateDirectory(dir);
        SafeTensors.Save(Path.Combine(dir, "trainable.safetensors"), weights);
        SafeTensors.Save(Path.Combine(dir, "optimizer.safetensors"), optimizer);
        AtomicFile.WriteText(Path.Combine(dir, StateFile), JsonSerializer.Serialize(state, Provenance.Json));
        foreach (var old in Complete(root).SkipLast(keep)) Directory.Delete(old.Dir, recursive: true);
        return dir;
    }

    /// <summary>The newest complete checkpoint under <paramref name="root"/>, or null when there is none.</summary>
    public static (string Dir, State State)? Latest(string root) => Complete(root).Select(c => ((string, State)?)c).LastOrDefault();

    /// <summary>Loads a checkpoint's master weights and optimizer moments (on <paramref name="device"/>).</summary>
    public static (Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Optimizer) LoadTensors(string dir, Device? device = null) =>
        (SafeTensors.Load(Path.Combine(dir, "trainable.safetensors"), device), SafeTensors.Load(Path.Combine(dir, "optimizer.safetensors"), device));

    private static string Name(int step) => "step-" + step.ToString("D6", CultureInfo.InvariantCulture);

    private static IEnumerable<(string Dir, State State)> Complete(string root)
    {
        if (!Directory.Exists(root)) return [];
        var found = new List<(string, State)>();
        foreach (var dir in Directory.GetDirectories(root, "step-*"))
        {
            var file = Path.Combine(dir, StateFile);
            if (!File.Exists(file)) continue;
            var state = JsonSerializer.Deserialize<State>(File.ReadAllText(file), Provenance.Json)
                        ?? throw new InvalidDataException($"{file} is empty.");
            found.Add((dir, state));
        }
        return found.OrderBy(c => c.Item2.Step);
    }
}
