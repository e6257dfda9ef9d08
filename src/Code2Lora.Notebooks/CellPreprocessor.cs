using System.Text.RegularExpressions;

namespace Code2Lora.Notebooks;

/// <summary>A cell rewritten into plain Roslyn script code, with the assemblies its directives asked for.</summary>
/// <param name="Code">The code to compile; same line count as the source, so diagnostics keep cell-relative lines.</param>
/// <param name="References">Assembly paths to add to the script's references from this cell on.</param>
/// <param name="Error">Why the cell cannot run on this runner (an unknown NuGet package), or null.</param>
public sealed record PreparedCell(string Code, IReadOnlyList<string> References, string? Error);

/// <summary>Rewrites the Polyglot-only directives of a C# cell (<c>#r "nuget:"</c>, <c>#i</c>, <c>#!</c>) into what Roslyn scripting accepts.</summary>
/// <remarks>
/// Directives are commented out in place rather than removed, so compile errors report the line numbers the
/// notebook author sees.  A <c>#r</c> of a DLL the runner already carries (the notebooks' first cell loads
/// <c>../src/Code2Lora/bin/Debug/net10.0/Code2Lora.dll</c>, a path that depends on the build configuration) is bound
/// to the runner's own copy: the same first cell then works in VS Code Polyglot and here, and the process holds one
/// Code2Lora and one TorchSharp, so values the library returns are the types the runner knows how to display.
/// </remarks>
public sealed partial class CellPreprocessor(ShippedPackages packages)
{
    private readonly IReadOnlySet<string> _shippedFiles = packages.AssemblyFileNames;

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*(?<id>[^,"\s]+)\s*(,\s*(?<version>[^"]*))?"\s*$""")]
    private static partial Regex NugetReference();

    [GeneratedRegex("""^\s*#r\s+"(?<path>[^"]+)"\s*$""")]
    private static partial Regex PathReference();

    [GeneratedRegex("""^\s*#i\s""")]
    private static partial Regex SourceDirective();

    /// <summary>Prepares one cell's source.</summary>
    public PreparedCell Prepare(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var references = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("#!", StringComparison.Ordinal) || SourceDirective().IsMatch(line))
            {
                lines[i] = "// " + line;
                continue;
            }
            if (NugetReference().Match(line) is { Success: true } nuget)
            {
                var id = nuget.Groups["id"].Value;
                if (!packages.Contains(id))
                    return new PreparedCell(source, [],
                        $"notebook asks for nuget package '{id}' which this runner does not ship; ship it by adding it to " +
                        "src/Code2Lora.Notebooks/Code2Lora.Notebooks.csproj");
                references.AddRange(packages.AssembliesOf(id));
                lines[i] = "// " + line;
                continue;
            }
            if (PathReference().Match(line) is { Success: true } path)
            {
                var file = Path.GetFileName(path.Groups["path"].Value.Replace('\\', '/'));
                var own = Path.Combine(AppContext.BaseDirectory, file);
                if (_shippedFiles.Contains(file) && File.Exists(own))
                {
                    references.Add(own);
                    lines[i] = "// " + line + "  (bound to the runner's copy)";
                }
            }
        }
        return new PreparedCell(string.Join('\n', lines), references, null);
    }
}
