using System.Globalization;

namespace Code2Lora.Forge;

/// <summary>Python literal spellings of C# values, matching what CPython's repr prints.</summary>
internal static class PyLit
{
    public static string Str(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Shortest round-trip form, as repr(float) gives (the forge only uses exact binary fractions).</summary>
    public static string Float(double v)
    {
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }
}
