using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Code2Lora.Runtime;

/// <summary>Loads LibTorch, picks the device and reports what the process is running on.</summary>
public static class TorchRuntime
{
    /// <summary>The environment variable that sets LibTorch's thread count when --threads is not given.</summary>
    public const string ThreadsVariable = "C2L_THREADS";

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv")]
    private static extern int UnsetEnv(string name);

    /// <summary>Lets LibTorch's OpenMP threads sleep while they wait at a barrier instead of spinning (OMP_WAIT_POLICY=PASSIVE), unless
    /// the environment already sets a policy; an empty OMP_WAIT_POLICY keeps libgomp's own default. Call before the first torch call:
    /// libgomp reads its environment once, when LibTorch loads it. Returns whether the policy was set here.</summary>
    /// <remarks>With libgomp's default, a thread that reaches a barrier spins for a while before it sleeps. On a machine whose cores
    /// are shared, its partner thread is often descheduled, so the spinning burns the very CPU time the partner needs: a tiny-preset
    /// training step took 36 s with spinning threads and 15 s with sleeping ones under the same load (results/bench/contention.json
    /// measures solo and concurrent trainings). The setting changes when threads wait, not what they compute.</remarks>
    public static bool UsePassiveThreadWait()
    {
        switch (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"))
        {
            case "":
                // Empty asks for libgomp's default, which an empty value would not give (libgomp rejects it with a warning).
                Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", null);
                try { if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) UnsetEnv("OMP_WAIT_POLICY"); }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
                return false;
            case not null: return false;
        }
        Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");      // child processes (the benchmark's, CPython's)
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return true;
        // .NET keeps its own copy of the environment; native libraries read the C one.
        try { return SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0) == 0; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>The thread count asked for by <paramref name="option"/> (--threads) or else <see cref="ThreadsVariable"/>; null when neither
    /// is given (LibTorch's default: one per core, which the committed results were made with).</summary>
    public static int? RequestedThreads(int? option)
    {
        var text = option?.ToString(CultureInfo.InvariantCulture) ?? Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 1024)
            throw new ArgumentException($"--threads / {ThreadsVariable} '{text}': not a thread count; use a whole number from 1 to the core count ({Environment.ProcessorCount}).");
        return n;
    }

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
