using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Models.Checkpoints;

/// <summary>Lays out and writes a safetensors file: tensors in ordinal key order, back to back, after an 8-byte-aligned header
/// whose "__metadata__" always holds "format": "pt".</summary>
internal static class SafeTensorsWriter
{
    /// <summary>The metadata key transformers' and PEFT's loaders check: a file without "format" in ("pt", "tf", "flax", "mlx") is refused
    /// ("does not contain the valid metadata"); the tensors written here are PyTorch's.</summary>
    public const string FormatKey = "format";

    /// <summary>The value of <see cref="FormatKey"/> in every file this package writes.</summary>
    public const string PyTorchFormat = "pt";

    private sealed record Entry(string Name, torch.Tensor Tensor, string DType, int ElementSize, long[] Shape, long Begin, long End);

    /// <summary>Validates every tensor, then writes the file through <see cref="AtomicFile"/>.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata, long chunkBytes)
    {
        var entries = Layout(path, tensors);
        var header = Header(entries, WithFormat(path, metadata));
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var e in entries) WriteData(stream, e, chunkBytes);
        });
    }

    private static List<Entry> Layout(string path, IReadOnlyDictionary<string, torch.Tensor> tensors)
    {
        var entries = new List<Entry>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name.Length == 0 || name == "__metadata__")
                throw new CheckpointException(path, $"tensor name '{name}' cannot be stored in safetensors.");
            if (tensor is null || tensor.IsInvalid)
                throw new CheckpointException(path, $"tensor '{name}' is null or disposed.");
            if (!SafeTensorsDType.TryName(tensor.dtype, out var dtype, out var size))
                throw new CheckpointException(path, $"tensor '{name}' has dtype {tensor.dtype}, which safetensors cannot hold (supported: {string.Join(", ", SafeTensorsDType.Names)}).");
            var shape = tensor.shape.ToArray();
            var bytes = tensor.numel() * size;
            entries.Add(new Entry(name, tensor, dtype, size, shape, offset, offset + bytes));
            offset += bytes;
        }
        return entries;
    }

    private static Dictionary<string, string> WithFormat(string path, IReadOnlyDictionary<string, string>? metadata)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) all[k] = v;
        if (all.TryGetValue(FormatKey, out var format) && format != PyTorchFormat)
            throw new CheckpointException(path, $"metadata '{FormatKey}' is '{format}', but these are PyTorch tensors ('{PyTorchFormat}'): drop the key or set it to '{PyTorchFormat}'.");
        all[FormatKey] = PyTorchFormat;
        return all;
    }

    private static byte[] Header(List<Entry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            // The reference writer puts metadata first; readers accept any position.
            json.WriteStartObject("__metadata__");
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(k, v);
            json.WriteEndObject();
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.DType);
                json.WriteStartArray("shape");
                foreach (var d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Padding to 8 keeps the data section 8-byte aligned, so readers can map F64/I64 data in place.
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteData(Stream stream, Entry e, long chunkBytes)
    {
        var count = e.End - e.Begin == 0 ? 0 : (e.End - e.Begin) / e.ElementSize;
        if (count == 0) return;
        using var scope = torch.NewDisposeScope();
        var flat = e.Tensor.detach().to(torch.CPU).contiguous().view(-1);
        var perChunk = Math.Max(1, chunkBytes / e.ElementSize);
        for (long start = 0; start < count; start += perChunk)
            stream.Write(flat.narrow(0, start, Math.Min(perChunk, count - start)).bytes);
    }
}
