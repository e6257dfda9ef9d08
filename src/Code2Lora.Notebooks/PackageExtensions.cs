using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;

namespace Code2Lora.Notebooks;

/// <summary>Loads the kernel extensions a restored NuGet package ships in <c>interactive-extensions/dotnet/</c>.</summary>
/// <remarks>
/// Packages such as Plotly.NET.Interactive register their formatters this way: assemblies with <see cref="IKernelExtension"/>
/// types, or an <c>extension.dib</c> script.  The tool does this after the command that restored the package; so does
/// this middleware, once per package root and kernel.
/// </remarks>
internal static class PackageExtensions
{
    private const string ExtensionScript = "extension.dib";

    /// <summary>Adds the middleware that loads extensions of every package the kernel restores.</summary>
    public static void LoadWhenRestored(CompositeKernel kernel)
    {
        var pending = new ConcurrentQueue<string>();
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        kernel.RegisterForDisposal(kernel.KernelEvents.Subscribe(e =>
        {
            if (e is PackageAdded { PackageReference.PackageRoot: { } root }) pending.Enqueue(root);
        }));
        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (pending.TryDequeue(out var root))
            {
                var dir = new DirectoryInfo(Path.Combine(root, "interactive-extensions", "dotnet"));
                if (dir.Exists && loaded.Add(dir.FullName)) await LoadAsync(kernel, dir, context);
            }
        });
    }

    private static async Task LoadAsync(CompositeKernel kernel, DirectoryInfo dir, KernelInvocationContext context)
    {
        foreach (var dll in dir.GetFiles("*.dll").OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(dll.FullName);
            foreach (var type in assembly.ExportedTypes.Where(IsExtension))
            {
                try
                {
                    var extension = (IKernelExtension)Activator.CreateInstance(type)!;
                    await extension.OnLoadAsync(kernel);
                    context.Publish(new KernelExtensionLoaded(extension, context.Command));
                }
                catch (Exception e) when (e is TargetInvocationException or InvalidOperationException or MissingMethodException or TypeLoadException or FileNotFoundException)
                {
                    context.Fail(context.Command, e, $"kernel extension {type.FullName} from {dll.FullName} failed to load: {e.Message}");
                }
            }
        }
        var script = new FileInfo(Path.Combine(dir.FullName, ExtensionScript));
        if (script.Exists) await kernel.LoadAndRunInteractiveDocument(script, context.Command);
    }

    private static bool IsExtension(Type t) =>
        !t.IsAbstract && !t.IsInterface && !t.IsGenericTypeDefinition && typeof(IKernelExtension).IsAssignableFrom(t);
}
