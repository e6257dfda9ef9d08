using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace Code2Lora.Config;

/// <summary>Range checks of a bound config: each field's <see cref="RangeAttribute"/> or <see cref="AllowedValuesAttribute"/>, and the
/// <c>Validate()</c> method that records such as TrainingConfig and LoraConfig already carry, reported with the key path.</summary>
internal static class ConfigValidation
{
    /// <summary>Throws <see cref="ConfigException"/> for the first value out of range.</summary>
    public static void Check(object? value, string source, string path = "")
    {
        if (value is null) return;
        var type = value.GetType();
        if (type.IsPrimitive || value is string || type.IsEnum || !(type.Namespace ?? "").StartsWith("Code2Lora", StringComparison.Ordinal))
        {
            if (value is System.Collections.IEnumerable items and not string)
            {
                int i = 0;
                foreach (var item in items) Check(item, source, Join(path, (i++).ToString()));
            }
            return;
        }
        var info = ConfigJson.Options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var prop in info.Properties)
        {
            if (prop.Get is null) continue;
            var child = prop.Get(value);
            var key = Join(path, prop.Name);
            if (prop.AttributeProvider is MemberInfo member)
                foreach (var attr in member.GetCustomAttributes<ValidationAttribute>())
                    if (!attr.IsValid(child))
                        throw new ConfigException(source, key, $"{Show(child)} is out of range ({Rule(attr)})", "fix the value");
            Check(child, source, key);
        }
        var validate = type.GetMethod("Validate", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (validate is null) return;
        try { validate.Invoke(value, null); }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            throw new ConfigException(source, path, inner.Message.TrimEnd('.'), "fix the value");
        }
    }

    private static string Rule(ValidationAttribute attr) => attr switch
    {
        RangeAttribute r => $"must be {(r.MinimumIsExclusive ? ">" : "≥")} {r.Minimum}{(IsUnbounded(r.Maximum) ? "" : $" and {(r.MaximumIsExclusive ? "<" : "≤")} {r.Maximum}")}",
        AllowedValuesAttribute a => "must be one of " + string.Join(", ", a.Values),
        _ => attr.FormatErrorMessage("value"),
    };

    private static bool IsUnbounded(object max) => max is int i && i == int.MaxValue || max is double d && (double.IsPositiveInfinity(d) || d == double.MaxValue);
    private static string Show(object? v) => v is string s ? $"\"{s}\"" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
