using System.Text.Json;
using System.Text.RegularExpressions;

namespace Code2Lora.Hub;

/// <summary>The two API calls a snapshot download needs, as huggingface_hub makes them: the revision endpoint resolves a branch or tag
/// to a commit, and the recursive tree endpoint lists every file at that commit with its size, git blob id and LFS sha256.</summary>
internal static partial class HubApi
{
    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    /// <summary>True for a full 40-character commit id, which needs no resolving (huggingface_hub's REGEX_COMMIT_HASH).</summary>
    public static bool IsCommitHash(string revision) => CommitHash().IsMatch(revision);

    /// <summary>GET {endpoint}/api/{models|datasets}/{id}/revision/{revision} and return its "sha".</summary>
    public static async Task<string> ResolveCommitAsync(HubHttp http, HubRepo repo, string revision, CancellationToken ct)
    {
        var request = new HubRequest(repo, revision);
        var (json, _) = await http.GetJsonAsync(http.Url($"{repo.ApiPath}/revision/{Uri.EscapeDataString(revision)}"), request, ct);
        using (json)
        {
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("sha", out var sha)
                && sha.ValueKind == JsonValueKind.String && sha.GetString() is { } commit && IsCommitHash(commit))
                return commit;
        }
        throw new HubException(HubErrorKind.Server, $"{http.Settings.Endpoint} did not return a commit id (\"sha\") for {request.Describe()}; is HF_ENDPOINT a Hugging Face Hub?");
    }

    /// <summary>GET {endpoint}/api/{models|datasets}/{id}/tree/{commit}?recursive=true&amp;expand=false, following Link pages; files only.</summary>
    public static async Task<IReadOnlyList<HubFile>> ListFilesAsync(HubHttp http, HubRepo repo, string commit, string revision, CancellationToken ct)
    {
        var request = new HubRequest(repo, revision);
        var files = new List<HubFile>();
        string? url = http.Url($"{repo.ApiPath}/tree/{Uri.EscapeDataString(commit)}?recursive=true&expand=false");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (url is not null)
        {
            if (!seen.Add(url)) throw new HubException(HubErrorKind.Server, $"the tree listing of {repo} pages in a loop at {url}.");
            var (json, next) = await http.GetJsonAsync(url, request, ct);
            using (json)
            {
                if (json.RootElement.ValueKind != JsonValueKind.Array)
                    throw new HubException(HubErrorKind.Server, $"the tree listing of {repo} at {commit} is not a JSON array; is HF_ENDPOINT a Hugging Face Hub?");
                foreach (var entry in json.RootElement.EnumerateArray())
                    if (ReadFile(entry, repo) is { } file) files.Add(file);
            }
            url = next;
        }
        return files;
    }

    private static HubFile? ReadFile(JsonElement entry, HubRepo repo)
    {
        if (entry.ValueKind != JsonValueKind.Object || Text(entry, "type") != "file") return null;
        var path = Text(entry, "path");
        var oid = Text(entry, "oid");
        if (path is null || oid is null || !entry.TryGetProperty("size", out var sizeElement) || !sizeElement.TryGetInt64(out var size) || size < 0)
            throw new HubException(HubErrorKind.Server, $"the tree listing of {repo} has a file entry without path, oid or size: {entry.GetRawText()}");
        string? sha256 = null;
        if (entry.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
        {
            sha256 = Text(lfs, "oid");
            if (sha256 is null || sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
                throw new HubException(HubErrorKind.Server, $"the tree listing of {repo} gives '{path}' an LFS oid that is not a sha256: {lfs.GetRawText()}");
            sha256 = sha256.ToLowerInvariant();
            if (lfs.TryGetProperty("size", out var lfsSize) && lfsSize.TryGetInt64(out var contentSize)) size = contentSize;
        }
        HubFile.CheckSafePath(path);
        return new HubFile(path, size, oid.ToLowerInvariant(), sha256);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
