namespace Code2Lora.Corpora;

/// <summary>One Debian package turned into a snapshot repository of the benchmark.</summary>
public sealed record CorpusRepository(string RepoId, string Path, string CommitSha, string Provenance);

/// <summary>Materialises installed Debian python3-* packages as snapshot repositories (the embedded default's real code).</summary>
public static class DebianCorpus
{
    /// <summary>
    /// Creates (or reuses) one repository per package under <paramref name="workDir"/>; the commit message is the
    /// provenance <c>debian:NAME=VERSION</c>. Packages that are missing or own no Python files are reported through
    /// <paramref name="onError"/> and skipped, never fatal.
    /// </summary>
    public static IReadOnlyList<CorpusRepository> Materialise(IEnumerable<string> packages, string workDir,
        Action<string, string>? onError = null, IProgress<(int done, int total, string name)>? progress = null)
    {
        var names = packages.ToList();
        var result = new List<CorpusRepository>();
        for (int i = 0; i < names.Count; i++)
        {
            var name = names[i];
            progress?.Report((i, names.Count, name));
            try
            {
                var pkg = DebianPackage.Query(name);
                var files = pkg.PythonTreeFiles().ToList();
                if (files.Count == 0) { onError?.Invoke(name, "owns no files under " + DebianPackage.DistPackages); continue; }
                var provenance = $"debian:{pkg.Name}={pkg.Version}";
                var dir = Path.Combine(workDir, pkg.Name);
                var sha = SnapshotRepository.Create(dir, files, provenance);
                result.Add(new CorpusRepository($"debian/{pkg.Name}", dir, sha, provenance));
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or LibGit2Sharp.LibGit2SharpException)
            {
                onError?.Invoke(name, e.Message);
            }
        }
        progress?.Report((names.Count, names.Count, ""));
        return result;
    }
}
