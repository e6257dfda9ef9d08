using Code2Lora.Models.Checkpoints;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>Offsets beyond 2 GiB are read through the memory map (a sparse file, so no disk space is used).</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class SafeTensorsLargeOffsetTests
{
    [Fact]
    public void TensorStoredPastTwoGibibytesIsRead()
    {
        using var dir = new CheckpointTempDir();
        var path = dir.File("sparse.safetensors");
        const long begin = 3L << 30;
        var header = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"far\": {{\"dtype\": \"I64\", \"shape\": [2], \"data_offsets\": [{begin}, {begin + 16}]}}}}".PadRight(72));
        using (var fs = new FileStream(path, FileMode.CreateNew))
        {
            fs.Write(BitConverter.GetBytes((ulong)header.Length));
            fs.Write(header);
            fs.SetLength(8 + header.Length + begin + 16);
            fs.Position = 8 + header.Length + begin;
            fs.Write(BitConverter.GetBytes(long.MinValue));
            fs.Write(BitConverter.GetBytes(123456789012345L));
        }

        var loaded = SafeTensors.Load(path);

        Assert.Equal(new[] { long.MinValue, 123456789012345L }, loaded["far"].data<long>().ToArray());
    }
}
