using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Models;

/// <summary>Dimensions of a Qwen2/Qwen3/Llama-family decoder; mirrors Hugging Face's config.json (snake_case on disk).</summary>
public sealed record ModelConfig
{
    private int? _headDim;

    /// <summary>"qwen2" (q/k/v bias), "qwen3" (q/k RMSNorm per head) or "llama".</summary>
    public required string ModelType { get; init; }
    /// <summary>Rows of embed_tokens (and lm_head).</summary>
    public required int VocabSize { get; init; }
    /// <summary>Residual stream width.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>SwiGLU inner width.</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Number of decoder blocks.</summary>
    public required int NumHiddenLayers { get; init; }
    /// <summary>Query heads.</summary>
    public required int NumAttentionHeads { get; init; }
    /// <summary>Key/value heads (grouped-query attention when fewer than query heads).</summary>
    public required int NumKeyValueHeads { get; init; }
    /// <summary>Per-head width; Qwen3 sets it explicitly, others derive HiddenSize / NumAttentionHeads.</summary>
    public int HeadDim { get => _headDim ?? HiddenSize / NumAttentionHeads; init => _headDim = value; }
    /// <summary>RoPE base.</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-6;
    /// <summary>lm_head shares embed_tokens.weight (no lm_head.weight key).</summary>
    public bool TieWordEmbeddings { get; init; }
    /// <summary>q/k/v projections carry a bias (Qwen2: always; o_proj never has one in Qwen2).</summary>
    public bool AttentionBias { get; init; }
    /// <summary>Qwen3: RMSNorm over head_dim on queries and keys before RoPE.</summary>
    public bool QkNorm { get; init; }
    /// <summary>Longest context the published model was trained for (informational; RoPE has no table to size).</summary>
    public int MaxPositionEmbeddings { get; init; } = 32768;
    /// <summary>Beginning-of-sequence token, when the config names one.</summary>
    public int? BosTokenId { get; init; }
    /// <summary>End-of-sequence token (the first one when config.json lists several).</summary>
    public int? EosTokenId { get; init; }

    /// <summary>o_proj has a bias only in Llama/Qwen3 configs that turn attention_bias on (HF Qwen2 never does).</summary>
    public bool OutputProjectionBias => AttentionBias && ModelType != "qwen2";

