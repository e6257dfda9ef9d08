using System.Diagnostics;
using System.Security.Cryptography;
using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>One git history of a <see cref="HistorySet"/>: its id in outputs and the repository to open.</summary>
public sealed record HistoryRepo(string RepoId, string Path, string Provenance);

/// <summary>
/// The git histories named by one path: a repository; a folder of repositories and/or git bundles (<c>*.bundle</c>);
/// a bundle; or a manifest (<c>data/histories/manifest.tsv</c>) whose bundles sit beside it. Bundles are cloned once
/// into a cache folder (git's command line reads bundles; libgit2 does not) and re-cloned when their bytes change.
/// </summary>
public static class HistorySet
{
    /// <summary>Resolves <paramref name="path"/>, ordered by repository id; anything unusable throws a <see cref="MiningException"/> naming it.</summary>
    public static IReadOnlyList<HistoryRepo> Resolve(string path, string cacheDir)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full) && full.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)) return FromManifest(full, cacheDir);
        if (File.Exists(full) && full.EndsWith(".bundle", StringComparison.Ordinal)) return [FromBundle(full, IdOf(full), cacheDir)];
        if (!Directory.Exists(full)) throw new MiningException($"'{path}' is neither a repository, a folder of repositories or bundles, a .bundle nor a manifest .tsv.");
        if (Repository.IsValid(full)) return [new HistoryRepo(IdOf(full), full, "local:" + full)];

        var found = new List<HistoryRepo>();
        foreach (var dir in Directory.EnumerateDirectories(full).Where(Repository.IsValid))
            found.Add(new HistoryRepo(IdOf(dir), dir, "local:" + dir));
        foreach (var bundle in Directory.EnumerateFiles(full, "*.bundle"))
            found.Add(FromBundle(bundle, IdOf(bundle), cacheDir));
        if (found.Count == 0) throw new MiningException($"'{path}' holds no git repository and no .bundle file.");
        return Ordered(found);
    }

    /// <summary>A manifest in data/histories' format (<see cref="HistoryManifest"/>), its bundles beside it: each is checked against
    /// its sha256 and HEAD and cloned once into <paramref name="cacheDir"/> by <see cref="HistoryBundles"/>, as `c2l histories prepare`
    /// does; the first unusable bundle throws.</summary>
    private static IReadOnlyList<HistoryRepo> FromManifest(string manifest, string cacheDir) =>
        Ordered(HistoryBundles.Prepare(manifest, System.IO.Path.GetDirectoryName(manifest)!, cacheDir,
                (id, why) => throw new MiningException($"{manifest}: {id}: {why}"))
            .Select(c => new HistoryRepo(c.Entry.RepoId, c.Path, $"history:{c.Entry.Url}@{c.Entry.HeadSha}")).ToList());

    private static IReadOnlyList<HistoryRepo> Ordered(List<HistoryRepo> found)
    {
        var twice = found.GroupBy(r => r.RepoId).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new MiningException($"two histories are named {twice.Key}: {string.Join(", ", twice.Select(r => r.Path))}.");
        return found.OrderBy(r => r.RepoId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// "owner__name" (data/histories' bundle naming) and "owner+name" (the clone cache's) read as "owner/name" — GitHub
    /// owners never contain '_' or '+' — and a trailing .git or .bundle is dropped.
    /// </summary>
    private static string IdOf(string path)
    {
        var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path));
        foreach (var suffix in new[] { ".bundle", ".git" })
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length) name = name[..^suffix.Length];
        // The owner ends at the first separator; the repository name may contain either.
        int underscores = name.IndexOf("__", StringComparison.Ordinal), plus = name.IndexOf('+');
        var (at, length) = underscores > 0 && (plus < 0 || underscores < plus) ? (underscores, 2) : (plus, 1);
        return at > 0 ? name[..at] + "/" + name[(at + length)..] : name;
    }

    /// <summary>A bare clone of a bundle under <paramref name="cacheDir"/>, made again when the bundle's sha256 changed.</summary>
    private static HistoryRepo FromBundle(string bundle, string id, string cacheDir)
    {
        var sha = HistoryBundles.Sha256(bundle);
        var target = System.IO.Path.GetFullPath(System.IO.Path.Combine(cacheDir, id.Replace("/", "__") + ".git"));
        var marker = System.IO.Path.Combine(target, "c2l-bundle.sha256");
        if (!(Repository.IsValid(target) && File.Exists(marker) && File.ReadAllText(marker).Trim() == sha))
        {
            Directory.CreateDirectory(cacheDir);
            var partial = $"{target}.partial-{Environment.ProcessId}";
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            Git(cacheDir, "clone", "--quiet", "--bare", bundle, partial);
            SetHeadWhenUnborn(partial, bundle);
            File.WriteAllText(System.IO.Path.Combine(partial, "c2l-bundle.sha256"), sha + "\n");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(partial, target);
        }
        return new HistoryRepo(id, target, $"bundle:{System.IO.Path.GetFileName(bundle)}@sha256={sha}");
    }

    /// <summary>A bundle made without HEAD clones with an unborn HEAD; its only branch is then the history.</summary>
    private static void SetHeadWhenUnborn(string repoPath, string bundle)
    {
        using var repo = new Repository(repoPath);
        if (repo.Head?.Tip is not null) return;
        var branches = repo.Branches.Where(b => !b.IsRemote).ToList();
        if (branches.Count != 1)
            throw new MiningException($"{bundle} has no HEAD and {branches.Count} branches; bundle the default branch with `git bundle create x.bundle HEAD <branch>`.");
        repo.Refs.UpdateTarget(repo.Refs.Head, repo.Refs[branches[0].CanonicalName]);
    }

    private static void Git(string workDir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workDir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new MiningException($"reading git bundles needs the git command line, which is not installed ({e.Message}).", e); }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new MiningException($"git {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }
    }
}
