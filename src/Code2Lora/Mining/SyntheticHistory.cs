using System.Text;
using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>
/// Writes a seeded git history of a small Python package straight into the object database: each commit edits a few
/// modules and their tests, and now and then adds, renames or deletes a file. Used to measure the miner.
/// </summary>
public static class SyntheticHistory
{
    /// <summary>Creates a repository at <paramref name="directory"/> with <paramref name="commits"/> commits on its default branch; same seed, same history.</summary>
    public static string Generate(string directory, int commits = 500, int seed = 7)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new MiningException($"'{directory}' is not empty; the synthetic history needs a fresh directory.");
        Repository.Init(directory, isBare: true);
        using var repo = new Repository(directory);
        var random = new Random(seed);
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var m = 0; m < 8; m++)
        {
            files[$"pkg/mod_{m}.py"] = [.. Enumerable.Range(0, 40).Select(i => $"def f_{m}_{i}(x):\n    return x + {i}\n")];
            files[$"tests/test_mod_{m}.py"] = [$"from pkg.mod_{m} import *\n", .. Enumerable.Range(0, 10).Select(i => $"def test_{i}():\n    assert f_{m}_{i}(1) == {i + 1}\n")];
        }
        files["README.md"] = ["# pkg\n", "A synthetic package.\n"];
        var blobs = new Dictionary<string, Blob>(StringComparer.Ordinal);
        Commit? parent = null;
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var c = 0; c < commits; c++)
        {
            if (c > 0) Evolve(files, random, c);
            var tree = new TreeDefinition();
            foreach (var (path, lines) in files)
            {
                var text = string.Concat(lines);
                // Most files are unchanged from one commit to the next; reuse their blobs instead of rewriting them.
                if (!blobs.TryGetValue(text, out var blob))
                    blobs[text] = blob = repo.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes(text)), path);
                tree.Add(path, blob, Mode.NonExecutableFile);
            }
            var when = start.AddHours(c);
            var sig = new Signature("Synthetic", "synthetic@example.org", when);
            parent = repo.ObjectDatabase.CreateCommit(sig, sig, $"commit {c}\n", repo.ObjectDatabase.CreateTree(tree),
                parent is null ? [] : [parent], prettifyMessage: false);
        }
        // A fresh repository's HEAD names an unborn branch; creating that branch makes the history HEAD's.
        repo.Refs.Add(repo.Refs.Head.TargetIdentifier, parent!.Id, allowOverwrite: true);
        return directory;
    }

    private static void Evolve(Dictionary<string, List<string>> files, Random random, int c)
    {
        var modules = files.Keys.Where(p => p.StartsWith("pkg/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var module = modules[random.Next(modules.Count)];
        var lines = files[module];
        lines[random.Next(lines.Count)] = $"def g_{c}(x):\n    return x * {random.Next(100)}\n";
        var test = "tests/test_" + module["pkg/".Length..];
        if (files.TryGetValue(test, out var testLines))
            testLines.Add($"def test_g_{c}():\n    assert g_{c}(0) == 0\n");
        switch (random.Next(20))
        {
            case 0:
                files[$"pkg/new_{c}.py"] = [$"VALUE_{c} = {c}\n"];
                break;
            case 1:
                var renamed = module.Replace(".py", $"_r{c}.py");
                files[renamed] = lines;
                files.Remove(module);
                if (files.Remove(test, out var movedTest)) files["tests/test_" + renamed["pkg/".Length..]] = movedTest;
                break;
            case 2 when modules.Count > 4 && module.Contains("new_"):
                files.Remove(module);
                break;
            case 3:
                files["README.md"].Add($"Change {c}.\n");
                break;
        }
    }
}
