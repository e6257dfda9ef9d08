using System.Diagnostics;
using LibGit2Sharp;

namespace Code2Lora.Tests.Forge;

/// <summary>Test-side access to forged repositories: files at a commit, and running Python over them.</summary>
internal static class ForgedRepoFiles
{
    /// <summary>Every file of <paramref name="commit"/>'s tree, path → text.</summary>
    public static SortedDictionary<string, string> At(Repository repo, Commit commit)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Walk(Tree tree, string prefix)
        {
            foreach (var entry in tree)
            {
                var path = prefix + entry.Name;
                if (entry.TargetType == TreeEntryTargetType.Tree) Walk((Tree)entry.Target, path + "/");
                else files[path] = ((Blob)entry.Target).GetContentText();
            }
        }
        Walk(commit.Tree, "");
        return files;
    }

    /// <summary>Commits oldest first along the first-parent chain of HEAD.</summary>
    public static List<Commit> FirstParentChain(Repository repo)
    {
        var chain = new List<Commit>();
        for (var c = repo.Head.Tip; c is not null; c = c.Parents.FirstOrDefault()) chain.Add(c);
        chain.Reverse();
        return chain;
    }

    public static void Materialize(IReadOnlyDictionary<string, string> files, string dir)
    {
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }

    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Runs <paramref name="script"/> with arguments; returns exit code and combined output.</summary>
    public static (int Code, string Output) RunPython(string script, IEnumerable<string> args, string? extraPath = null)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-B"); // no __pycache__ inside the materialized trees
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (extraPath is not null) psi.Environment["PYTHONPATH"] = extraPath;
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static bool? _hasPytest;

    /// <summary>Whether the interpreter has the real pytest (then it runs the tests; otherwise a shim and a tiny runner do).</summary>
    public static bool HasPytest => _hasPytest ??= RunPython("import pytest", []).Code == 0;
}
