namespace Code2Lora.Hub;

/// <summary>Offline mode (HF_HUB_OFFLINE): serves a download request from what is already on disk, without any request. With the commit's
/// cached tree listing it checks every selected file is present, as huggingface_hub does; without one, it takes the files it finds.</summary>
internal static class LocalCopy
{
    /// <summary>The snapshot already on disk for the request, or an Offline error that names what is missing and the command that fetches it.</summary>
    public static HubSnapshot Serve(HubDownloadRequest request, IDownloadTarget target, HubSettings settings)
    {
        var where = request.LocalDir is null ? $"the cache {new HubCache(settings.CacheDirectory).Root}" : Path.GetFullPath(request.LocalDir);
        var fetch = $"run `{request.Command(settings.CacheDirectory)}` with network access (HF_HUB_OFFLINE unset) first";
        var commit = target.ReadRef(request.Revision);
        var folder = commit is null ? request.LocalDir is null ? null : Path.GetFullPath(request.LocalDir) : target.ResultFolder(commit);
        if (folder is null || !Directory.Exists(folder))
            throw new HubException(HubErrorKind.Offline, $"HF_HUB_OFFLINE is set and {request.Repo} at revision '{request.Revision}' is not in {where}: {fetch}.");

        if (commit is not null && TreeListingCache.Read(target.TreeFolder, commit) is { } listing)
        {
            var selected = listing.Where(f => request.Filter.Accepts(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            var missing = selected.Where(f => !target.IsPresent(f, commit)).Select(f => f.Path).ToList();
            if (selected.Count == 0)
                throw new HubException(HubErrorKind.Offline, $"HF_HUB_OFFLINE is set and no file of {request.Repo} at commit {commit} matches {request.Filter.Describe()}.");
            if (missing.Count > 0)
                throw new HubException(HubErrorKind.Offline, $"HF_HUB_OFFLINE is set and the copy of {request.Repo} at revision '{request.Revision}' in {where} lacks {missing.Count} of "
                                                             + $"{selected.Count} files ({string.Join(", ", missing.Take(3))}{(missing.Count > 3 ? ", …" : "")}): {fetch}.");
            return new HubSnapshot(folder, commit, [.. selected.Select(f => target.FinalPath(f, commit))], 0, selected.Count, 0, Offline: true);
        }

        var found = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(p => (Full: p, Relative: Path.GetRelativePath(folder, p).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(p => !p.Relative.StartsWith(".cache/", StringComparison.Ordinal) && request.Filter.Accepts(p.Relative))
            .OrderBy(p => p.Relative, StringComparer.Ordinal).Select(p => p.Full).ToList();
        if (found.Count == 0)
            throw new HubException(HubErrorKind.Offline, $"HF_HUB_OFFLINE is set and {folder} holds no file of {request.Repo} matching {request.Filter.Describe()}: {fetch}.");
        return new HubSnapshot(folder, commit, found, 0, found.Count, 0, Offline: true);
    }
}
