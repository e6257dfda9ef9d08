using System.Net;

namespace Code2Lora.Hub;

/// <summary>Downloads one file: under its blob's lock, appends to the ".incomplete" file from where it stops (HTTP Range), resumes after
/// dropped connections within the run, verifies the sha256 / git blob id, then moves it into place with one rename.</summary>
internal static class FileTransfer
{
    private const int BufferBytes = 1 << 18;

    /// <summary>Fetches <paramref name="file"/> unless another writer put it in place meanwhile; true when this call fetched it.</summary>
    public static async Task<bool> RunAsync(HubHttp http, HubRequest request, string commit, HubFile file, IDownloadTarget target, ProgressTally tally, CancellationToken ct)
    {
        using var held = await FileLock.AcquireAsync(target.LockPath(file), () => tally.Waiting(file), ct);
        if (target.TryReuse(file, commit))
        {
            tally.Finished(file, fetched: false, counted: 0);
            return false;
        }
        var incomplete = target.IncompletePath(file);
        var url = http.Url($"{request.Repo.WebPath}/resolve/{commit}/{string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString))}");
        using (var partial = PartialFile.Open(incomplete, file))
        {
            tally.Started(file, partial.Length);
            var retriesLeft = http.Settings.Retries;
            while (partial.Length < file.Size)
            {
                var before = partial.Length;
                try
                {
                    await FetchAsync(http, url, request, commit, file, partial, tally, ct);
                }
                catch (HubException e) when (e.Kind == HubErrorKind.Network)
                {
                    throw Interrupted(e.InnerException ?? e, request, file, partial);
                }
                catch (Exception e) when (HubHttp.IsConnectionFailure(e, ct))
                {
                    if (partial.Length > before) retriesLeft = http.Settings.Retries;
                    if (retriesLeft-- <= 0) throw Interrupted(e, request, file, partial);
                    await Task.Delay(http.Settings.RetryDelay, ct);
                }
            }
            partial.Verify();
        }
        target.Install(file, commit, incomplete);
        tally.Finished(file, fetched: true, counted: file.Size);
        return true;
    }

    private static async Task FetchAsync(HubHttp http, string url, HubRequest request, string commit, HubFile file, PartialFile partial, ProgressTally tally, CancellationToken ct)
    {
        var start = partial.Length;
        using var response = await http.GetAsync(url, request, start, ct);
        var message = response.Message;
        if (response.RepoCommit is { } served && !string.Equals(served, commit, StringComparison.OrdinalIgnoreCase))
            throw new HubException(HubErrorKind.Server, $"{http.Settings.Endpoint} served '{file.Path}' from commit {served} when commit {commit} was asked for.");
        var range = message.Content.Headers.ContentRange;
        if (start > 0 && message.StatusCode != HttpStatusCode.PartialContent)
        {
            // The server (or a proxy) ignored the Range header and sends the whole file: start over rather than append a second copy.
            tally.Rewound(file, start);
            partial.Restart();
            start = 0;
        }
        else if (message.StatusCode == HttpStatusCode.PartialContent && range?.From != start)
            throw new HubException(HubErrorKind.Server, $"asked for '{file.Path}' from byte {start:N0}, the server answered with range '{range}'.");
        var offered = message.StatusCode == HttpStatusCode.PartialContent ? range?.Length : message.Content.Headers.ContentLength;
        if (offered is { } total && total != file.Size)
            throw new HubException(HubErrorKind.Server, $"the server offers {total:N0} bytes for '{file.Path}' but the listing of commit {commit} says {file.Size:N0}.");

        await using var body = await message.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[BufferBytes];
        using var readDue = CancellationTokenSource.CreateLinkedTokenSource(ct);
        while (true)
        {
            int n;
            readDue.CancelAfter(http.Settings.ReadTimeout);
            try
            {
                n = await body.ReadAsync(buffer, readDue.Token);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"no data for {http.Settings.ReadTimeout.TotalSeconds:0.#} s", e);
            }
            if (n == 0) break;
            await partial.AppendAsync(buffer.AsMemory(0, n), ct);
            tally.Received(file, partial.Length, n);
        }
        if (partial.Length < file.Size)
            throw new IOException($"the connection closed after {partial.Length:N0} of {file.Size:N0} bytes");
    }

    private static HubException Interrupted(Exception cause, HubRequest request, HubFile file, PartialFile partial) =>
        new(HubErrorKind.Network, $"the download of '{file.Path}' of {request.Repo} broke ({cause.Message}); {partial.Length:N0} of {file.Size:N0} bytes are kept in "
                                  + $"{partial.Path}. Re-run the same command to resume.", cause);
}
