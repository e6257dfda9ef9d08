namespace Code2Lora.Bench.Released;

/// <summary>
/// The encoder ids under which released vectors are stored. They cannot be <see cref="Encoders.EncoderId"/> hashes (that needs the
/// encoder's weights), so each names what produced the vectors: Qwen3-Embedding-0.6B with recipe (a)/V1 for the static track's
/// per-repository <c>embedding</c>, and with recipes (b) and (c) for every <c>repo_state_embedding</c> / <c>diff_embedding</c>
/// (paper-notes §1.2). A head trained on one set refuses the other, as for any two encoders.
/// </summary>
public static class ReleasedVectors
{
    /// <summary>code2lora-static's <c>embedding</c> column.</summary>
    public const string StaticEncoderId = "released-qwen3-emb-0.6b-static";

    /// <summary>The V2 <c>repo_state_embedding</c> and <c>diff_embedding</c> columns (static-anchor, evo, data-commits, OOD).</summary>
    public const string V2EncoderId = "released-qwen3-emb-0.6b-v2";

    /// <summary>The commit the static track's tasks and repositories are keyed by: code2lora-static records no snapshot sha.</summary>
    public const string StaticSnapshot = "released-snapshot";

    /// <summary>The encoder id of the vectors <paramref name="kind"/> ships.</summary>
    public static string EncoderFor(ReleasedDatasetKind kind) => kind == ReleasedDatasetKind.Static ? StaticEncoderId : V2EncoderId;

    /// <summary>What is written beside the store ({encoder_id}.json).</summary>
    public static object Description(string encoderId, string dataset, string source) => new
    {
        encoder_id = encoderId,
        model = "Qwen/Qwen3-Embedding-0.6B (frozen; masked-mean chunk pooling)",
        recipe = encoderId == StaticEncoderId
            ? "code2lora-static `embedding`: the static track's per-repository vector (paper-notes §1.2, recipe a / V1)"
            : "repo_state_embedding: recipe (b), L2(concat(mean, max)) over .py files, 2048/256 chunks; diff_embedding: recipe (c), concat(max, mean) over 512/64 chunks of the filtered diff",
        storage = "fp16 little-endian, as released",
        imported_from = dataset,
        source,
    };
}
