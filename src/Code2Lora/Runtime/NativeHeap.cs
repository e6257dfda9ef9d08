using System.Runtime.InteropServices;

namespace Code2Lora.Runtime;

/// <summary>Keeps the native heap from creeping during long TorchSharp training runs (stack-notes §1d).</summary>
/// <remarks>
/// With glibc's dynamic mmap threshold, AdamW steps leave ~22 MB/step of freed-but-unreturned heap; a 1,000-step
/// run would exceed 24 GiB although no tensor leaks.  Pinning M_MMAP_THRESHOLD turns the dynamic threshold off, which is
/// what stops the creep.  At 128 KiB (the first value used) every mid-sized activation also went through mmap/munmap and
/// page faults: a tiny-preset training step spent as much time in the kernel as in torch.  At 16 MiB activations stay in
/// the heap: single-LoRA training on the tiny preset ran 193 steps in 45 s instead of 98, and resident memory stayed at
/// 0.8–1.0 GiB over 256 full fine-tuning steps.  Call once, before training.
/// </remarks>
public static class NativeHeap
{
    private const int M_MMAP_THRESHOLD = -3;
    private static int _applied;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    /// <summary>Applies the mmap-threshold fix once per process; a no-op off glibc. Returns whether it is in force.</summary>
    public static bool UseTrimmedHeap(int mmapThresholdBytes = 16 * 1024 * 1024)
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Interlocked.Exchange(ref _applied, 1) == 1) return true;
        try { return Mallopt(M_MMAP_THRESHOLD, mmapThresholdBytes) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; } // musl etc.
    }

    /// <summary>Sets glibc's mmap threshold now, whatever was set before (for measurements: blocks above it are returned to the kernel
    /// when freed, so resident memory follows the live tensors); false off glibc.</summary>
    public static bool SetMmapThreshold(int bytes)
    {
        if (!OperatingSystem.IsLinux()) return false;
        Interlocked.Exchange(ref _applied, 1);
        try { return Mallopt(M_MMAP_THRESHOLD, bytes) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Returns the heap's free pages to the kernel (glibc malloc_trim), so resident memory measures live data; false off glibc.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return MallocTrim(0) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }
}
