// Run by the first cell of every notebook before it loads Code2Lora (code2lora.csx): stops, naming the command to run,
// when this checkout's Release build of the library is missing or older than its sources. The kernel's working
// directory is the notebook's folder (VS Code starts the kernel there; so does c2l-notebook).
{
    var repo = System.IO.Path.GetFullPath("..");
    var library = System.IO.Path.Combine(repo, "src", "Code2Lora");
    var output = System.IO.Path.Combine(library, "bin", "Release", "net10.0");
    var build = $"dotnet build Code2Lora.sln -c Release   (in {repo})";
    if (!System.IO.File.Exists(System.IO.Path.Combine(repo, "Code2Lora.sln")))
        throw new System.InvalidOperationException($"the notebooks must be opened from the notebooks/ folder of a Code2Lora checkout; {repo} has no Code2Lora.sln.");
    foreach (var dll in new[] { "Code2Lora.dll", "TorchSharp.dll" })
        if (!System.IO.File.Exists(System.IO.Path.Combine(output, dll)))
            throw new System.InvalidOperationException($"Code2Lora is not built ({dll} is missing from src/Code2Lora/bin/Release/net10.0). Run: {build}, then run this cell again.");
    var built = System.IO.File.GetLastWriteTimeUtc(System.IO.Path.Combine(output, "Code2Lora.dll"));
    var newer = System.IO.Directory.EnumerateFiles(library, "*.*", System.IO.SearchOption.AllDirectories)
        .Where(f => f.EndsWith(".cs") || f.EndsWith(".csproj") || f.EndsWith(".py"))
        .Where(f => !f.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}") && !f.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}"))
        .FirstOrDefault(f => System.IO.File.GetLastWriteTimeUtc(f) > built);
    if (newer is not null)
        throw new System.InvalidOperationException($"Code2Lora's Release build is older than {System.IO.Path.GetRelativePath(repo, newer)}. Run: {build}; " +
            "restart the kernel if this notebook had already loaded Code2Lora, then run this cell again.");
}
