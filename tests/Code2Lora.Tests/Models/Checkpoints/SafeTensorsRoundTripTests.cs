using Code2Lora.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>What Save writes, Load reads back bit for bit, in every supported dtype and shape kind.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class SafeTensorsRoundTripTests
{
    internal static Dictionary<string, Tensor> EveryDType() => new()
    {
        ["f64"] = tensor(new[] { Math.PI, -1e300, 0.0 }, dtype: float64),
        ["f32"] = tensor(new[] { 0f, 1.5f, -2f, 3.25f, 1e-3f, -7f }, dtype: float32).reshape(2, 3),
        ["f16"] = tensor(new[] { 0.5f, -2f, 65504f, 1f / 1024 }).to(float16),
        ["bf16"] = tensor(new[] { 1f, -3.5f, 0.15625f, 256f }).to(bfloat16).reshape(2, 2),
        ["i64"] = tensor(new[] { -1L, 1L << 40, 7L }, dtype: int64),
        ["i32"] = tensor(new[] { -5, int.MaxValue }, dtype: int32),
        ["i16"] = tensor(new short[] { -300, 300 }, dtype: int16),
        ["i8"] = tensor(new sbyte[] { -128, 127 }, dtype: int8),
        ["u8"] = tensor(new byte[] { 0, 200, 255 }, dtype: uint8),
        ["bool"] = tensor(new[] { true, false, true }, dtype: torch.@bool),
        ["scalar"] = tensor(42.5f),
        ["empty"] = empty(0, 4, dtype: float32),
    };

    internal static void AssertSame(Tensor expected, Tensor actual, string name)
    {
        Assert.True(expected.dtype == actual.dtype, $"{name}: dtype {actual.dtype}, expected {expected.dtype}");
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.contiguous().bytes.ToArray(), actual.bytes.ToArray());
    }

    [Fact]
    public void EveryDTypeScalarAndEmptyTensorRoundTripsWithMetadata()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("all.safetensors");
        var tensors = EveryDType();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode + \"quotes\"" };

        SafeTensors.Save(path, tensors, metadata);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, t) in tensors) AssertSame(t, loaded[name], name);
        Assert.Equal(new[] { 1f, -3.5f, 0.15625f, 256f }, loaded["bf16"].to(float32).data<float>().ToArray());
        Assert.Equal(new[] { 0.5f, -2f, 65504f, 1f / 1024 }, loaded["f16"].to(float32).data<float>().ToArray());
        Assert.Equal(0, loaded["scalar"].dim());
        Assert.Equal(42.5f, loaded["scalar"].item<float>());
        Assert.Equal(new long[] { 0, 4 }, loaded["empty"].shape);

        var header = SafeTensors.ReadHeader(path);
        Assert.Equal(metadata, header.Metadata);
        Assert.Equal(0, header.DataOffset % 8);
        Assert.Equal(header.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), header.Tensors.Select(t => t.Name));
        Assert.Equal("BF16", header.Tensors.Single(t => t.Name == "bf16").DType);
    }

    [Fact]
    public void ChunkedCopiesGiveTheSameBytesAsWholeTensorCopies()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("chunks.safetensors");
        var tensors = EveryDType();
        // 6-byte chunks split every multi-element tensor into several narrow() views and exercise the tail chunk.
        SafeTensorsWriter.Write(path, tensors, null, chunkBytes: 6);
        var loaded = SafeTensors.Load(path, null, null, chunkBytes: 6);
        foreach (var (name, t) in tensors) AssertSame(t, loaded[name], name);
        var whole = SafeTensors.Load(path);
        foreach (var (name, t) in whole) AssertSame(t, loaded[name], name);
    }

    [Fact]
    public void NonContiguousTensorsAreSavedInLogicalOrderAndIncludeFilters()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("t.safetensors");
        var transposed = arange(6, dtype: float32).reshape(2, 3).t();
        Assert.False(transposed.is_contiguous());
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = transposed, ["skip"] = ones(2) });

        var loaded = SafeTensors.Load(path, include: name => name != "skip");

        Assert.Equal(new[] { "t" }, loaded.Keys);
        Assert.Equal(new long[] { 3, 2 }, loaded["t"].shape);
        Assert.Equal(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, loaded["t"].data<float>().ToArray());
    }

    [Fact]
    public void SaveRefusesDTypesSafetensorsCannotHold()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("c.safetensors");
        var e = Assert.Throws<CheckpointException>(() =>
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["z"] = zeros(2, dtype: complex64) }));
        Assert.Contains("'z'", e.Message);
        Assert.False(File.Exists(path));
    }
}
