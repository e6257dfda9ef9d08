using System.Text;
using System.Text.Json;

namespace Code2Lora.Models.Checkpoints;

/// <summary>Reads and validates the length prefix and JSON header of a safetensors file, without touching tensor data.</summary>
internal static class SafeTensorsHeaderParser
{
    private const string MetadataKey = "__metadata__";

    /// <summary>Reads the header of <paramref name="path"/>, checking every offset against the real file length.</summary>
    public static SafeTensorsHeader Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "safetensors file not found.");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fileLength = fs.Length;
        if (fileLength < 8)
            throw new CheckpointException(path, $"file is {fileLength} bytes, shorter than the 8-byte header length prefix: not a safetensors file.");
        Span<byte> prefix = stackalloc byte[8];
        fs.ReadExactly(prefix);
        var headerLength = BitConverter.ToUInt64(BitConverter.IsLittleEndian ? prefix : Reversed(prefix));
        if (headerLength > (ulong)(fileLength - 8))
            throw new CheckpointException(path, $"header length {headerLength} is larger than the {fileLength - 8} bytes that follow the prefix: truncated or not a safetensors file.");
        if (headerLength > int.MaxValue)
            throw new CheckpointException(path, $"header length {headerLength} exceeds 2 GiB: not a safetensors file (the spec caps headers at 100 MB).");
        var json = new byte[(int)headerLength];
        fs.ReadExactly(json);
        var dataOffset = 8 + (long)headerLength;
        return Parse(path, json, dataOffset, fileLength - dataOffset);
    }

    private static byte[] Reversed(Span<byte> bytes)
    {
        var copy = bytes.ToArray();
        Array.Reverse(copy);
        return copy;
    }

    private static SafeTensorsHeader Parse(string path, byte[] json, long dataOffset, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"header is not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, $"header is JSON {doc.RootElement.ValueKind}, expected an object of tensor entries.");
            var tensors = new List<TensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(entry.Name))
                    throw new CheckpointException(path, $"header names '{entry.Name}' twice.");
                if (entry.Name == MetadataKey)
                    ReadMetadata(path, entry.Value, metadata);
                else
                    tensors.Add(ReadTensor(path, entry.Name, entry.Value));
            }
            CheckOffsets(path, tensors, dataLength);
            return new SafeTensorsHeader(tensors, metadata, dataOffset);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, $"'{MetadataKey}' is JSON {value.ValueKind}, expected an object of strings.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"'{MetadataKey}.{item.Name}' is JSON {item.Value.ValueKind}; safetensors metadata values must be strings.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static TensorInfo ReadTensor(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, $"tensor '{name}' is JSON {value.ValueKind}, expected {{dtype, shape, data_offsets}}.");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new CheckpointException(path, $"tensor '{name}' has no string 'dtype'.");
        var dtype = dtypeElement.GetString()!;
        if (!SafeTensorsDType.TryParse(dtype, out _, out var elementSize))
            throw new CheckpointException(path, $"tensor '{name}' has unsupported dtype '{dtype}' (supported: {string.Join(", ", SafeTensorsDType.Names)}).");
        var shape = ReadLongs(path, name, value, "shape", count: null);
        if (shape.Any(d => d < 0))
            throw new CheckpointException(path, $"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}].");
        var offsets = ReadLongs(path, name, value, "data_offsets", count: 2);
        long expectedBytes;
        try
        {
            expectedBytes = checked(shape.Aggregate(1L, (n, d) => n * d) * elementSize);
        }
        catch (OverflowException)
        {
            throw new CheckpointException(path, $"tensor '{name}' shape [{string.Join(", ", shape)}] is too large to address.");
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin)
            throw new CheckpointException(path, $"tensor '{name}' has data_offsets [{begin}, {end}]: begin must be >= 0 and <= end.");
        if (end - begin != expectedBytes)
            throw new CheckpointException(path, $"tensor '{name}' data_offsets [{begin}, {end}] span {end - begin} bytes, but {dtype} shape [{string.Join(", ", shape)}] needs {expectedBytes}.");
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadLongs(string path, string name, JsonElement value, string property, int? count)
    {
        if (!value.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new CheckpointException(path, $"tensor '{name}' has no '{property}' array.");
        var result = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var n))
                throw new CheckpointException(path, $"tensor '{name}' '{property}' holds {item.GetRawText()}, expected integers.");
            result.Add(n);
        }
        if (count is int c && result.Count != c)
            throw new CheckpointException(path, $"tensor '{name}' '{property}' has {result.Count} entries, expected {c}.");
        return result.ToArray();
    }

    private static void CheckOffsets(string path, List<TensorInfo> tensors, long dataLength)
    {
        foreach (var t in tensors)
        {
            if (t.End > dataLength)
                throw new CheckpointException(path, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] run past the {dataLength}-byte data section: file truncated?");
        }
        // Empty tensors occupy no bytes, so they cannot overlap anything.
        var ordered = tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Begin < ordered[i - 1].End)
                throw new CheckpointException(path,
                    $"tensors '{ordered[i - 1].Name}' [{ordered[i - 1].Begin}, {ordered[i - 1].End}] and '{ordered[i].Name}' [{ordered[i].Begin}, {ordered[i].End}] overlap.");
        }
    }
}
