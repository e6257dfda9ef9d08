using TorchSharp;

namespace Code2Lora.Models.Checkpoints;

/// <summary>The safetensors dtype names this package reads and writes, and their TorchSharp scalar types.</summary>
public static class SafeTensorsDType
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Table =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I64", torch.ScalarType.Int64, 8),
        ("I32", torch.ScalarType.Int32, 4),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>The dtype names accepted in a file, for error messages.</summary>
    public static IEnumerable<string> Names => Table.Select(t => t.Name);

    /// <summary>Finds the scalar type and element size of a file dtype name; false when the name is not supported.</summary>
    public static bool TryParse(string name, out torch.ScalarType type, out int elementSize)
    {
        foreach (var row in Table)
        {
            if (row.Name != name) continue;
            (type, elementSize) = (row.Type, row.Size);
            return true;
        }
        (type, elementSize) = (default, 0);
        return false;
    }

    /// <summary>The file dtype name of a TorchSharp scalar type; false for types safetensors cannot hold here (complex, quantized).</summary>
    public static bool TryName(torch.ScalarType type, out string name, out int elementSize)
    {
        foreach (var row in Table)
        {
            if (row.Type != type) continue;
            (name, elementSize) = (row.Name, row.Size);
            return true;
        }
        (name, elementSize) = ("", 0);
        return false;
    }
}
