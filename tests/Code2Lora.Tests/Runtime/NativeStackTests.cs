using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Tests.Runtime;

/// <summary>The native libraries load in the test host (the libstdc++ patch and the allocator fix are in force).</summary>
public class NativeStackTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        var description = TorchRuntime.Describe();
        Assert.Contains("LibTorch backend", description);
        using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var y = x.matmul(x.t());
        Assert.Equal(new[] { 5f, 14f, 14f, 50f }, y.data<float>().ToArray());
    }

    [Fact]
    public void PatchedLibraryHasNoStrongGlibcxx332Need()
    {
        var so = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault();
        if (so is null || !OperatingSystem.IsLinux()) return; // other platforms ship a different native layout
        var bytes = File.ReadAllBytes(so);
        // Either the need was marked weak by the build, or the string is absent in a future TorchSharp: both load.
        var marker = System.Text.Encoding.ASCII.GetBytes("GLIBCXX_3.4.32");
        Assert.True(bytes.AsSpan().IndexOf(marker) < 0 || ElfVersionNeeds.IsWeak(bytes, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void AutoDeviceIsAvailableAndCudaIsRefusedClearlyWithoutIt()
    {
        var auto = TorchRuntime.ResolveDevice("auto");
        Assert.True(auto.type == DeviceType.CPU || torch.cuda.is_available());
        if (!torch.cuda.is_available())
        {
            var e = Assert.Throws<InvalidOperationException>(() => TorchRuntime.ResolveDevice("cuda"));
            Assert.Contains("TorchBackend=cuda", e.Message);
        }
    }

    [Fact]
    public void TrimmedHeapAppliesOnLinux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), NativeHeap.UseTrimmedHeap());
    }
}

/// <summary>Independent reader of ELF version needs, to check the build's patch from the outside.</summary>
internal static class ElfVersionNeeds
{
    public static bool IsWeak(byte[] elf, string version)
    {
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            int sh = (int)(shoff + (long)s * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != 0x6ffffffe) continue;
            int off = (int)BitConverter.ToInt64(elf, sh + 0x18);
            int link = BitConverter.ToInt32(elf, sh + 0x28), count = BitConverter.ToInt32(elf, sh + 0x2C);
            int str = (int)BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            for (int i = 0, vn = off; i < count; i++, vn += (int)BitConverter.ToUInt32(elf, vn + 12))
                for (int j = 0, aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8); j < BitConverter.ToUInt16(elf, vn + 2); j++, aux += (int)BitConverter.ToUInt32(elf, aux + 12))
                {
                    int at = str + (int)BitConverter.ToUInt32(elf, aux + 8), end = at;
                    while (elf[end] != 0) end++;
                    if (System.Text.Encoding.ASCII.GetString(elf, at, end - at) == version)
                        return (BitConverter.ToUInt16(elf, aux + 4) & 0x2) != 0;
                }
        }
        return false;
    }
}
