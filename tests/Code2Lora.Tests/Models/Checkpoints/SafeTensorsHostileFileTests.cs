using System.Buffers.Binary;
using System.Text;
using Code2Lora.Models.Checkpoints;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>Broken or hostile files give a CheckpointException that names the file and the problem, from both ReadHeader and Load.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class SafeTensorsHostileFileTests
{
    private static void WriteRaw(string path, string header, int dataBytes, ulong? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }

    private static void AssertRejected(string path, params string[] fragments)
    {
        foreach (var attempt in new Action[] { () => SafeTensors.ReadHeader(path), () => SafeTensors.Load(path) })
        {
            var e = Assert.Throws<CheckpointException>(attempt);
            Assert.Equal(path, e.FilePath);
            Assert.Contains(path, e.Message);
            foreach (var f in fragments) Assert.Contains(f, e.Message);
        }
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new CheckpointTempDir();
        AssertRejected(dir.File("absent.safetensors"), "not found");
    }

    [Fact]
    public void FileShorterThanTheLengthPrefix()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        AssertRejected(path, "5 bytes", "shorter than the 8-byte");
    }

    [Fact]
    public void HeaderLengthLargerThanTheFile()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("long.safetensors");
        WriteRaw(path, "{}", 0, declaredLength: 1000);
        AssertRejected(path, "header length 1000", "larger than the 2 bytes");
        WriteRaw(path, "{}", 0, declaredLength: ulong.MaxValue);
        AssertRejected(path, "header length 18446744073709551615");
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"a\": {\"dtype\": \"F32\"", "not valid JSON")]
    [InlineData("[1, 2, 3]", "JSON Array, expected an object")]
    [InlineData("\"text\"", "JSON String, expected an object")]
    [InlineData("{\"a\": 5}", "tensor 'a' is JSON Number")]
    [InlineData("{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "no string 'dtype'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "expected integers")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "negative dimension")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "has 1 entries, expected 2")]
    [InlineData("{\"__metadata__\": {\"n\": 1}}", "metadata values must be strings")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "names 'a' twice")]
    public void HeaderThatIsNotAWellFormedObject(string header, string fragment)
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("bad.safetensors");
        WriteRaw(path, header, 8);
        AssertRejected(path, fragment);
    }

    [Fact]
    public void UnknownDType()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("fp8.safetensors");
        WriteRaw(path, "{\"w\": {\"dtype\": \"F8_E4M3\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 2);
        AssertRejected(path, "'w'", "unsupported dtype 'F8_E4M3'", "BF16");
    }

    [Fact]
    public void OffsetsPastTheEndOfTheData()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("truncated.safetensors");
        WriteRaw(path, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 4);
        AssertRejected(path, "'w'", "run past the 4-byte data section");
    }

    [Fact]
    public void OverlappingOffsets()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("overlap.safetensors");
        WriteRaw(path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, " +
                       "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12);
        AssertRejected(path, "'a' [0, 8]", "'b' [4, 12]", "overlap");
    }

    [Theory]
    [InlineData("[0, 12]", "span 12 bytes", "needs 8")]
    [InlineData("[8, 4]", "begin must be >= 0 and <= end")]
    [InlineData("[-4, 4]", "begin must be >= 0 and <= end")]
    public void OffsetsThatDoNotMatchShapeTimesDType(string offsets, params string[] fragments)
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("size.safetensors");
        WriteRaw(path, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": " + offsets + "}}", 16);
        AssertRejected(path, fragments);
    }

    [Fact]
    public void ShapeTooLargeToAddressIsRejectedBeforeAllocating()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("huge.safetensors");
        WriteRaw(path, "{\"w\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 8]}}", 8);
        AssertRejected(path, "too large");
    }
}
