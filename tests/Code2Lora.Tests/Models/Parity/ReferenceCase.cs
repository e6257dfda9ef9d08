using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Tests.Models.Parity;

/// <summary>One input of a parity run: prompts (left-padded into one batch when there are several) and how many greedy
/// tokens to decode; serialised in the input format of scripts/reference/qwen_reference.py.</summary>
internal sealed record ReferenceCase(string Name, int[][] Sequences, int GreedyNewTokens)
{
    /// <summary>The pad id written into padded positions (masked, so its value never matters).</summary>
    public const int PadId = 0;

    /// <summary>The cases every parity run checks: (a) one unpadded sequence, (b) a left-padded batch of two.</summary>
    public static IReadOnlyList<ReferenceCase> Standard { get; } =
    [
        new("single", [[1, 17, 305, 42, 88, 255, 7, 301, 460, 12, 99, 3]], 10),
        new("padded", [[1, 400, 23, 77, 140, 9, 510, 64, 31], [1, 250, 5, 333, 48]], 10),
    ];

    /// <summary>Left-padded ids and 1/0 mask rows.</summary>
    public (long[][] Ids, long[][] Mask) Padded()
    {
        var length = Sequences.Max(s => s.Length);
        var ids = Sequences.Select(s => Enumerable.Repeat((long)PadId, length - s.Length).Concat(s.Select(t => (long)t)).ToArray()).ToArray();
        var mask = Sequences.Select(s => Enumerable.Repeat(0L, length - s.Length).Concat(Enumerable.Repeat(1L, s.Length)).ToArray()).ToArray();
        return (ids, mask);
    }

    /// <summary>The script's input JSON for <paramref name="cases"/>.</summary>
    public static string ToInputJson(IEnumerable<ReferenceCase> cases)
    {
        var array = new JsonArray();
        foreach (var c in cases)
        {
            var (ids, mask) = c.Padded();
            array.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["input_ids"] = JsonSerializer.SerializeToNode(ids),
                ["attention_mask"] = JsonSerializer.SerializeToNode(mask),
                ["greedy_new_tokens"] = c.GreedyNewTokens,
            });
        }
        return new JsonObject { ["cases"] = array }.ToJsonString();
    }

    /// <summary>Reads cases back from an input JSON (HF fixtures ship one); rows must be left-padded.</summary>
    public static List<ReferenceCase> FromInputJson(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))?["cases"] as JsonArray
                   ?? throw new InvalidDataException($"{path}: no \"cases\" array.");
        var cases = new List<ReferenceCase>();
        foreach (var node in root)
        {
            var name = node!["name"]!.GetValue<string>();
            var ids = node["input_ids"]!.Deserialize<int[][]>()!;
            var mask = node["attention_mask"]?.Deserialize<int[][]>() ?? ids.Select(r => r.Select(_ => 1).ToArray()).ToArray();
            var rows = new int[ids.Length][];
            for (var b = 0; b < ids.Length; b++)
            {
                var firstReal = Array.IndexOf(mask[b], 1);
                if (firstReal < 0 || mask[b].Skip(firstReal).Any(m => m != 1))
                    throw new InvalidDataException($"{path}: case '{name}' row {b} is not left-padded (mask {string.Join("", mask[b])}).");
                rows[b] = ids[b][firstReal..];
            }
            cases.Add(new ReferenceCase(name, rows, node["greedy_new_tokens"]?.GetValue<int>() ?? 0));
        }
        return cases;
    }
}
