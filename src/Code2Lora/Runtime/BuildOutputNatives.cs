using System.Runtime.InteropServices;
using TorchSharp;

namespace Code2Lora.Runtime;

/// <summary>Points TorchSharp and LibGit2Sharp at the native libraries of the build output folder they were loaded from,
/// for hosts whose dependency file does not list them (notebook kernels).</summary>
/// <remarks>
/// An executable finds <c>runtimes/&lt;rid&gt;/native/*.so</c> through its <c>.deps.json</c>.  A notebook kernel that
/// references the assemblies by path (VS Code's Polyglot kernel, c2l-notebook) has no such entry.  TorchSharp's own
/// fallback then looks only in NuGet package folders, whose copy is not patched for older libstdc++ (stack-notes §1):
/// loading the build's LibTorchSharp by full path first makes TorchSharp's later load by name find it already in the
/// process, and its dependencies (libtorch, libc10 and, in a CUDA build, libtorch_cuda) resolve beside it through its
/// <c>$ORIGIN</c> run path.  Nothing here names a backend: whatever the build copied is what loads.  LibGit2Sharp's own
/// resolver ignores its NativeLibraryPath setting in such a host, so a last-chance resolver on the assembly's load
/// context finds <c>libgit2-*.so</c> in the same folders.  Call once, before the first use of either library.
/// </remarks>
public static class BuildOutputNatives
{
    /// <summary>Loads what the folder holds; returns the native files or folders it pointed the libraries at.</summary>
    public static IReadOnlyList<string> Load()
    {
        var loaded = new List<string>();
        // typeof(torch) does not run torch's static constructor, which is what would load the natives too early.
        if (Find(typeof(torch).Assembly, OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so") is { } torchLib)
        {
            NativeLibrary.Load(torchLib);
            loaded.Add(torchLib);
        }
        var git = typeof(LibGit2Sharp.Repository).Assembly;
        var gitDir = NativeDirectories(git).FirstOrDefault(d => Directory.Exists(d) && Directory.EnumerateFiles(d, "*git2*").Any());
        if (gitDir is not null && Interlocked.Exchange(ref _gitResolverAdded, 1) == 0)
        {
            System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(git)!.ResolvingUnmanagedDll += (assembly, name) =>
                assembly == git && name.Contains("git2", StringComparison.Ordinal) &&
                Directory.EnumerateFiles(gitDir, $"*{name}*").FirstOrDefault() is { } file ? NativeLibrary.Load(file) : IntPtr.Zero;
            loaded.Add(gitDir);
        }
        return loaded;
    }

    private static int _gitResolverAdded;

    private static string? Find(System.Reflection.Assembly assembly, string file) =>
        NativeDirectories(assembly).Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);

    // The assembly's own folder (RID-specific builds put natives there), then runtimes/<rid>/native below it.
    private static IEnumerable<string> NativeDirectories(System.Reflection.Assembly assembly)
    {
        var dir = Path.GetDirectoryName(assembly.Location);
        if (string.IsNullOrEmpty(dir)) yield break;
        yield return dir;
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        foreach (var rid in new[] { RuntimeInformation.RuntimeIdentifier, $"{os}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}" }.Distinct())
            yield return Path.Combine(dir, "runtimes", rid, "native");
    }
}
