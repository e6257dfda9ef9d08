using System.Reflection;

namespace Code2Lora.Runtime;

/// <summary>Facts fixed at build time (backend, version), read from assembly metadata.</summary>
public static class BuildInfo
{
    private static string? Meta(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>The LibTorch backend this build links: "cpu" or "cuda".</summary>
    public static string TorchBackend => Meta("TorchBackend") ?? "cpu";

    /// <summary>The package version of the core library.</summary>
    public static string Version => typeof(BuildInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
