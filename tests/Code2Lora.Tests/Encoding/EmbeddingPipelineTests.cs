using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Reporting;
using Code2Lora.Tests.Forge;
using Xunit.Abstractions;

namespace Code2Lora.Tests.Encoders;

/// <summary>A tiny benchmark built once from the forge's small test config (both tracks), embedded by the tests below.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class TinyBenchFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TinyBenchFixture()
    {
        var forged = RepoForge.Generate(_dir.Sub("forge"), ForgeFixture.Small);
        Inputs = forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, "forge", Static: true, Evolution: true)).ToList();
        BenchBuild.RunAsync(Inputs, BenchDir, BenchConfig.Smoke, new MiningRules(), "test", parallelism: 1).GetAwaiter().GetResult();
    }

    public IReadOnlyList<RepoInput> Inputs { get; }
    public string BenchDir => _dir.Sub("bench");
    public string NewStore() => _dir.Sub("store-" + Guid.NewGuid().ToString("N")[..8]);
    public void Dispose() => _dir.Dispose();
}

[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class EmbeddingPipelineTests(TinyBenchFixture bench, ITestOutputHelper log) : IClassFixture<TinyBenchFixture>
{
    [Fact]
    public async Task Second_run_embeds_nothing_and_a_new_commit_embeds_only_its_diff()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        var storeDir = bench.NewStore();
        var data = await BenchData.LoadAsync(bench.BenchDir);
        var plan = EmbeddingPipeline.Plan(data, EncoderConfig.Tiny);
        Assert.Equal(data.Commits.Count, plan.Count(r => r.Key.Kind == EmbeddingKey.Diff));
        Assert.Contains(plan, r => r.Key.Kind == EmbeddingKey.State && data.StaticRepos.Any(s => s.SnapshotSha == r.Key.CommitSha));

        var first = await EmbeddingPipeline.RunAsync(bench.BenchDir, bench.Inputs, embedder, EncoderConfig.Tiny, storeDir);
        log.WriteLine(first.ToString());
        Assert.Equal(plan.Count, first.Wanted);
        Assert.Equal(plan.Count, first.StatesEmbedded + first.DiffsEmbedded);
        Assert.True(first.ForwardPasses > 0);
        var store = await EmbeddingStore.OpenAsync(storeDir, first.EncoderId);
        Assert.Empty(store.Missing(plan.Select(r => r.Key)));
        foreach (var r in plan.Where(r => r.Key.Kind == EmbeddingKey.State))
            Assert.Equal(1.0, Math.Sqrt(store.Get(r.Key)!.Sum(x => (double)x * x)), 2);   // recipe (b), at fp16 precision
        Assert.All(plan, r => Assert.Equal(128, store.Get(r.Key)!.Length));

        var passes = embedder.ForwardPasses;
        var shards = Directory.GetFiles(first.StorePath);
        var second = await EmbeddingPipeline.RunAsync(bench.BenchDir, [], embedder, EncoderConfig.Tiny, storeDir);   // no repository is opened either
        Assert.Equal((0, 0, plan.Count, 0L), (second.StatesEmbedded, second.DiffsEmbedded, second.AlreadyStored, second.ForwardPasses));
        Assert.Equal(passes, embedder.ForwardPasses);
        Assert.Equal(shards, Directory.GetFiles(first.StorePath));   // nothing appended

        // A new kept commit at the end of one repository's history (in-repo test, so h0 and the anchor do not move).
        var copy = Path.Combine(bench.NewStore(), "bench");
        CopyDirectory(bench.BenchDir, copy);
        var commitsFile = Path.Combine(copy, "evolution", "commits", data.Commits[0].CrossRepoSplit + ".parquet");
        var rows = (await ParquetTable.ReadAsync<CommitRow>(commitsFile)).ToList();
        var last = rows.Where(c => c.RepoId == rows[0].RepoId).MaxBy(c => c.CommitIndex)!;
        rows.Add(new CommitRow { RepoId = last.RepoId, CrossRepoSplit = last.CrossRepoSplit, CommitIndex = last.CommitIndex + 1, CommitSha = new string('f', 40),
            CommitTimestamp = last.CommitTimestamp, InRepoSplit = SplitNames.InRepoTest, ProductionCodeDiff = "@@ -1 +1 @@\n-a = 1\n+a = 2\n" });
        await ParquetTable.WriteAsync(commitsFile, rows);
        var third = await EmbeddingPipeline.RunAsync(copy, bench.Inputs, embedder, EncoderConfig.Tiny, storeDir);
        Assert.Equal((0, 1, plan.Count), (third.StatesEmbedded, third.DiffsEmbedded, third.AlreadyStored));
        Assert.True((await EmbeddingStore.OpenAsync(storeDir, first.EncoderId)).Contains(EmbeddingKey.ForDiff(last.RepoId, new string('f', 40))));
    }

    [Fact]
    public async Task A_changed_recipe_gets_a_new_encoder_id_and_missing_repositories_fail_before_any_forward()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        var storeDir = bench.NewStore();
        var a = await EmbeddingPipeline.RunAsync(bench.BenchDir, bench.Inputs, embedder, EncoderConfig.Tiny, storeDir);
        var changed = EncoderConfig.Tiny with { Diff = DiffRecipe.Tiny with { Chunking = DiffRecipe.Tiny.Chunking with { WindowTokens = 32 } } };
        var b = await EmbeddingPipeline.RunAsync(bench.BenchDir, bench.Inputs, embedder, changed, storeDir);
        Assert.NotEqual(a.EncoderId, b.EncoderId);
        Assert.Equal(0, b.AlreadyStored);
        Assert.True(Directory.Exists(a.StorePath) && Directory.Exists(b.StorePath));
        Assert.True(File.Exists(Path.Combine(storeDir, b.EncoderId + ".json")));

        var passes = embedder.ForwardPasses;
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            EmbeddingPipeline.RunAsync(bench.BenchDir, [], embedder, changed with { StateAtEveryCommit = true }, bench.NewStore()));
        Assert.Contains("forge/", e.Message);
        Assert.Equal(passes, embedder.ForwardPasses);
    }

    [Fact]
    public async Task States_at_every_commit_reuse_file_vectors_and_a_resumed_run_embeds_no_file_again()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        var storeDir = bench.NewStore();
        var config = EncoderConfig.Tiny with { StateAtEveryCommit = true };
        var (recorded, gone) = BenchInputs.FromManifest(bench.BenchDir);   // the paths the build recorded serve as inputs
        Assert.Empty(gone);
        Assert.Equal(bench.Inputs.Select(i => (i.RepoId, i.Path)), recorded.Select(i => (i.RepoId, i.Path)));
        var first = await EmbeddingPipeline.RunAsync(bench.BenchDir, recorded, embedder, config, storeDir);
        log.WriteLine(first.ToString());
        Assert.True(first.FilesEmbedded > 0 && first.FilesReused > first.FilesEmbedded, "most files of a state are unchanged since the previous commit");
        var store = await EmbeddingStore.OpenAsync(storeDir, first.EncoderId);

        // As if killed after the file cache was appended but before any state was: the states come back from cached files alone.
        Directory.Delete(first.StorePath, recursive: true);
        var second = await EmbeddingPipeline.RunAsync(bench.BenchDir, bench.Inputs, embedder, config, storeDir);
        Assert.Equal((first.StatesEmbedded, 0L), (second.StatesEmbedded, second.FilesEmbedded));
        var again = await EmbeddingStore.OpenAsync(storeDir, first.EncoderId);
        Assert.All(store.Keys.Where(k => k.Kind == EmbeddingKey.State), k => Assert.Equal(store.Get(k), again.Get(k)));
    }

    [Fact]
    public void A_manifest_names_the_repositories_it_cannot_find_and_reads_older_local_provenance()
    {
        var dir = bench.NewStore();
        Directory.CreateDirectory(dir);
        var there = bench.Inputs[0].Path;
        File.WriteAllText(Path.Combine(dir, "manifest.json"), $$"""
            {"inputs": [
              {"repo_id": "a/here", "provenance": "x", "path": "{{there}}", "static": true, "evolution": false},
              {"repo_id": "b/old", "provenance": "local:{{there}}"},
              {"repo_id": "c/gone", "provenance": "history:https://example.org/c@1", "path": "{{there}}-deleted"}]}
            """);
        var (found, missing) = BenchInputs.FromManifest(dir);
        Assert.Equal([("a/here", there, false), ("b/old", there, true)], found.Select(i => (i.RepoId, i.Path, i.Evolution)));
        Assert.Equal(["c/gone"], missing);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), "{\"inputs\": [");
        Assert.Contains("manifest.json", Assert.Throws<InvalidDataException>(() => BenchInputs.FromManifest(dir)).Message);
    }

    [Fact]
    public async Task Three_sharded_partitions_merge_into_the_single_process_store()
    {
        using var model = TinyEncoder.Model();
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        // Three histories named so that each lands in another of three shards (the first such names, found deterministically).
        var forged = RepoForge.Generate(bench.NewStore(), ForgeFixture.Small with { Repos = 3 });
        var names = Enumerable.Range(1, 3).Select(k => Enumerable.Range(0, 100).Select(i => $"shard-test/r{i}").First(id => Code2Lora.Evaluation.Shard.Of(id, 3) == k)).ToList();
        var inputs = forged.Select((f, i) => new RepoInput(names[i], f.Path, "forge")).ToList();
        var benchDir = bench.NewStore();
        await BenchBuild.RunAsync(inputs, benchDir, BenchConfig.Smoke, new MiningRules(), "test", parallelism: 1);
        var single = bench.NewStore();
        var whole = await EmbeddingPipeline.RunAsync(benchDir, inputs, embedder, EncoderConfig.Tiny, single);
        var parts = new List<string>();
        var shardOf = new Dictionary<string, int>();
        for (int k = 1; k <= 3; k++)
        {
            var part = bench.NewStore();
            var s = await EmbeddingPipeline.RunAsync(benchDir, inputs, embedder, EncoderConfig.Tiny, part, shard: new Code2Lora.Evaluation.Shard(k, 3));
            var held = await EmbeddingStore.OpenAsync(part, s.EncoderId);
            Assert.All(held.Keys, key => Assert.Equal(k, Code2Lora.Evaluation.Shard.Of(key.RepoId, 3)));   // a shard embeds only its repositories
            foreach (var key in held.Keys) shardOf[key.RepoId] = k;
            parts.Add(part);
        }
        Assert.Equal(3, shardOf.Values.Distinct().Count());   // every shard embedded its own repository
        var merged = bench.NewStore();
        var summary = Assert.Single(await EmbeddingStoreMerge.MergeAsync(parts, merged));
        Assert.Equal(whole.EncoderId, summary.EncoderId);
        var a = await EmbeddingStore.OpenAsync(single, whole.EncoderId);
        var b = await EmbeddingStore.OpenAsync(merged, whole.EncoderId);
        Assert.Equal(a.Keys.OrderBy(k => k.ToString()), b.Keys.OrderBy(k => k.ToString()));
        Assert.All(a.Keys, key => Assert.Equal(a.Get(key)!, b.Get(key)!));
        Assert.True(File.Exists(Path.Combine(merged, whole.EncoderId + ".json")));
        Assert.Equal(0, Assert.Single(await EmbeddingStoreMerge.MergeAsync(parts, merged)).Added);   // merging again adds nothing
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }
}
