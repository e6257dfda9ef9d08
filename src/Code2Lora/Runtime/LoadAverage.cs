using System.Globalization;

namespace Code2Lora.Runtime;

/// <summary>The machine's load averages (/proc/loadavg): other processes on a shared CPU inflate every wall-clock figure.</summary>
public static class LoadAverage
{
    /// <summary>The 1-, 5- and 15-minute load averages as /proc/loadavg prints them ("0.52 0.61 0.70"), or null off Linux.</summary>
    public static string? Text()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The 1-minute load average, or null off Linux.</summary>
    public static double? OneMinute() =>
        Text() is { } text && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
}
