using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Code2Lora.Notebooks;

/// <summary>Builds the kernel a notebook runs in: .NET Interactive's composite kernel around its C# kernel, wired the way
/// the <c>dotnet-interactive</c> tool behind VS Code's Polyglot Notebooks wires it.</summary>
/// <remarks>
/// The tool's own wiring lives in its executable, not in the served libraries, so the same calls are made here: NuGet
/// restore through the kernel's package management (<c>#r "nuget:"</c>, <c>#i</c>), the <c>display()</c> helpers,
/// <c>#!who</c>/<c>#!whos</c>, <c>#!set</c>/<c>#!share</c>, <c>#!import</c>, kernel extensions of restored packages (how
/// Plotly.NET.Interactive registers its chart formatter), and the formatter defaults of a browser front end.
/// <c>#!time</c> and <c>#!lsmagic</c> come from an unserved package and are re-implemented in <see cref="MagicCommands"/>.
/// </remarks>
public static class NotebookKernel
{
    /// <summary>The name of the only language kernel: cells of other kernels are reported and skipped.</summary>
    public const string CSharp = "csharp";

    /// <summary>A fresh kernel, with the process-wide formatters reset to what VS Code's kernel starts with.</summary>
    public static CompositeKernel Create()
    {
        ResetFormatters();
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing();
        var composite = new CompositeKernel();
        composite.Add(csharp, ["c#", "C#"]);
        composite.DefaultKernelName = csharp.Name;
        composite.UseImportMagicCommand();
        MagicCommands.Add(composite);
        PackageExtensions.LoadWhenRestored(composite);
        return composite;
    }

    // Formatter state is static; a notebook run must not see what the previous notebook of the same process registered.
    private static void ResetFormatters()
    {
        Formatter.ResetToDefault();
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
    }
}