    /// <summary>Throws a readable error when the dimensions cannot form a model.</summary>
    public ModelConfig Validate()
    {
        if (ModelType is not ("qwen2" or "qwen3" or "llama"))
            throw new ArgumentException($"model_type '{ModelType}' is not supported (qwen2, qwen3, llama).");
        foreach (var (name, value) in new[] { ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize),
                     ("num_hidden_layers", NumHiddenLayers), ("num_attention_heads", NumAttentionHeads), ("num_key_value_heads", NumKeyValueHeads), ("head_dim", HeadDim) })
            if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new ArgumentException($"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({NumKeyValueHeads}).");
        if (HeadDim % 2 != 0) throw new ArgumentException($"head_dim must be even for RoPE, got {HeadDim}.");
        return this;
    }

    /// <summary>Reads a Hugging Face config.json; unknown fields are ignored, missing required ones named in the error.</summary>
    public static ModelConfig FromJson(string configJsonPath)
    {
        if (!File.Exists(configJsonPath)) throw new FileNotFoundException($"config.json not found: {configJsonPath}", configJsonPath);
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(configJsonPath))?.AsObject() ?? throw new JsonException("empty document"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new InvalidDataException($"{configJsonPath}: not a JSON object ({e.Message}); pass a Hugging Face config.json", e); }
        return FromJsonObject(root, configJsonPath);
    }

    /// <summary>Parses the JSON text of a config.json (see <see cref="FromJson"/>).</summary>
    public static ModelConfig FromJsonText(string json, string source = "config.json")
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException($"{source} is not a JSON object.");
        return FromJsonObject(root, source);
    }

    private static ModelConfig FromJsonObject(JsonObject root, string source)
    {
        var missing = new[] { "model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads" }
            .Where(k => root[k] is null).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{source} lacks required field(s): {string.Join(", ", missing)}; pass the config.json of a Hugging Face decoder (Qwen2, Qwen3, Llama).");
        var type = root["model_type"]!.GetValue<string>();
        int Int(string key) => ReadInt(root[key], key, source)!.Value;
        var heads = Int("num_attention_heads");
        return new ModelConfig
        {
            ModelType = type,
            VocabSize = Int("vocab_size"),
            HiddenSize = Int("hidden_size"),
            IntermediateSize = Int("intermediate_size"),
            NumHiddenLayers = Int("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = ReadInt(root["num_key_value_heads"], "num_key_value_heads", source) ?? heads,
            HeadDim = ReadInt(root["head_dim"], "head_dim", source) ?? Int("hidden_size") / heads,
            RopeTheta = ReadRopeTheta(root, source),
            RmsNormEps = ReadDouble(root["rms_norm_eps"], "rms_norm_eps", source) ?? 1e-6,
            TieWordEmbeddings = root["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            AttentionBias = type == "qwen2" || (root["attention_bias"]?.GetValue<bool>() ?? false),
            QkNorm = type == "qwen3",
            MaxPositionEmbeddings = ReadInt(root["max_position_embeddings"], "max_position_embeddings", source) ?? 32768,
            BosTokenId = ReadInt(root["bos_token_id"], "bos_token_id", source),
            EosTokenId = ReadInt(root["eos_token_id"], "eos_token_id", source),
        }.Validate();
    }

    // transformers 4.x writes rope_theta at the top level; 5.x moves it into rope_parameters. Scaled RoPE variants
    // (yarn, linear, dynamic, …) would silently give wrong positions here, so they are refused by name.
    private static double ReadRopeTheta(JsonObject root, string source)
    {
        foreach (var key in new[] { "rope_scaling", "rope_parameters" })
        {
            if (root[key] is not JsonObject block) continue;
            var type = (block["rope_type"] ?? block["type"])?.GetValue<string>() ?? "default";
            if (type != "default")
                throw new InvalidDataException($"{source}: {key} asks for '{type}' RoPE; only plain (default) RoPE is implemented.");
        }
        return ReadDouble(root["rope_theta"], "rope_theta", source)
               ?? ReadDouble((root["rope_parameters"] as JsonObject)?["rope_theta"], "rope_parameters.rope_theta", source)
               ?? 10000.0;
    }

    // HF writes numbers as 1000000 or 1000000.0 and eos_token_id sometimes as a list: accept all of them.
    private static int? ReadInt(JsonNode? node, string key, string source)
    {
        if (node is null) return null;
        if (node is JsonArray array) return array.Count == 0 ? null : ReadInt(array[0], key, source);
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d)) return checked((int)d);
        throw new InvalidDataException($"{source}: '{key}' should be an integer, got {node.ToJsonString()}.");
    }

    private static double? ReadDouble(JsonNode? node, string key, string source)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<double>(out var d)) return d;
        throw new InvalidDataException($"{source}: '{key}' should be a number, got {node.ToJsonString()}.");
    }

    /// <summary>Writes the config with Hugging Face field names, so it round-trips through <see cref="FromJson"/>.</summary>
    public string ToJson()
    {
        var o = new JsonObject
        {
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["rope_theta"] = RopeTheta,
            ["rms_norm_eps"] = RmsNormEps,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_bias"] = AttentionBias,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["hidden_act"] = "silu",
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Equal when every field written by <see cref="ToJson"/> (and QkNorm) agrees, whether head_dim was explicit or derived.</summary>
    public bool Equals(ModelConfig? other) => other is not null && QkNorm == other.QkNorm && ToJson() == other.ToJson();

    /// <inheritdoc/>
    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);

    /// <summary>One-line summary for logs.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{ModelType} L{NumHiddenLayers} H{HiddenSize} heads {NumAttentionHeads}/{NumKeyValueHeads}x{HeadDim} ffn {IntermediateSize} vocab {VocabSize}{(TieWordEmbeddings ? " tied" : "")}");
}
