using System.IO.MemoryMappedFiles;
using TorchSharp;

namespace Code2Lora.Models.Checkpoints;

/// <summary>Reads and writes the Hugging Face safetensors format (u64 LE header length, JSON header, raw little-endian data).</summary>
public static class SafeTensors
{
    // Copies go through spans, which are int-sized; one gibibyte per copy keeps any tensor size addressable.
    internal const long DefaultChunkBytes = 1L << 30;

    /// <summary>Reads and validates the header of a safetensors file without reading tensor data.</summary>
    public static SafeTensorsHeader ReadHeader(string path) => SafeTensorsHeaderParser.Read(path);

    /// <summary>Loads the tensors of a file (those <paramref name="include"/> accepts) in the file's dtypes, reading each slice from a memory-mapped view.</summary>
    public static Dictionary<string, torch.Tensor> Load(string path, torch.Device? device = null, Func<string, bool>? include = null) =>
        Load(path, device, include, DefaultChunkBytes);

    internal static Dictionary<string, torch.Tensor> Load(string path, torch.Device? device, Func<string, bool>? include, long chunkBytes)
    {
        var header = ReadHeader(path);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var map = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            foreach (var info in header.Tensors)
            {
                if (include is not null && !include(info.Name)) continue;
                var tensor = ReadTensor(view, header.DataOffset, info, chunkBytes);
                if (device is not null && device.type != DeviceType.CPU)
                {
                    var moved = tensor.to(device);
                    tensor.Dispose();
                    tensor = moved;
                }
                result.Add(info.Name, tensor);
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    private static torch.Tensor ReadTensor(MemoryMappedViewAccessor view, long dataOffset, TensorInfo info, long chunkBytes)
    {
        SafeTensorsDType.TryParse(info.DType, out var type, out var elementSize);
        var tensor = torch.empty(info.Shape, dtype: type, device: torch.CPU);
        var count = info.ElementCount;
        if (count == 0) return tensor;
        using var flat = tensor.view(-1);
        var perChunk = Math.Max(1, chunkBytes / elementSize);
        var handle = view.SafeMemoryMappedViewHandle;
        for (long start = 0; start < count; start += perChunk)
        {
            using var part = flat.narrow(0, start, Math.Min(perChunk, count - start));
            // The span points at the tensor's own native storage, so this is one copy from the page cache into it.
            handle.ReadSpan((ulong)(view.PointerOffset + dataOffset + info.Begin + start * elementSize), part.bytes);
        }
        return tensor;
    }

    /// <summary>Writes tensors as a spec-conformant safetensors file (sorted keys, space-padded header), atomically; its metadata always
    /// carries "format": "pt", which transformers and PEFT require to load the file.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path, tensors, metadata, DefaultChunkBytes);
}
