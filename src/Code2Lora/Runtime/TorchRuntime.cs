using TorchSharp;

namespace Code2Lora.Runtime;

/// <summary>Loads LibTorch, picks the device and reports what the process is running on.</summary>
public static class TorchRuntime
{
    /// <summary>Resolves a device name: "auto" means CUDA when available, else CPU; see <see cref="ComputeTarget.Resolve"/>.</summary>
    public static torch.Device ResolveDevice(string name = "auto") => ComputeTarget.Resolve(name, "fp32", "--device").Device;

    /// <summary>Sets the intra-op thread count; 0 keeps LibTorch's default (one per core).</summary>
    public static void SetThreads(int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
    }

    /// <summary>Forces the native LibTorch load and describes it; throws a readable error when it fails.</summary>
    public static string Describe()
    {
        try
        {
            var t = torch.ones(2, 2).sum().item<float>();
            if (t != 4f) throw new InvalidOperationException("LibTorch returned a wrong sum: the native library is broken.");
            return $"TorchSharp {typeof(torch).Assembly.GetName().Version} · LibTorch backend '{BuildInfo.TorchBackend}' · " +
                   $"threads {torch.get_num_threads()} · CUDA {(torch.cuda.is_available() ? "yes" : "no")}";
        }
        catch (TypeInitializationException e)
        {
            throw new InvalidOperationException(
                "LibTorch failed to load. On Linux this is usually libstdc++ being older than libLibTorchSharp.so expects; " +
                "the build patches that (Directory.Build.targets) — rebuild, then run `ldd` on bin/**/libLibTorchSharp.so to see what is missing. " +
                "Inner error: " + (e.InnerException?.Message ?? e.Message), e);
        }
    }
}
