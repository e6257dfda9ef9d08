using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Runtime;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>A trained Code2LoRA-Evo on disk, the authors' GRU checkpoint split into files: gru.safetensors (gru_state keys),
/// head.safetensors (head_state keys, the same layout as a Static head) and evo_config.json (gru_config, head_config,
/// per_step_input, gru_init (absent: repo_state, the paper's) and the encoder whose vectors it was trained on).</summary>
public static class EvoFiles
{
    /// <summary>The authors' gru_config fields.</summary>
    public sealed record GruConfigJson(
        [property: JsonPropertyName("diff_input_dim")] int DiffInputDim, [property: JsonPropertyName("repo_state_dim")] int RepoStateDim,
        [property: JsonPropertyName("hidden_dim")] int HiddenDim);

    /// <summary>evo_config.json.</summary>
    public sealed record ConfigJson(
        [property: JsonPropertyName("gru_config")] GruConfigJson GruConfig, [property: JsonPropertyName("per_step_input")] string PerStepInput,
        [property: JsonPropertyName("diff_dim")] int DiffDim, [property: JsonPropertyName("head_config")] Code2LoraHeadConfig HeadConfig,
        [property: JsonPropertyName("encoder_id")] string EncoderId,
        [property: JsonPropertyName("gru_init")] string? GruInit = null);

    /// <summary>Writes the three files into <paramref name="dir"/>.</summary>
    public static void Save(string dir, CommitGru gru, Code2LoraHead head, string encoderId)
    {
        Directory.CreateDirectory(dir);
        var meta = new Dictionary<string, string> { ["encoder_id"] = encoderId };
        SafeTensors.Save(Path.Combine(dir, "gru.safetensors"), gru.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter), meta);
        SafeTensors.Save(Path.Combine(dir, "head.safetensors"), head.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter), meta);
        var c = gru.Config;
        var json = new ConfigJson(new GruConfigJson(c.StepInputDim, c.StateDim, c.HiddenDim), c.PerStepInput, c.DiffDim, head.Config, encoderId,
            c.Init == CommitGruConfig.InitFromState ? null : c.Init);   // absent means the paper's rule, as in files written before the key
        AtomicFile.WriteText(Path.Combine(dir, "evo_config.json"), JsonSerializer.Serialize(json, Provenance.Json));
    }

    /// <summary>Loads a saved Evo (eval mode) for <paramref name="model"/>'s projections; vectors of another encoder are refused.</summary>
    public static (CommitGru Gru, Code2LoraHead Head) Load(string dir, ModelConfig model, string encoderId, Device? device = null)
    {
        var configPath = Path.Combine(dir, "evo_config.json");
        if (!File.Exists(configPath)) throw new InvalidOperationException($"no trained Code2LoRA-Evo in {dir} (no evo_config.json); run: c2l train evo");
        var json = JsonSerializer.Deserialize<ConfigJson>(File.ReadAllText(configPath), Provenance.Json)
                   ?? throw new InvalidDataException($"{configPath} is empty.");
        if (json.EncoderId != encoderId)
            throw new InvalidOperationException($"{dir} was trained on vectors of encoder {json.EncoderId}, but these come from {encoderId}; retrain: c2l train evo.");
        var gru = new CommitGru(new CommitGruConfig
        {
            DiffDim = json.DiffDim, StateDim = json.GruConfig.RepoStateDim, HiddenDim = json.GruConfig.HiddenDim, PerStepInput = json.PerStepInput,
            Init = json.GruInit ?? CommitGruConfig.InitFromState,
        }, device);
        var head = new Code2LoraHead(json.HeadConfig, model, device);
        StateDictLoader.Load(gru, SafeTensors.Load(Path.Combine(dir, "gru.safetensors"), device));
        StateDictLoader.Load(head, SafeTensors.Load(Path.Combine(dir, "head.safetensors"), device));
        gru.eval();
        head.eval();
        return (gru, head);
    }
}
