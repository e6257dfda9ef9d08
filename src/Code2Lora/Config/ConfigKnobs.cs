using System.Globalization;

namespace Code2Lora.Config;

/// <summary>Turns the knobs of a notebook's parameters cell into <c>key=value</c> overrides for <see cref="ConfigFiles.Load{T}"/>:
/// a null knob keeps the config file's value, so the same cell works for the smoke, tiny and paper files.</summary>
public static class ConfigKnobs
{
    /// <summary>One override per non-null knob, values written as the override parser reads them (JSON numbers and
    /// booleans, bare text).</summary>
    public static IReadOnlyList<string> Overrides(params (string Key, object? Value)[] knobs) =>
        knobs.Where(k => k.Value is not null).Select(k => $"{k.Key}={Text(k.Value!)}").ToList();

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
