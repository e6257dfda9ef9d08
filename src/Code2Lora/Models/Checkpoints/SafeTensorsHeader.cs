namespace Code2Lora.Models.Checkpoints;

/// <summary>One tensor entry of a safetensors header: its byte range is relative to the start of the data section.</summary>
public sealed record TensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (1 for a 0-d scalar, 0 when any dimension is 0).</summary>
    public long ElementCount => Shape.Aggregate(1L, (n, d) => checked(n * d));
}

/// <summary>The parsed header of a safetensors file: tensors in file order, the free-form metadata, and where data starts.</summary>
public sealed record SafeTensorsHeader(IReadOnlyList<TensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataOffset);
