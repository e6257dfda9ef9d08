using System.Globalization;

namespace Code2Lora.Runtime;

/// <summary>How busy the machine is: what every timing records beside itself, since a shared machine can make a run many times slower.</summary>
public static class MachineLoad
{
    /// <summary>The 1/5/15-minute load averages from /proc/loadavg ("0.52 0.31 0.20"), or null off Linux.</summary>
    public static string? Now() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    /// <summary>The 1-minute load average, or null off Linux.</summary>
    public static double? OneMinute() =>
        Now() is { } text && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A note when other processes keep the cores busy (1-minute load at least the core count), else null.</summary>
    public static string? BusyNote() =>
        OneMinute() is { } load && load >= Environment.ProcessorCount
            ? string.Create(CultureInfo.InvariantCulture,
                $"note: load average {load:F1} on {Environment.ProcessorCount} cores: other processes share the CPU, so this run is slower than the timings in results/.")
            : null;
}
