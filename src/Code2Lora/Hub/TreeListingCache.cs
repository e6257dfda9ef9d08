using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Runtime;

namespace Code2Lora.Hub;

/// <summary>huggingface_hub's on-disk tree listing: "{folder}/trees/{commit}.json" with format_version 1 and, per path, size, blob_id and
/// for LFS files lfs_sha256 / lfs_size. A commit never changes, so the listing is kept forever; it lets a re-run and offline mode
/// know which files a snapshot should hold without asking the Hub.</summary>
internal static class TreeListingCache
{
    private const int FormatVersion = 1;

    /// <summary>The listing file of <paramref name="commit"/> under <paramref name="folder"/>.</summary>
    public static string PathOf(string folder, string commit) => Path.Combine(folder, "trees", commit + ".json");

    /// <summary>The cached listing, or null when absent, of another format version, or unreadable (it is then fetched again).</summary>
    public static IReadOnlyList<HubFile>? Read(string folder, string commit)
    {
        var path = PathOf(folder, commit);
        if (!File.Exists(path)) return null;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject root || (int?)root["format_version"] != FormatVersion
                || root["files"] is not JsonObject files)
                return null;
            var result = new List<HubFile>();
            foreach (var (name, node) in files)
            {
                if (node is not JsonObject info) return null;
                var sha = (string?)info["lfs_sha256"];
                var size = sha is not null && info["lfs_size"] is not null ? (long)info["lfs_size"]! : (long)info["size"]!;
                HubFile.CheckSafePath(name);
                result.Add(new HubFile(name, size, (string)info["blob_id"]!, sha));
            }
            return result;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException
                                      or IOException or UnauthorizedAccessException or HubException)
        {
            return null;
        }
    }

    /// <summary>Writes the listing atomically, in huggingface_hub's format and key order (sorted paths).</summary>
    public static void Write(string folder, string commit, IReadOnlyList<HubFile> files)
    {
        var entries = new JsonObject();
        foreach (var f in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var info = new JsonObject { ["size"] = f.Size, ["blob_id"] = f.BlobId };
            if (f.Sha256 is not null)
            {
                info["lfs_sha256"] = f.Sha256;
                info["lfs_size"] = f.Size;
            }
            entries[f.Path] = info;
        }
        var root = new JsonObject { ["format_version"] = FormatVersion, ["files"] = entries };
        AtomicFile.WriteText(PathOf(folder, commit), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
