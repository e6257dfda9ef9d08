using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>Keeps bare clones of listed repositories in a cache directory, one folder per repository ("owner+name").</summary>
public static class RepoCloner
{
    /// <summary>
    /// Returns the path of a bare clone of <paramref name="entry"/> under <paramref name="cacheDir"/>, cloning it (or
    /// fetching updates if it is already there). A clone is made in a temporary folder and renamed into place, so an
    /// interrupted clone never leaves a half repository behind. Network failures become a <see cref="MiningException"/>
    /// that says how to proceed offline.
    /// </summary>
    public static string CloneOrUpdate(RepoListEntry entry, string cacheDir, IProgress<string>? progress = null)
    {
        Directory.CreateDirectory(cacheDir);
        var target = Path.GetFullPath(Path.Combine(cacheDir, entry.RepoId.Replace('/', '+')));
        if (Directory.Exists(target) && Repository.IsValid(target))
        {
            Update(entry, target, progress);
            return target;
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new MiningException($"'{target}' exists but is not a git repository; remove it or point the cache elsewhere.");

        var partial = $"{target}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            progress?.Report($"{entry.RepoId}: cloning {entry.Url}");
            var options = new CloneOptions(Fetch(entry, progress)) { IsBare = true };
            Repository.Clone(entry.Url, partial, options);
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(partial, target);
            return target;
        }
        catch (LibGit2SharpException e)
        {
            throw new MiningException(
                $"Could not clone {entry.Url} ({entry.RepoId}) into '{target}': {e.Message}. " +
                "If this machine is offline, place a clone (or a plain copy) of the repository at that path and mine it from there.", e);
        }
        finally
        {
            if (Directory.Exists(partial)) DeleteTree(partial);
        }
    }

    private static void Update(RepoListEntry entry, string target, IProgress<string>? progress)
    {
        try
        {
            using var repo = new Repository(target);
            progress?.Report($"{entry.RepoId}: fetching updates");
            // In a bare clone the local branches are the mirror of the remote's, so fetch straight into them.
            Commands.Fetch(repo, "origin", ["+refs/heads/*:refs/heads/*"], Fetch(entry, progress), null);
        }
        catch (LibGit2SharpException e)
        {
            throw new MiningException(
                $"Could not update '{target}' from {entry.Url} ({entry.RepoId}): {e.Message}. " +
                "The existing clone is unchanged and can still be mined.", e);
        }
    }

    private static FetchOptions Fetch(RepoListEntry entry, IProgress<string>? progress)
    {
        var options = new FetchOptions();
        if (progress is not null)
        {
            var lastPercent = -1;
            options.OnTransferProgress = p =>
            {
                var percent = p.TotalObjects == 0 ? 100 : (int)(100L * p.ReceivedObjects / p.TotalObjects);
                if (percent / 10 != lastPercent / 10)
                {
                    lastPercent = percent;
                    progress.Report($"{entry.RepoId}: {p.ReceivedObjects}/{p.TotalObjects} objects ({p.ReceivedBytes / 1024} KiB)");
                }
                return true;
            };
        }
        return options;
    }

    /// <summary>Deletes a repository folder, read-only pack files included.</summary>
    internal static void DeleteTree(string path)
    {
        // libgit2 writes pack files read-only; clear that so the delete succeeds.
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
            File.SetAttributes(file, FileAttributes.Normal);
        Directory.Delete(path, recursive: true);
    }
}
