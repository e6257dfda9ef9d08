using LibGit2Sharp;

namespace Code2Lora.Corpora;

/// <summary>Turns a set of files into a one-commit git repository whose commit message records where they came from.</summary>
public static class SnapshotRepository
{
    // A fixed signature and time make the commit sha a pure function of the files and the provenance text.
    private static readonly Signature Author = new("Code2Lora corpus", "corpus@code2lora.invalid", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Materialises <paramref name="files"/> (absolute source, repo-relative destination) under <paramref name="dir"/> and
    /// commits them. An existing repository whose HEAD message equals <paramref name="provenance"/> is reused as is.
    /// Returns the commit sha.
    /// </summary>
    public static string Create(string dir, IEnumerable<(string Absolute, string Relative)> files, string provenance)
    {
        if (Repository.IsValid(dir))
        {
            using var existing = new Repository(dir);
            if (existing.Head.Tip is { } tip && tip.Message.TrimEnd() == provenance.TrimEnd()) return tip.Sha;
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        Repository.Init(dir);
        using var repo = new Repository(dir);
        foreach (var (abs, rel) in files.OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            var dest = Path.Combine(dir, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(abs, dest, overwrite: true); // bytes as installed: binary or non-UTF-8 files are classified later, never altered
            repo.Index.Add(rel);
        }
        repo.Index.Write();
        var commit = repo.Commit(provenance, Author, Author, new CommitOptions { AllowEmptyCommit = true });
        return commit.Sha;
    }
}
