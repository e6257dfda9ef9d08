using System.Text.Json.Nodes;

namespace Code2Lora.Tests.Models.Parity;

/// <summary>What a reference framework produced for one case: fp32 logits [B,T,V] and greedy tokens per row.</summary>
internal sealed record ReferenceOutput(long[] Shape, float[] Logits, int[][] Greedy)
{
    /// <summary>Reads result.json (or expected.json) plus &lt;case&gt;.logits.f32 files from <paramref name="dir"/>.</summary>
    public static Dictionary<string, ReferenceOutput> Read(string dir, string resultFile = "result.json")
    {
        var path = Path.Combine(dir, resultFile);
        var cases = JsonNode.Parse(File.ReadAllText(path))?["cases"] as JsonObject
                    ?? throw new InvalidDataException($"{path}: no \"cases\" object.");
        var outputs = new Dictionary<string, ReferenceOutput>(StringComparer.Ordinal);
        foreach (var (name, node) in cases)
        {
            var shape = node!["logits_shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
            var bytes = File.ReadAllBytes(Path.Combine(dir, name + ".logits.f32"));
            var expected = shape.Aggregate(1L, (a, d) => a * d) * sizeof(float);
            if (bytes.Length != expected)
                throw new InvalidDataException($"{dir}/{name}.logits.f32 has {bytes.Length} bytes; shape [{string.Join(", ", shape)}] needs {expected}.");
            var logits = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, logits, 0, bytes.Length);   // little-endian on every machine this runs on
            var greedy = node["greedy"]!.AsArray().Select(r => r!.AsArray().Select(t => t!.GetValue<int>()).ToArray()).ToArray();
            outputs[name] = new ReferenceOutput(shape, logits, greedy);
        }
        return outputs;
    }
}
