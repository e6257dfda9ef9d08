using System.Security.Cryptography;
using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>A shipped history made ready to mine: a bare clone in the cache, at the manifest's HEAD.</summary>
public sealed record HistoryClone(HistoryEntry Entry, string Path, bool ClonedNow);

/// <summary>
/// Turns the shipped git bundles of <c>data/histories/</c> into bare clones under a cache folder: each bundle's sha256 is
/// checked against the manifest, then it is cloned (once: a clone already at the manifest's HEAD is reused). A clone's
/// <c>origin</c> is the repository's URL, so it is named owner/name wherever it is opened.
/// </summary>
public static class HistoryBundles
{
    /// <summary>
    /// Prepares every entry of <paramref name="manifestPath"/>: bundles are read from <paramref name="bundleDir"/>, clones go to
    /// <paramref name="cacheDir"/>/owner__name. An entry whose bundle is missing or corrupt goes to <paramref name="onError"/>
    /// (repository id, message naming the file and the expected and actual sha256) and the others are still prepared.
    /// </summary>
    public static IReadOnlyList<HistoryClone> Prepare(string manifestPath, string bundleDir, string cacheDir,
        Action<string, string>? onError = null, IProgress<(int Done, int Total, string Name)>? progress = null)
    {
        var entries = HistoryManifest.Read(manifestPath);
        var clones = new List<HistoryClone>();
        for (var i = 0; i < entries.Count; i++)
        {
            progress?.Report((i, entries.Count, entries[i].RepoId));
            try { clones.Add(Prepare(entries[i], bundleDir, cacheDir)); }
            catch (MiningException e) { onError?.Invoke(entries[i].RepoId, e.Message); }
        }
        progress?.Report((entries.Count, entries.Count, ""));
        return clones;
    }

    /// <summary>Verifies one bundle and returns its clone, cloning it if the cache does not already hold the manifest's HEAD.</summary>
    public static HistoryClone Prepare(HistoryEntry entry, string bundleDir, string cacheDir)
    {
        var bundle = Path.GetFullPath(Path.Combine(bundleDir, entry.Bundle));
        var target = Path.GetFullPath(Path.Combine(cacheDir, entry.FolderName));
        if (!File.Exists(bundle))
        {
            // The bundle was checked when this clone was made; a clone at the manifest's HEAD is the same history.
            if (HeadOf(target) == entry.HeadSha) return new HistoryClone(entry, target, false);
            throw new MiningException(
                $"History bundle '{bundle}' of {entry.RepoId} is missing. The shipped bundles are committed: restore it with `git checkout -- data/histories` " +
                $"(or point C2L_HISTORIES at a folder holding it); data/histories/README.md says how to rebuild it from {entry.Url}.");
        }
        Verify(entry, bundle);
        if (HeadOf(target) == entry.HeadSha) return new HistoryClone(entry, target, false);
        Clone(entry, bundle, target);
        return new HistoryClone(entry, target, true);
    }

    /// <summary>Checks a bundle file's size and sha256 against the manifest; throws <see cref="MiningException"/> naming both checksums.</summary>
    public static void Verify(HistoryEntry entry, string bundlePath)
    {
        var actual = Sha256(bundlePath);
        if (actual != entry.BundleSha256)
        {
            var size = new FileInfo(bundlePath).Length;
            throw new MiningException(
                $"History bundle '{bundlePath}' of {entry.RepoId} is corrupt or not the shipped one: sha256 {actual} ({size} bytes), " +
                $"the manifest expects {entry.BundleSha256} ({entry.BundleBytes} bytes). Replace it with the shipped bundle.");
        }
    }

    /// <summary>The lower-case hex sha256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The sha of HEAD in the repository at <paramref name="dir"/>, or null when there is no usable repository there.</summary>
    private static string? HeadOf(string dir)
    {
        if (!Directory.Exists(dir) || !Repository.IsValid(dir)) return null;
        try
        {
            using var repo = new Repository(dir);
            return repo.Info.IsShallow ? null : repo.Head?.Tip?.Sha;
        }
        catch (LibGit2SharpException) { return null; }
    }

    private static void Clone(HistoryEntry entry, string bundle, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Clone beside the target and rename, so an interrupted clone never leaves a half repository behind.
        var partial = $"{target}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            var what = $"cloning {entry.RepoId} from '{bundle}'";
            GitProcess.Run(what, "clone", "--bare", "--quiet", bundle, partial);
            GitProcess.Run(what, "-C", partial, "remote", "set-url", "origin", entry.Url);
            var head = HeadOf(partial);
            if (head != entry.HeadSha)
                throw new MiningException($"History bundle '{bundle}' of {entry.RepoId} holds HEAD {head ?? "(none)"}, the manifest says {entry.HeadSha}.");
            if (Directory.Exists(target)) RepoCloner.DeleteTree(target);
            Directory.Move(partial, target);
        }
        finally
        {
            if (Directory.Exists(partial)) RepoCloner.DeleteTree(partial);
        }
    }
}
