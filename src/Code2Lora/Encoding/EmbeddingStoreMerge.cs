using System.Text.Json;
using Code2Lora.Runtime;

namespace Code2Lora.Encoders;

/// <summary>What a merge of embedding partitions added: per encoder id, the vectors the merged store holds and how many were new.</summary>
public sealed record EmbeddingMergeSummary(string EncoderId, int Vectors, int Added);

/// <summary>
/// Joins the store partitions of <c>c2l embed --shard k/N</c> (docs/sharding.md, "Embedding") into one store: every encoder id's
/// vectors (keys are per repository, so shards never overlap), its description, and the per-repository file-vector caches.
/// The store is append-only and a re-added equal vector is a no-op, so merging again, or into a store that already holds
/// some of the vectors, writes only what is new.
/// </summary>
public static class EmbeddingStoreMerge
{
    /// <summary>Merges <paramref name="partDirs"/> into <paramref name="storeDir"/> (under the store's run lock).</summary>
    public static async Task<IReadOnlyList<EmbeddingMergeSummary>> MergeAsync(IReadOnlyList<string> partDirs, string storeDir)
    {
        foreach (var dir in partDirs)
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: no embedding partition there; run `c2l embed --shard k/N` for it.");
        Directory.CreateDirectory(storeDir);
        using var held = RunLock.Acquire(storeDir, "embedding store");
        var ids = partDirs.SelectMany(EncoderIds).Distinct().Order(StringComparer.Ordinal).ToList();
        var result = new List<EmbeddingMergeSummary>();
        foreach (var id in ids)
        {
            var merged = await EmbeddingStore.OpenAsync(storeDir, id);
            JsonElement? description = null;
            foreach (var dir in partDirs.Where(d => EncoderIds(d).Contains(id)))
            {
                var part = await EmbeddingStore.OpenAsync(dir, id);
                foreach (var key in part.Keys) merged.Add(key, part.Get(key)!);
                description ??= JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, id + ".json"))).RootElement.Clone();
            }
            int added = merged.Pending;
            await merged.FlushAsync(description);
            result.Add(new EmbeddingMergeSummary(id, merged.Count, added));
        }
        // File-vector caches (files-<id>/<repo>/): one folder per repository, so a shard's folders are its own.
        foreach (var dir in partDirs)
            foreach (var cache in Directory.EnumerateDirectories(dir, "files-*"))
                foreach (var repo in Directory.EnumerateDirectories(cache))
                {
                    var to = Path.Combine(storeDir, Path.GetFileName(cache), Path.GetFileName(repo));
                    if (!Directory.Exists(to)) CopyDirectory(repo, to);
                }
        return result;
    }

    /// <summary>The encoder ids a store folder holds: folders with an <c>{id}.json</c> description beside them.</summary>
    private static IEnumerable<string> EncoderIds(string storeDir) =>
        Directory.EnumerateFiles(storeDir, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(id => Directory.Exists(Path.Combine(storeDir, id)));

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.EnumerateDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
