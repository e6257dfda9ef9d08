using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Evaluation;
using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>
/// One shard's mining results on disk (docs/sharding.md, "Mining"): <c>partition.json</c> (the shard, config, inputs, each
/// repository's row and counts, the skips), <c>static/tasks.parquet</c> (every static repository's selected tasks, repository
/// by repository in id order) and <c>evolution/&lt;id&gt;/</c> (each history's spool, as a single process leaves it before its
/// split). <c>partition.json</c> is written last, so a folder without it is an unfinished shard.
/// </summary>
public static class BenchPartition
{
    private const string ManifestFile = "partition.json", TasksFile = "tasks.parquet";

    private static readonly JsonSerializerOptions Json = new(Provenance.Json) { Converters = { new JsonStringEnumConverter() } };

    private sealed record EvolutionEntry(RepoRow Repo, int KeptCommits, int Tasks, int CommitsWalked, int FilesParsed, int CacheHits, string Spool);

    private sealed record Manifest(int ShardIndex, int ShardCount, BenchConfig Config, MiningRules MiningRules, List<RepoInput> Inputs,
        List<RepoRow> StaticRepos, List<EvolutionEntry> Evolution, List<RepoMiningStats> Mining, List<SkipEntry> Skips, int Failed);

    /// <summary>Where a shard's history spools go inside its partition folder.</summary>
    public static string SpoolRoot(string partDir) => Path.Combine(partDir, "evolution");

    /// <summary>Writes <paramref name="mined"/> as shard <paramref name="shard"/>'s partition (its spools are already under <see cref="SpoolRoot"/>).</summary>
    public static void Write(string partDir, Shard shard, MinedRepos mined, BenchConfig config, MiningRules rules)
    {
        var full = Path.GetFullPath(partDir);
        var statics = mined.Static.OrderBy(r => r.Repo.RepoId, StringComparer.Ordinal).ToList();
        using (var tasks = new ParquetAppender<QnaRow>(Path.Combine(full, "static", TasksFile), t => t.Prefix.Length + t.Target.Length + 256))
        {
            foreach (var t in statics.SelectMany(r => r.Tasks)) tasks.Add(t);
            tasks.Complete();
        }
        var evolution = mined.Evolution.OrderBy(r => r.Repo.RepoId, StringComparer.Ordinal)
            .Select(r => new EvolutionEntry(r.Repo, r.KeptCommits, r.Tasks, r.CommitsWalked, r.FilesParsed, r.CacheHits,
                Path.GetRelativePath(full, r.SpoolDirectory).Replace('\\', '/'))).ToList();
        var manifest = new Manifest(shard.Index, shard.Count, config, rules, mined.Inputs.ToList(), statics.Select(r => r.Repo).ToList(), evolution,
            mined.Mining.ToList(), mined.Skips.Entries.ToList(), mined.Failed);
        AtomicFile.WriteText(Path.Combine(full, ManifestFile), JsonSerializer.Serialize(manifest, Json));
    }

    /// <summary>Drops a finished mark left by an earlier run, so a shard that dies half-way is never taken for a finished one.</summary>
    public static void Begin(string partDir)
    {
        var mark = Path.Combine(partDir, ManifestFile);
        if (File.Exists(mark)) File.Delete(mark);
    }

    /// <summary>Reads the partitions of shards 1..N (every shard exactly once, one config) as one <see cref="MinedRepos"/>.</summary>
    public static async Task<(MinedRepos Mined, BenchConfig Config, MiningRules Rules)> ReadAllAsync(IReadOnlyList<string> partDirs)
    {
        if (partDirs.Count == 0) throw new ArgumentException("bench merge: no partition folders given; pass --parts DIR... (the --out folders of `c2l bench build --shard k/N`)");
        var parts = new List<(string Dir, Manifest M)>();
        foreach (var dir in partDirs)
        {
            var path = Path.Combine(Path.GetFullPath(dir), ManifestFile);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{dir}: no {ManifestFile}; it is not a finished shard of `c2l bench build --shard k/N` (re-run that shard).", path);
            var m = JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(path), Json)
                    ?? throw new InvalidDataException($"{path}: empty partition manifest; re-run that shard.");
            parts.Add((Path.GetFullPath(dir), m));
        }
        var first = parts[0].M;
        string configJson = JsonSerializer.Serialize((first.Config, first.MiningRules), Json);
        foreach (var (dir, m) in parts)
        {
            if (m.ShardCount != first.ShardCount)
                throw new ArgumentException($"{dir}: shard {m.ShardIndex}/{m.ShardCount}, but {parts[0].Dir} is of {first.ShardCount}; merge the shards of one --shard k/N run.");
            if (JsonSerializer.Serialize((m.Config, m.MiningRules), Json) != configJson)
                throw new ArgumentException($"{dir}: mined with another bench config or mining rules than {parts[0].Dir}; re-run every shard with one preset.");
        }
        var byIndex = parts.GroupBy(p => p.M.ShardIndex).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var g in byIndex.Where(g => g.Value.Count > 1))
            throw new ArgumentException($"shard {g.Key}/{first.ShardCount} given twice ({string.Join(", ", g.Value.Select(p => p.Dir))}); pass each shard's folder once.");
        var missing = Enumerable.Range(1, first.ShardCount).Where(k => !byIndex.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"bench merge: no partition of shard {string.Join(", ", missing.Select(k => $"{k}/{first.ShardCount}"))}; run `c2l bench build --shard k/N` for it and pass its folder.");

        var inputs = new List<RepoInput>();
        var statics = new List<StaticRepoResult>();
        var evolution = new List<EvolutionRepoResult>();
        var mining = new List<RepoMiningStats>();
        var skips = new SkipReport();
        int failed = 0;
        foreach (var (dir, m) in parts.OrderBy(p => p.M.ShardIndex))
        {
            inputs.AddRange(m.Inputs);
            var tasks = ParquetAppender<QnaRow>.ReadAll(Path.Combine(dir, "static", TasksFile)).GroupBy(t => t.RepoId).ToDictionary(g => g.Key, g => g.ToList());
            statics.AddRange(m.StaticRepos.Select(r => new StaticRepoResult(r, tasks.TryGetValue(r.RepoId, out var t) ? t : [])));
            evolution.AddRange(m.Evolution.Select(e => new EvolutionRepoResult(e.Repo, e.KeptCommits, e.Tasks, e.CommitsWalked, e.FilesParsed, e.CacheHits,
                Path.Combine(dir, e.Spool))));
            mining.AddRange(m.Mining);
            foreach (var s in m.Skips)
                if (s.Path is null) skips.Add(s.RepoId, s.Reason, s.Detail);
                else skips.Add(s.RepoId, new SkippedFile(s.Path, s.Reason, s.Detail));
            failed += m.Failed;
        }
        var repeated = inputs.GroupBy(i => i.RepoId).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new InvalidDataException($"{repeated.Key}: mined by more than one partition; the partitions are not from one --shard k/N run over one repository list.");
        return (new MinedRepos(inputs.OrderBy(i => i.RepoId, StringComparer.Ordinal).ToList(), statics, evolution, mining, skips, failed), first.Config, first.MiningRules);
    }
}
