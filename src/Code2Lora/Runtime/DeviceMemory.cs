using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace Code2Lora.Runtime;

/// <summary>How much memory a device offers a run: the CPU's available RAM, a CUDA device's total memory, or unknown.</summary>
public static class DeviceMemory
{
    /// <summary>Bytes <paramref name="device"/> offers, or null when this machine cannot tell (the meta device, no /proc, no nvidia-smi).</summary>
    public static long? Bytes(torch.Device device) => device.type switch
    {
        DeviceType.CPU => PeakRss.KibField("/proc/meminfo", "MemAvailable") * 1024,
        DeviceType.CUDA => CudaTotalBytes(Math.Max(0, (int)device.index)),
        _ => null,
    };

    /// <summary>A CUDA device's total memory from nvidia-smi: TorchSharp 0.107 exposes no device-properties call, and every machine
    /// with an NVIDIA driver has nvidia-smi.</summary>
    private static long? CudaTotalBytes(int index)
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--query-gpu=memory.total", "--format=csv,noheader,nounits", "-i", index.ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(a);
            using var p = Process.Start(start);
            if (p is null) return null;
            var text = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000) || p.ExitCode != 0) return null;
            return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mib) ? mib * 1024 * 1024 : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }   // no nvidia-smi on PATH: unknown, not zero
    }
}
