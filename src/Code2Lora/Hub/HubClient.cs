using System.Collections.Concurrent;

namespace Code2Lora.Hub;

/// <summary>Downloads repositories from the Hugging Face Hub (or a mirror) the way huggingface_hub's snapshot_download does: resolve the
/// revision to a commit, list the files of that commit, fetch the selected ones in parallel into the shared cache layout.</summary>
public sealed class HubClient : IDisposable
{
    private readonly HubHttp _http;

    /// <summary>The settings of this client.</summary>
    public HubSettings Settings { get; }

    /// <summary>A client over <paramref name="settings"/> (see <see cref="HubSettings.FromEnvironment"/>).</summary>
    /// <exception cref="HubException">The settings are unusable (bad endpoint, token over plain HTTP).</exception>
    public HubClient(HubSettings settings)
    {
        Settings = settings;
        _http = new HubHttp(settings);
    }

    /// <summary>The commit a branch or tag points at now.</summary>
    public Task<string> ResolveCommitAsync(HubRepo repo, string revision = "main", CancellationToken ct = default) =>
        HubApi.IsCommitHash(revision) ? Task.FromResult(revision) : HubApi.ResolveCommitAsync(_http, repo, revision, ct);

    /// <summary>Every file of the repository at <paramref name="commit"/>, with sizes and checksums.</summary>
    public Task<IReadOnlyList<HubFile>> ListFilesAsync(HubRepo repo, string commit, CancellationToken ct = default) =>
        HubApi.ListFilesAsync(_http, repo, commit, commit, ct);

    /// <summary>Downloads the selected files of a revision, skipping those already in place and resuming partial ones; offline, checks the
    /// local copy instead. Files that succeed are kept even when others fail; the failures are then thrown together.</summary>
    /// <exception cref="HubException">Not found, unauthorised, gated, network, checksum or offline failures, each with its fix.</exception>
    public async Task<HubSnapshot> DownloadAsync(HubDownloadRequest request, IProgress<HubProgress>? progress = null, CancellationToken ct = default)
    {
        IDownloadTarget target = request.LocalDir is null ? new CacheTarget(new HubCache(Settings.CacheDirectory), request.Repo) : new LocalDirTarget(request.LocalDir);
        if (Settings.Offline) return LocalCopy.Serve(request, target, Settings);

        var commit = await ResolveCommitAsync(request.Repo, request.Revision, ct);
        var listing = TreeListingCache.Read(target.TreeFolder, commit);
        if (listing is null)
        {
            listing = await HubApi.ListFilesAsync(_http, request.Repo, commit, request.Revision, ct);
            TreeListingCache.Write(target.TreeFolder, commit, listing);
        }
        var selected = Select(request, listing, commit);
        target.WriteRef(request.Revision, commit);

        var pending = selected.Where(f => !target.TryReuse(f, commit)).OrderByDescending(f => f.Size).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        var tally = new ProgressTally(progress, pending.Count, pending.Sum(f => f.Size));
        var failures = new ConcurrentQueue<(HubFile File, HubException Error)>();
        var fetched = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Settings.MaxParallelDownloads, CancellationToken = ct };
        var fileRequest = new HubRequest(request.Repo, request.Revision);
        await Parallel.ForEachAsync(pending, options, async (file, token) =>
        {
            try
            {
                if (await FileTransfer.RunAsync(_http, fileRequest with { File = file.Path }, commit, file, target, tally, token)) Interlocked.Increment(ref fetched);
            }
            catch (HubException e)
            {
                tally.Failed(file);
                failures.Enqueue((file, e));
            }
        });
        if (!failures.IsEmpty) throw Combine([.. failures], pending.Count);
        return new HubSnapshot(target.ResultFolder(commit), commit, [.. selected.Select(f => target.FinalPath(f, commit))],
            fetched, selected.Count - fetched, tally.BytesTransferred, Offline: false);
    }

    private static List<HubFile> Select(HubDownloadRequest request, IReadOnlyList<HubFile> listing, string commit)
    {
        var selected = listing.Where(f => request.Filter.Accepts(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        if (selected.Count > 0) return selected;
        var names = listing.Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
        throw new HubException(HubErrorKind.InvalidInput, names.Count == 0
            ? $"{request.Repo} has no files at commit {commit}."
            : $"no file of {request.Repo} at commit {commit} matches {request.Filter.Describe()}; it has {names.Count} files: "
              + string.Join(", ", names.Take(12)) + (names.Count > 12 ? ", …" : "") + ".");
    }

    private static HubException Combine(IReadOnlyList<(HubFile File, HubException Error)> failures, int attempted)
    {
        if (failures.Count == 1) return failures[0].Error;
        var lines = failures.OrderBy(f => f.File.Path, StringComparer.Ordinal).Select(f => "  - " + f.Error.Message);
        return new HubException(failures[0].Error.Kind,
            $"{failures.Count} of {attempted} files failed; the others are verified and in place:\n{string.Join('\n', lines)}",
            new AggregateException(failures.Select(f => f.Error)));
    }

    /// <summary>Closes the HTTP client.</summary>
    public void Dispose() => _http.Dispose();
}
