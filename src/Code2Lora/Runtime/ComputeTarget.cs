using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Runtime;

/// <summary>Where the frozen models run and in which precision: the one resolution of a config's <c>Device</c> and <c>Dtype</c>
/// fields. Trainable modules (heads, GRU, LoRA pairs) always keep fp32 masters on <see cref="Device"/>; only the frozen base and
/// encoder take <see cref="Dtype"/>.</summary>
/// <param name="Device">The torch device every tensor of a run is created on.</param>
/// <param name="Dtype">The dtype of the frozen base model and encoder weights (and of their activations).</param>
/// <param name="Description">How it was resolved, for logs ("auto → cpu (no CUDA device visible), fp32").</param>
public sealed record ComputeTarget(Device Device, ScalarType Dtype, string Description)
{
    /// <summary>The CPU in fp32: what tests and the tiny world use.</summary>
    public static ComputeTarget Cpu { get; } = new(torch.CPU, ScalarType.Float32, "cpu, fp32");

    /// <summary>Resolves a device ("auto" | "cpu" | "cuda" | "cuda:N" | "meta") and a dtype ("auto" | "fp32" | "bf16" | "fp16").
    /// "auto" picks CUDA when LibTorch sees a device and says so in <see cref="Description"/>; an explicit CUDA device that is not
    /// there is an error, never a silent CPU run. Dtype "auto" is bf16 on CUDA (the paper's base precision) and fp32 elsewhere.</summary>
    /// <param name="device">The config's Device field.</param>
    /// <param name="dtype">The config's Dtype field.</param>
    /// <param name="source">Where the values came from (a config file or preset), named in errors.</param>
    public static ComputeTarget Resolve(string device, string dtype, string source = "config")
    {
        var (resolved, how) = ResolveDevice(device, source);
        var type = dtype.Trim().ToLowerInvariant() == "auto"
            ? resolved.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32
            : ParseDtype(dtype, source);
        return new ComputeTarget(resolved, type, $"{how}, {Name(type)}{(dtype.Trim().ToLowerInvariant() == "auto" ? " (dtype auto)" : "")}");
    }

    /// <summary>Parses a dtype name: "fp32"/"float32", "bf16"/"bfloat16", "fp16"/"float16".</summary>
    public static ScalarType ParseDtype(string name, string source = "config") => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "f32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" or "f16" => ScalarType.Float16,
        _ => throw new ArgumentException($"{source}: dtype '{name}' is not one of auto, fp32, bf16, fp16."),
    };

    /// <summary>The short name of a model dtype (fp32, bf16, fp16).</summary>
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        ScalarType.Float64 => "fp64",
        _ => dtype.ToString(),
    };

    private static (Device Device, string How) ResolveDevice(string name, string source)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "auto")
            return torch.cuda.is_available()
                ? (torch.CUDA, "auto → cuda:0")
                : (torch.CPU, $"auto → cpu (no CUDA device visible; LibTorch backend '{BuildInfo.TorchBackend}')");
        if (n == "cpu") return (torch.CPU, "cpu");
        if (n == "meta") return (torch.device("meta"), "meta (shapes only, no storage)");
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (n.Length > 4 && !int.TryParse(n.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
                throw new ArgumentException($"{source}: device '{name}' is not cuda:N with N a GPU index.");
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"{source}: device '{name}' was asked for but CUDA is not available: this build uses the '{BuildInfo.TorchBackend}' LibTorch backend " +
                    "(rebuild with -p:TorchBackend=cuda on a CUDA machine, see environment.md), or set device to cpu.");
            var count = torch.cuda.device_count();
            if (index >= count)
                throw new InvalidOperationException($"{source}: device '{name}' was asked for but LibTorch sees {count} CUDA device(s) (0..{count - 1}).");
            return (torch.device(DeviceType.CUDA, index), $"cuda:{index}");
        }
        throw new ArgumentException($"{source}: device '{name}' is not one of auto, cpu, cuda, cuda:N, meta.");
    }
}
