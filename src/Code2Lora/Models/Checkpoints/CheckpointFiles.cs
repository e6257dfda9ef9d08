using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Models.Checkpoints;

/// <summary>A Hugging Face model directory: one model.safetensors, or shards listed in model.safetensors.index.json.</summary>
public static partial class CheckpointFiles
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The shard index name; its "weight_map" maps each tensor name to its shard file.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardName();

    /// <summary>Loads every tensor of a model directory, preferring model.safetensors over an index, as transformers does.</summary>
    public static Dictionary<string, torch.Tensor> LoadDirectory(string dir, torch.Device? device = null)
    {
        if (!Directory.Exists(dir)) throw new CheckpointException(dir, "model directory not found.");
        var single = Path.Combine(dir, SingleFileName);
        if (File.Exists(single)) return SafeTensors.Load(single, device);
        var index = Path.Combine(dir, IndexFileName);
        if (!File.Exists(index))
            throw new CheckpointException(dir, $"neither {SingleFileName} nor {IndexFileName} is in this directory (found: {Listing(dir)}).");
        return LoadSharded(dir, index, device);
    }

    /// <summary>Reads the header of every weights file of a model directory (no tensor data), so a missing shard or a truncated
    /// file is found in milliseconds instead of at the end of a long load.</summary>
    public static void CheckDirectory(string dir)
    {
        if (!Directory.Exists(dir)) throw new CheckpointException(dir, "model directory not found.");
        var single = Path.Combine(dir, SingleFileName);
        if (File.Exists(single))
        {
            SafeTensors.ReadHeader(single);
            return;
        }
        var index = Path.Combine(dir, IndexFileName);
        if (!File.Exists(index))
            throw new CheckpointException(dir, $"neither {SingleFileName} nor {IndexFileName} is in this directory (found: {Listing(dir)}).");
        foreach (var shard in ReadWeightMap(index).Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var shardPath = Path.Combine(dir, shard);
            if (!File.Exists(shardPath)) throw new CheckpointException(index, $"shard '{shard}' is missing from {dir}.");
            SafeTensors.ReadHeader(shardPath);
        }
    }

    private static string Listing(string dir)
    {
        var names = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(10).ToList();
        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }

    private static Dictionary<string, torch.Tensor> LoadSharded(string dir, string index, torch.Device? device)
    {
        var weightMap = ReadWeightMap(index);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in weightMap.GroupBy(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var shardPath = Path.Combine(dir, shard.Key);
                if (!File.Exists(shardPath))
                    throw new CheckpointException(index, $"shard '{shard.Key}' (holding {shard.Count()} tensors, e.g. '{shard.First()}') is missing from {dir}.");
                var wanted = shard.ToHashSet(StringComparer.Ordinal);
                foreach (var (name, tensor) in SafeTensors.Load(shardPath, device, wanted.Contains))
                    result.Add(name, tensor);
                var absent = wanted.Where(n => !result.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
                if (absent.Count > 0)
                    throw new CheckpointException(shardPath, $"the index places {absent.Count} tensors here that the file does not hold: {string.Join(", ", absent.Take(20))}.");
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string index)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(index));
        }
        catch (JsonException e)
        {
            throw new CheckpointException(index, $"index is not valid JSON ({e.Message}).", e);
        }
        if (root is not JsonObject obj || obj["weight_map"] is not JsonObject map)
            throw new CheckpointException(index, "index has no \"weight_map\" object.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, file) in map)
        {
            if (file is not JsonValue v || !v.TryGetValue<string>(out var shard))
                throw new CheckpointException(index, $"weight_map['{name}'] is not a file name.");
            // A shard must sit in the model directory itself; anything else would read files outside it.
            if (shard.Length == 0 || Path.GetFileName(shard) != shard || shard is "." or "..")
                throw new CheckpointException(index, $"weight_map['{name}'] names '{shard}', which is not a plain file name.");
            result[name] = shard;
        }
        return result;
    }

    /// <summary>Writes tensors into shards of at most <paramref name="maxShardBytes"/> data bytes (HF names and index), or one model.safetensors when they fit.</summary>
    /// <remarks>Tensors go to shards in ordinal name order; a tensor larger than the limit gets a shard of its own.
    /// Weights files of the other layout left in <paramref name="dir"/> are removed afterwards so the directory loads unambiguously.</remarks>
    public static void SaveSharded(string dir, IReadOnlyDictionary<string, torch.Tensor> tensors, long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (maxShardBytes <= 0) throw new ArgumentOutOfRangeException(nameof(maxShardBytes), maxShardBytes, "shard size must be positive.");
        Directory.CreateDirectory(dir);
        var shards = Partition(tensors, maxShardBytes);
        if (shards.Count <= 1)
        {
            SafeTensors.Save(Path.Combine(dir, SingleFileName), tensors, metadata);
            RemoveStale(dir, keep: [SingleFileName]);
            return;
        }
        var weightMap = new JsonObject();
        var written = new List<string>();
        long totalSize = 0;
        for (var i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            var shard = shards[i].ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            SafeTensors.Save(Path.Combine(dir, name), shard, metadata);
            written.Add(name);
            foreach (var (tensorName, tensor) in shards[i])
            {
                weightMap[tensorName] = name;
                totalSize += DataBytes(tensor);
            }
        }
        var indexMetadata = new JsonObject { ["total_size"] = totalSize };
        if (metadata is not null)
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) indexMetadata[k] = v;
        var index = new JsonObject { ["metadata"] = indexMetadata, ["weight_map"] = weightMap };
        AtomicFile.WriteText(Path.Combine(dir, IndexFileName), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        RemoveStale(dir, keep: [.. written, IndexFileName]);
    }

    private static List<List<KeyValuePair<string, torch.Tensor>>> Partition(IReadOnlyDictionary<string, torch.Tensor> tensors, long maxShardBytes)
    {
        var shards = new List<List<KeyValuePair<string, torch.Tensor>>>();
        var current = new List<KeyValuePair<string, torch.Tensor>>();
        long currentBytes = 0;
        foreach (var kv in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var bytes = DataBytes(kv.Value);
            if (current.Count > 0 && currentBytes + bytes > maxShardBytes)
            {
                shards.Add(current);
                (current, currentBytes) = ([], 0);
            }
            current.Add(kv);
            currentBytes += bytes;
        }
        if (current.Count > 0) shards.Add(current);
        return shards;
    }

    private static long DataBytes(torch.Tensor t) => t.numel() * t.ElementSize;

    private static void RemoveStale(string dir, IReadOnlyCollection<string> keep)
    {
        foreach (var path in Directory.EnumerateFiles(dir))
        {
            var name = Path.GetFileName(path);
            var isWeights = name is SingleFileName or IndexFileName || ShardName().IsMatch(name);
            if (isWeights && !keep.Contains(name)) File.Delete(path);
        }
    }
}
