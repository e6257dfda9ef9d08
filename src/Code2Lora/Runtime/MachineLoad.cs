using System.Globalization;

namespace Code2Lora.Runtime;

/// <summary>How busy the machine is: benchmarks record it, since other processes on a shared CPU inflate every timing.</summary>
public static class MachineLoad
{
    /// <summary>The 1-minute load average (/proc/loadavg), or null where there is none.</summary>
    public static double? OneMinute()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }
}
