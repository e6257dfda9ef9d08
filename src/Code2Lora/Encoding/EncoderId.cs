using System.Security.Cryptography;
using System.Text.Json;
using Code2Lora.Runtime;

namespace Code2Lora.Encoders;

/// <summary>The name stored vectors are filed under: a hash of the model (weights, config, tokenizer) and the recipe config.</summary>
public static class EncoderId
{
    /// <summary>Bumped when the pooling code changes meaning, so vectors of older code are never reused.</summary>
    public const string CodeVersion = "c2l-encoder/1";

    /// <summary>"enc-" + 16 hex digits of SHA-256(code version, model fingerprint, config JSON).</summary>
    public static string Compute(ChunkEmbedder embedder, EncoderConfig config) => Compute(embedder.Fingerprint, config);

    /// <summary>Same, from a precomputed model fingerprint.</summary>
    public static string Compute(string modelFingerprint, EncoderConfig config)
    {
        var text = CodeVersion + "\n" + modelFingerprint + "\n" + ConfigJson(config);
        return "enc-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The config as the JSON the id hashes (also written beside the store). <see cref="EncoderConfig.StateAtEveryCommit"/>
    /// is left out (hashed as false, so earlier ids stand): it decides which states are embedded, not how, so vectors made with
    /// and without it are interchangeable and a head trained on one set can read the other.</summary>
    public static string ConfigJson(EncoderConfig config) => JsonSerializer.Serialize(config with { StateAtEveryCommit = false }, Provenance.Json);
}
