using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>Clones list entries into a local cache (where the network allows), or fetches updates for existing clones.</summary>
public static class RepoCloner
{
    /// <summary>Clones <paramref name="entry"/> into <c>cacheDir/owner/name</c> or fast-forwards an existing clone; returns its path.</summary>
    public static string CloneOrUpdate(RepoListEntry entry, string cacheDir, IProgress<string>? progress = null)
    {
        var dest = Path.Combine(cacheDir, entry.RepoId.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            if (Repository.IsValid(dest))
            {
                using var repo = new Repository(dest);
                var remote = repo.Network.Remotes["origin"];
                progress?.Report($"fetching {entry.RepoId}");
                Commands.Fetch(repo, remote.Name, remote.FetchRefSpecs.Select(r => r.Specification), null, null);
                var upstream = repo.Head.TrackedBranch?.Tip;
                if (upstream is not null) repo.Reset(ResetMode.Hard, upstream);
                return dest;
            }
            if (Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any())
                throw new MiningException($"'{dest}' exists and is not a git clone; move it away to clone {entry.Url} there");
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            progress?.Report($"cloning {entry.Url}");
            Repository.Clone(entry.Url, dest);
            return dest;
        }
        catch (LibGit2SharpException e)
        {
            throw new MiningException($"could not clone or update {entry.Url}: {e.Message} (is the network reachable?)", e);
        }
    }
}
