namespace Code2Lora.Config;

/// <summary>A config file or override that cannot be used: names the file (or <c>--set</c>), the key and the fix.</summary>
public sealed class ConfigException(string source, string key, string problem, string fix)
    : ArgumentException($"{source}: {(key.Length == 0 ? "" : key + ": ")}{problem}; {fix}")
{
    /// <summary>The file (or "--set") the bad value came from (not <see cref="Exception.Source"/>, the throwing assembly).</summary>
    public string Origin { get; } = source;
    /// <summary>Dotted snake_case path of the bad key ("" for the whole file).</summary>
    public string Key { get; } = key;
}
