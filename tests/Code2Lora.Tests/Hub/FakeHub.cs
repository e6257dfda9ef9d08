using System.Collections.Concurrent;
using System.Text.Json;
using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>A loopback stand-in for huggingface.co and its CDN, answering the endpoints huggingface_hub uses: /api/{models|datasets}/{id}/revision/{rev},
/// /api/…/tree/{rev}?recursive=true (paged with Link headers), /{id}/resolve/{rev}/{path} (/datasets/{id}/… for datasets) with X-Repo-Commit and ETag,
/// and for LFS files a 302 to a CDN on another port with X-Linked-Etag / X-Linked-Size. Both honour Range. Faults are injected per file.</summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly LoopbackServer _hub;
    private readonly LoopbackServer _cdn;
    private readonly Dictionary<(HubRepoType, string), FakeRepo> _repos = [];

    public FakeHub(params FakeRepo[] repos)
    {
        foreach (var r in repos) _repos[(r.Repo.Type, r.Repo.Id)] = r;
        _hub = new LoopbackServer(r => Record("hub", r, HandleHub));
        _cdn = new LoopbackServer(r => Record("cdn", r, HandleCdn));
    }

    public string Endpoint => _hub.Origin;

    /// <summary>Every request seen, in arrival order.</summary>
    public ConcurrentQueue<(string Server, LoopbackRequest Request)> Requests { get; } = new();

    /// <summary>The only token the fake Hub accepts; any other sent token is "Invalid credentials".</summary>
    public string ValidToken { get; set; } = "hf_valid_token";

    /// <summary>Tree entries per page (the real Hub pages large listings with a Link: rel="next" header).</summary>
    public int TreePageSize { get; set; } = 1000;

    /// <summary>Cut the connection after this many body bytes, once, the next time the file (by repository path) is served.</summary>
    public ConcurrentDictionary<string, long> DropOnceAfter { get; } = new();

    /// <summary>Serve these files with one byte flipped (same length), every time.</summary>
    public ConcurrentDictionary<string, bool> Corrupt { get; } = new();

    /// <summary>Answer this status for the next N requests of a file.</summary>
    public ConcurrentDictionary<string, (int Status, int Times)> FailFile { get; } = new();

    /// <summary>Answer 200 with the whole body even when a Range is asked for, as some proxies do.</summary>
    public bool IgnoreRange { get; set; }

    public IEnumerable<LoopbackRequest> Seen(string server) => Requests.Where(r => r.Server == server).Select(r => r.Request);

    private LoopbackResponse Record(string server, LoopbackRequest request, Func<LoopbackRequest, LoopbackResponse> handle)
    {
        Requests.Enqueue((server, request));
        return handle(request);
    }

    private LoopbackResponse HandleHub(LoopbackRequest request)
    {
        var segments = request.Path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length >= 5 && segments[0] == "api" && segments[1] is "models" or "datasets")
            return Api(request, segments[1] == "datasets" ? HubRepoType.Dataset : HubRepoType.Model, $"{segments[2]}/{segments[3]}", segments[4..]);
        var type = segments[0] == "datasets" ? HubRepoType.Dataset : HubRepoType.Model;
        var rest = type == HubRepoType.Dataset ? segments[1..] : segments;
        if (rest.Length >= 5 && rest[2] == "resolve")
            return Resolve(request, type, $"{rest[0]}/{rest[1]}", rest[3], string.Join('/', rest[4..]));
        return LoopbackResponse.Error(404, null, "no route");
    }

    // The Hub's access rules: a bad token is refused outright; a missing repository looks like 401 to anonymous callers and 404 to
    // authenticated ones (private repositories stay hidden); a gated one needs a granted token.
    private LoopbackResponse? Access(LoopbackRequest request, HubRepoType type, string id, out FakeRepo? repo)
    {
        _repos.TryGetValue((type, id), out repo);
        var auth = request.Header("Authorization");
        var token = auth?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? auth["Bearer ".Length..] : null;
        if (auth is not null && token != ValidToken) return LoopbackResponse.Error(401, null, "Invalid credentials in Authorization header");
        if (repo is null) return LoopbackResponse.Error(token is null ? 401 : 404, "RepoNotFound", "Repository not found");
        if (repo.Gated && (token is null || !repo.GrantedTokens.Contains(token)))
            return token is null
                ? LoopbackResponse.Error(401, "GatedRepo", $"Access to model {id} is restricted. You must have access to it and be authenticated to access it. Please log in.")
                : LoopbackResponse.Error(403, "GatedRepo", $"Access to model {id} is restricted and you are not in the authorized list.");
        return null;
    }

    private LoopbackResponse Api(LoopbackRequest request, HubRepoType type, string id, string[] rest)
    {
        if (Access(request, type, id, out var repo) is { } denied) return denied;
        var commit = rest.Length >= 2 ? repo!.Resolve(rest[1]) : null;
        if (commit is null) return LoopbackResponse.Error(404, "RevisionNotFound", $"Invalid rev id: {(rest.Length >= 2 ? rest[1] : "")}");
        if (rest[0] == "revision")
            return LoopbackResponse.Json(JsonSerializer.Serialize(new
            {
                _id = "0123", id, sha = commit, @private = false, gated = repo!.Gated,
                siblings = repo.Files.Select(f => new { rfilename = f.Path }),
            }));
        if (rest[0] != "tree" || !request.Query.Contains("recursive=true")) return LoopbackResponse.Error(400, null, "only recursive tree listings here");
        var entries = TreeEntries(repo!);
        var cursor = request.Query.Split('&').Where(p => p.StartsWith("cursor=", StringComparison.Ordinal)).Select(p => int.Parse(p[7..])).FirstOrDefault();
        var page = entries.Skip(cursor).Take(TreePageSize).ToList();
        var headers = new List<(string, string)>();
        if (cursor + TreePageSize < entries.Count)
            headers.Add(("Link", $"<{Endpoint}/api/{type.ToString().ToLowerInvariant()}s/{id}/tree/{rest[1]}?recursive=true&expand=false&cursor={cursor + TreePageSize}>; rel=\"next\""));
        return LoopbackResponse.Json(JsonSerializer.Serialize(page), [.. headers]);
    }

    private static List<object> TreeEntries(FakeRepo repo)
    {
        var folders = repo.Files.SelectMany(f => Enumerable.Range(1, f.Path.Count(c => c == '/')).Select(n => string.Join('/', f.Path.Split('/').Take(n)))).Distinct();
        var entries = folders.Select(d => (Path: d, Entry: (object)new { type = "directory", oid = FakeFile.GitBlobId([]), size = 0, path = d })).ToList();
        foreach (var f in repo.Files)
            entries.Add((f.Path, f.Lfs
                ? new { type = "file", oid = f.BlobId, size = (long)f.Content.Length, path = f.Path, lfs = new { oid = f.Sha256, size = (long)f.Content.Length, pointerSize = 134 } }
                : (object)new { type = "file", oid = f.BlobId, size = (long)f.Content.Length, path = f.Path }));
        return [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal).Select(e => e.Entry)];
    }

    private LoopbackResponse Resolve(LoopbackRequest request, HubRepoType type, string id, string revision, string path)
    {
        if (Access(request, type, id, out var repo) is { } denied) return denied;
        var commit = repo!.Resolve(revision);
        if (commit is null) return LoopbackResponse.Error(404, "RevisionNotFound", $"Invalid rev id: {revision}");
        var file = repo.Files.FirstOrDefault(f => f.Path == path);
        if (file is null) return LoopbackResponse.Error(404, "EntryNotFound", $"{path} does not exist on \"{revision}\"") with { Headers = [("X-Error-Code", "EntryNotFound"), ("X-Repo-Commit", commit)] };
        if (FailFile.TryGetValue(path, out var fail) && fail.Times > 0)
        {
            FailFile[path] = (fail.Status, fail.Times - 1);
            return LoopbackResponse.Error(fail.Status, null, "injected failure");
        }
        if (!file.Lfs) return Body(request, file, [("ETag", $"\"{file.BlobId}\""), ("X-Repo-Commit", commit)]);
        return new LoopbackResponse(302,
        [
            ("Location", $"{_cdn.Origin}/blobs/{file.Sha256}?path={Uri.EscapeDataString(path)}&X-Amz-Signature=fake"),
            ("X-Repo-Commit", commit), ("X-Linked-Etag", $"\"{file.Sha256}\""), ("X-Linked-Size", file.Content.Length.ToString()),
            ("ETag", $"\"{file.BlobId}\""),
        ], []);
    }

    private LoopbackResponse HandleCdn(LoopbackRequest request)
    {
        // A signed URL carries its own credentials; S3 refuses a second mechanism, so a client leaking its Hub token here fails.
        if (request.Header("Authorization") is not null) return LoopbackResponse.Error(400, null, "Only one auth mechanism allowed");
        var sha = request.Path.Split('/').Last();
        var file = _repos.Values.SelectMany(r => r.Files).FirstOrDefault(f => f.Lfs && f.Sha256 == sha);
        return file is null ? LoopbackResponse.Error(404, null, "NoSuchKey") : Body(request, file, [("ETag", $"\"cdn-{sha[..8]}\"")]);
    }

    private LoopbackResponse Body(LoopbackRequest request, FakeFile file, List<(string, string)> headers)
    {
        var content = file.Content;
        if (Corrupt.ContainsKey(file.Path))
        {
            content = [.. content];
            content[content.Length / 2] ^= 0x5a;
        }
        var status = 200;
        if (!IgnoreRange && request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            var from = int.Parse(range["bytes=".Length..^1]);
            if (from >= content.Length) return new LoopbackResponse(416, [("Content-Range", $"bytes */{content.Length}")], []);
            headers.Add(("Content-Range", $"bytes {from}-{content.Length - 1}/{content.Length}"));
            content = content[from..];
            status = 206;
        }
        headers.Add(("Accept-Ranges", "bytes"));
        var response = new LoopbackResponse(status, headers, content);
        return DropOnceAfter.TryRemove(file.Path, out var cut) ? response with { DropAfter = cut } : response;
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _cdn.DisposeAsync();
    }
}
