using Code2Lora.Runtime;

namespace Code2Lora.Tests.Runtime;

/// <summary>Reading /proc's "Key: N kB" fields, including the unpadded form the kernel writes from 10 GB up.</summary>
public sealed class PeakRssTests
{
    [Fact]
    public void Reads_kib_fields_padded_or_not()
    {
        var path = Path.GetTempFileName();
        try
        {
            // As /proc/self/status prints them: the number is right-aligned in 8 columns after the tab, so a 10 GB peak has no space.
            File.WriteAllText(path, "Name:\tc2l\nVmPeak:\t23456789 kB\nVmHWM:\t12345678 kB\nVmRSS:\t    1234 kB\nMemAvailable:   22548132 kB\n");
            Assert.Equal(12_345_678L, PeakRss.KibField(path, "VmHWM"));
            Assert.Equal(1_234L, PeakRss.KibField(path, "VmRSS"));
            Assert.Equal(22_548_132L, PeakRss.KibField(path, "MemAvailable"));
            Assert.Null(PeakRss.KibField(path, "VmSwap"));
            Assert.Null(PeakRss.KibField(path + ".absent", "VmHWM"));
            File.WriteAllText(path, "VmHWM:\tlots kB\n");
            Assert.Contains(path, Assert.Throws<FormatException>(() => PeakRss.KibField(path, "VmHWM")).Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Reads_this_process()
    {
        Assert.True(PeakRss.MiB() > 1);
        Assert.True(Code2Lora.Experiments.MemoryPlanCheck.CurrentRssBytes() > 1 << 20);
    }
}
