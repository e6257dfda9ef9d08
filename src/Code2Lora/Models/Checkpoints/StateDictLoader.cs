using TorchSharp;

namespace Code2Lora.Models.Checkpoints;

/// <summary>Copies checkpoint weights into a module's parameters and buffers by name, checking the whole match before writing any.</summary>
public static class StateDictLoader
{
    private const int ListedPerKind = 20;

    /// <summary>Loads <paramref name="weights"/> into <paramref name="module"/> under no_grad, converting each to its parameter's dtype and device.</summary>
    /// <param name="module">The module whose state_dict names are the targets.</param>
    /// <param name="weights">Checkpoint tensors by name.</param>
    /// <param name="strict">When true, missing and unexpected keys are errors; shape mismatches always are (as in PyTorch).</param>
    /// <param name="rename">Maps a checkpoint key to the module's key; null drops the key.</param>
    public static void Load(torch.nn.Module module, IReadOnlyDictionary<string, torch.Tensor> weights, bool strict = true, Func<string, string?>? rename = null)
    {
        var targets = module.state_dict();
        var sources = Rename(weights, rename);
        var missing = targets.Keys.Where(k => !sources.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = sources.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = sources
            .Where(kv => targets.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} (expected {Shape(targets[kv.Key])}, found {Shape(kv.Value)})")
            .ToList();
        var problems = new List<string>();
        if (strict) Describe(problems, missing, "missing key");
        if (strict) Describe(problems, unexpected, "unexpected key");
        Describe(problems, mismatched, "shape mismatch");
        if (problems.Count > 0)
            throw new CheckpointException(null, $"checkpoint does not fit {module.GetName()} ({module.GetType().Name}): {string.Join("; ", problems)}.");

        using var noGrad = torch.no_grad();
        foreach (var (name, source) in sources)
        {
            if (targets.TryGetValue(name, out var target)) target.copy_(source);
        }
    }

    private static Dictionary<string, torch.Tensor> Rename(IReadOnlyDictionary<string, torch.Tensor> weights, Func<string, string?>? rename)
    {
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, tensor) in weights)
        {
            var name = rename is null ? key : rename(key);
            if (name is null) continue;
            if (!origin.TryAdd(name, key))
                throw new CheckpointException(null, $"checkpoint keys '{origin[name]}' and '{key}' are both renamed to '{name}'.");
            result[name] = tensor;
        }
        return result;
    }

    private static void Describe(List<string> problems, List<string> items, string kind)
    {
        if (items.Count == 0) return;
        var more = items.Count > ListedPerKind ? $", … and {items.Count - ListedPerKind} more" : "";
        problems.Add($"{items.Count} {kind}{(items.Count == 1 ? "" : "s")}: {string.Join(", ", items.Take(ListedPerKind))}{more}");
    }

    private static string Shape(torch.Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
