using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Adapters;

/// <summary>Reads and writes PEFT's LoRA directory layout (adapter_model.safetensors + adapter_config.json), so adapters made here
/// load in PEFT and vLLM and theirs load here.</summary>
public static class PeftAdapterFiles
{
    /// <summary>The weights file name.</summary>
    public const string WeightsFile = "adapter_model.safetensors";
    /// <summary>The config file name.</summary>
    public const string ConfigFile = "adapter_config.json";

    private const string KeyPrefix = "base_model.model.";

    /// <summary>The PEFT key of a pair's tensor, e.g. "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight".</summary>
    public static string Key(int layer, string type, string matrix) => $"{KeyPrefix}{LoraTargets.ModulePath(layer, type)}.{matrix}.weight";

    /// <summary>Writes <paramref name="source"/> for every layer of <paramref name="model"/> and every target of <paramref name="config"/>
    /// (a generated adapter shared across layers is written once per layer). A per-example source must hold a single example.</summary>
    public static void Save(string directory, ILoraSource source, LoraConfig config, ModelConfig model, string baseModelNameOrPath)
    {
        config.Validate();
        Directory.CreateDirectory(directory);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var layer = 0; layer < model.NumHiddenLayers; layer++)
        {
            foreach (var type in config.SortedTargets)
            {
                var w = source.WeightsFor(layer, type)
                        ?? throw new ArgumentException($"the adapter has nothing for layer {layer} {type}, which the config targets.");
                var (i, o) = LoraTargets.Dims(model, type);
                w.Check(LoraTargets.ModulePath(layer, type), i, o, config.Rank);
                var (a, b) = (w.A.detach(), w.B.detach());
                if (w.IsBatched)
                {
                    if (a.shape[0] != 1) throw new ArgumentException($"cannot export per-example weights for a batch of {a.shape[0]}; export one row (GeneratedAdapter.Row).");
                    (a, b) = (a[0], b[0]);
                }
                tensors[Key(layer, type, "lora_A")] = a.contiguous();
                tensors[Key(layer, type, "lora_B")] = b.contiguous();
            }
        }
        SafeTensors.Save(Path.Combine(directory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.WriteText(Path.Combine(directory, ConfigFile), ConfigJson(config, baseModelNameOrPath));
    }

    /// <summary>adapter_config.json as PEFT writes it for a plain LoRA (no dropout, no bias, no rsLoRA/DoRA).</summary>
    public static string ConfigJson(LoraConfig config, string baseModelNameOrPath)
    {
        var targets = new JsonArray();
        foreach (var t in config.SortedTargets) targets.Add(t);
        var o = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModelNameOrPath,
            ["r"] = config.Rank,
            ["lora_alpha"] = config.Alpha,
            ["target_modules"] = targets,
            ["lora_dropout"] = 0.0,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["use_rslora"] = false,
            ["use_dora"] = false,
            ["modules_to_save"] = null,
            ["layers_to_transform"] = null,
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads the rank, α and targets of an adapter_config.json, refusing variants whose math differs from plain LoRA.</summary>
    public static LoraConfig ReadConfig(string directory, LoraConfig? settings = null)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new CheckpointException(path, "adapter_config.json not found.");
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("empty document"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new CheckpointException(path, $"not a JSON object: {e.Message}", e); }
        try
        {
            var type = root["peft_type"]?.GetValue<string>();
            if (type is not null && type != "LORA") throw new CheckpointException(path, $"peft_type is '{type}'; only LORA is supported.");
            var r = root["r"]?.GetValue<int>() ?? throw new CheckpointException(path, "missing 'r'.");
            var alpha = root["lora_alpha"]?.GetValue<double>() ?? throw new CheckpointException(path, "missing 'lora_alpha'.");
            if (root["bias"]?.GetValue<string>() is { } bias && bias != "none") throw new CheckpointException(path, $"bias '{bias}' adapters are not supported (only 'none').");
            if (root["fan_in_fan_out"]?.GetValue<bool>() == true) throw new CheckpointException(path, "fan_in_fan_out adapters (Conv1D-style weights) are not supported.");
            if (root["use_rslora"]?.GetValue<bool>() == true) throw new CheckpointException(path, "rsLoRA scaling (α/√r) is not supported.");
            if (root["use_dora"]?.GetValue<bool>() == true) throw new CheckpointException(path, "DoRA adapters are not supported.");
            var targets = root["target_modules"] switch
            {
                JsonArray a => a.Select(n => n!.GetValue<string>()).ToList(),
                JsonValue v => [v.GetValue<string>()],
                _ => throw new CheckpointException(path, "missing 'target_modules'."),
            };
            return (settings ?? new LoraConfig()) with { Rank = r, Alpha = alpha, TargetModules = targets };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        { throw new CheckpointException(path, e.Message, e); }
    }

    /// <summary>Loads a PEFT LoRA directory into a <see cref="LoraAdapter"/> for <paramref name="model"/>; every key must be present,
    /// none may be extra, and every shape must fit the model (the error names the key and both shapes).
    /// <paramref name="settings"/> supplies the delta settings (detach, fp32) the file does not carry.</summary>
    public static LoraAdapter Load(string directory, ModelConfig model, Device? device = null, LoraConfig? settings = null)
    {
        var config = ReadConfig(directory, settings);
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new CheckpointException(path, "adapter_model.safetensors not found.");
        try { config.Validate(); }
        catch (ArgumentException e) { throw new CheckpointException(Path.Combine(directory, ConfigFile), e.Message, e); }
        var header = SafeTensors.ReadHeader(path);
        var inFile = header.Tensors.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal);
        for (var layer = 0; layer < model.NumHiddenLayers; layer++)
            foreach (var type in config.SortedTargets)
            {
                var (i, o) = LoraTargets.Dims(model, type);
                expected[Key(layer, type, "lora_A")] = [config.Rank, i];
                expected[Key(layer, type, "lora_B")] = [o, config.Rank];
            }
        var missing = expected.Keys.Where(k => !inFile.ContainsKey(k)).ToList();
        var extra = inFile.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new CheckpointException(path, $"keys do not fit a {model.NumHiddenLayers}-layer model with targets {string.Join(", ", config.SortedTargets)}: " +
                                                $"{missing.Count} missing (first: {missing.FirstOrDefault() ?? "-"}), {extra.Count} unexpected (first: {extra.FirstOrDefault() ?? "-"}).");
        foreach (var (key, shape) in expected)
            if (!inFile[key].SequenceEqual(shape))
                throw new CheckpointException(path, $"'{key}' has shape [{string.Join(",", inFile[key])}] but the model ({model.Describe()}, r={config.Rank}) needs [{string.Join(",", shape)}].");

        var adapter = new LoraAdapter(model, config, device);
        var loaded = SafeTensors.Load(path, device);
        try
        {
            using var noGrad = torch.no_grad();
            for (var layer = 0; layer < model.NumHiddenLayers; layer++)
                foreach (var type in config.SortedTargets)
                {
                    var pair = adapter.Pair(layer, type);
                    pair.A.copy_(loaded[Key(layer, type, "lora_A")]);
                    pair.B.copy_(loaded[Key(layer, type, "lora_B")]);
                }
        }
        finally { foreach (var t in loaded.Values) t.Dispose(); }
        return adapter;
    }
}
