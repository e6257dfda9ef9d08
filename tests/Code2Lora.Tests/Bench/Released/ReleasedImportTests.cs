using Code2Lora.Bench;
using Code2Lora.Bench.Released;
using Code2Lora.Encoders;
using Code2Lora.Reporting;
using DuckDB.NET.Data;
using Parquet;

namespace Code2Lora.Tests.Bench.Released;

/// <summary>The five released datasets, written in their own schema (fp16 lists and all) by <see cref="ReleasedFixtures"/>, once.</summary>
public sealed class ReleasedWorld : IDisposable
{
    public ReleasedWorld()
    {
        Root = Directory.CreateTempSubdirectory("c2l-released-").FullName;
        ReleasedFixtures.WriteStatic(Dataset("code2lora-static"));
        ReleasedFixtures.WriteEvo(Dataset("code2lora-evo"));
        ReleasedFixtures.WriteStaticAnchor(Dataset("code2lora-static-anchor"));
        ReleasedFixtures.WriteDataCommits(Dataset("code2lora-data-commits"));
        ReleasedFixtures.WriteOod(Dataset("repopeftbench-ood"));
    }

    public string Root { get; }

    /// <summary>The download folder of a dataset (as `c2l hub download code2lora/NAME --to DIR/NAME` lays it out).</summary>
    public string Dataset(string name) => Path.Combine(Root, "hub", name);

    /// <summary>A fresh benchmark folder.</summary>
    public string NewBench() => Path.Combine(Root, "bench-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>`c2l bench import`: every released column lands in this package's tables, the fp16 vectors reach the embedding store
/// exactly, large files stream in row groups, and a wrong file or target fails before anything is written.</summary>
public sealed class ReleasedImportTests(ReleasedWorld world) : IClassFixture<ReleasedWorld>
{
    private static async Task<ReleasedImportSummary> Import(string dataset, string bench, string? name = null) =>
        await ReleasedImport.RunAsync(ReleasedDataset.Find(dataset, name), bench, "test");

    private static void AssertVector(EmbeddingStore store, EmbeddingKey key, string repo, string sha, string kind)
    {
        var want = ReleasedFixtures.Vector(repo, sha, kind).Select(h => (float)h).ToArray();
        var got = store.Get(key);
        Assert.NotNull(got);
        Assert.Equal(want, got);   // fp16 → float is exact both ways: bit-identical values
    }

    [Fact]
    public void TheFixturesUseTheReleasedPhysicalTypes()
    {
        // Checked by a third reader (DuckDB's own metadata) so the tests below run against what the Hub serves.
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        var path = Path.Combine(world.Dataset("code2lora-evo"), "commits", "train.parquet");
        cmd.CommandText = $"SELECT name, type, type_length, logical_type FROM parquet_schema('{path}') WHERE name = 'element'";
        using var reader = cmd.ExecuteReader();
        var leaves = 0;
        while (reader.Read())
        {
            leaves++;
            Assert.Equal(("FIXED_LEN_BYTE_ARRAY", "2"), (reader.GetString(1), reader.GetValue(2).ToString()));
            Assert.Contains("Float16", reader.GetString(3));
        }
        Assert.Equal(2, leaves);   // diff_embedding and repo_state_embedding
    }

    [Fact]
    public async Task StaticImportMapsEveryColumnAndKeysTasksToTheRepositoryVector()
    {
        var bench = world.NewBench();
        var summary = await Import(world.Dataset("code2lora-static"), bench);
        Assert.Equal(ReleasedDatasetKind.Static, Assert.Single(summary.Datasets).Kind);
        Assert.All(summary.Files, f => Assert.Empty(f.UnmappedColumns));

        var data = await BenchData.LoadAsync(bench);
        Assert.Equal([8, 2, 2, 2, 4], SplitNames.QnaFiles.Select(s => data.StaticTasks.Count(t => t.Split == s)));
        var task = data.StaticTasks.Single(t => t.Split == SplitNames.IrVal && t.RepoId == "org/beta");
        Assert.Equal((ReleasedFixtures.Prefix("org/beta", 4), "'9.2'", "assert_eq", "string_literal", "tests/test_4.py", "test_4", null, 7, 14, "static", ReleasedVectors.StaticSnapshot),
            (task.Prefix, task.Target, task.AssertionType, task.Difficulty, task.TestFile, task.TestFunction, task.TestClass, task.LineNo, task.CommitIndex, task.Track, task.CommitSha));
        Assert.Equal("TestSettings", data.StaticTasks.Single(t => t.Split == SplitNames.IrTest && t.RepoId == "org/alpha" && t.LineNo == 8).TestClass);
        Assert.Equal(["org/alpha:train:7", "org/beta:train:7", "org/delta:cr_val:2", "org/gamma:cr_test:2"],   // train repositories count their IR tasks
            data.StaticRepos.Select(r => $"{r.RepoId}:{r.Split}:{r.Tasks}"));
        Assert.Empty(data.Commits);

        Assert.Equal(ReleasedVectors.StaticEncoderId, ReleasedManifest.EncoderFor(bench, "static"));
        Assert.Null(ReleasedManifest.EncoderFor(bench, "evolution"));
        var store = await EmbeddingStore.OpenAsync(Path.Combine(bench, "embeddings"), ReleasedVectors.StaticEncoderId);
        Assert.Equal(4, store.Count);
        foreach (var repo in new[] { "org/alpha", "org/beta", "org/delta", "org/gamma" })
            AssertVector(store, EmbeddingKey.ForState(repo, ReleasedVectors.StaticSnapshot), repo, "snapshot", "embedding");
        Assert.True(File.Exists(Path.Combine(bench, "embeddings", ReleasedVectors.StaticEncoderId + ".json")));
    }

    [Fact]
    public async Task EvoImportKeepsCommitsTasksAndBothVectorsPerCommit()
    {
        var bench = world.NewBench();
        var summary = await Import(world.Dataset("code2lora-evo"), bench);
        Assert.Equal(["assertion_event", "task"], summary.Files.Single(f => f.File == "qna/train.parquet").UnmappedColumns);
        Assert.Equal((6, 6), summary.Files.Where(f => f.File == "commits/train.parquet").Select(f => (f.StateVectors, f.DiffVectors)).Single());

        var data = await BenchData.LoadAsync(bench);
        Assert.Equal(10, data.Commits.Count);
        var c = data.Commits.Single(x => x.RepoId == "org/beta" && x.CommitIndex == 2);
        Assert.Equal((SplitNames.Train, "val", ReleasedFixtures.Sha("org/beta", 2), new DateTime(2025, 3, 12, 6, 30, 0, DateTimeKind.Utc), 3, 2, 1),
            (c.CrossRepoSplit, c.InRepoSplit, c.CommitSha, c.CommitTimestamp.ToUniversalTime(), c.NewAssertions, c.AddedAssertions, c.ModifiedAssertions));
        Assert.Contains("+VERSION = 2", c.ProductionCodeDiff);
        Assert.Equal([8, 2, 4, 2, 2], SplitNames.QnaFiles.Select(s => data.EvolutionTasks.Count(t => t.Split == s)));
        var t = data.EvolutionTasks.First(x => x.Split == SplitNames.IrTest);
        Assert.Equal(("org/alpha", ReleasedFixtures.Sha("org/alpha", 2), 2, "org/alpha:2:0", 4, "evolution"), (t.RepoId, t.CommitSha, t.CommitIndex, t.AssertionEventId, t.ColOffset, t.Track));
        // A repository's snapshot is its last kept commit; train repositories count their ir_* tasks too.
        Assert.Equal(["org/alpha:a2:6", "org/beta:b2:6", "org/delta:d1:2", "org/gamma:g1:4"],
            data.EvolutionRepos.Select(r => $"{r.RepoId}:{r.SnapshotSha[..2]}:{r.Tasks}"));
        Assert.Empty(data.StaticTasks);

        var store = await EmbeddingStore.OpenAsync(Path.Combine(bench, "embeddings"), ReleasedVectors.V2EncoderId);
        Assert.Equal(20, store.Count);
        var sha = ReleasedFixtures.Sha("org/gamma", 1);
        AssertVector(store, EmbeddingKey.ForDiff("org/gamma", sha), "org/gamma", sha, "diff");
        AssertVector(store, EmbeddingKey.ForState("org/gamma", sha), "org/gamma", sha, "state");
    }

    [Fact]
    public async Task StaticAnchorTasksSitAtTheirCommitsAndTrainRepositoriesAtTheirAnchor()
    {
        var bench = world.NewBench();
        await Import(world.Dataset("code2lora-static-anchor"), bench);
        var data = await BenchData.LoadAsync(bench);
        Assert.All(data.StaticTasks, t => Assert.Equal("static", t.Track));
        Assert.Equal(ReleasedFixtures.Sha("org/delta", 0), data.StaticTasks.First(t => t.Split == SplitNames.CrVal).CommitSha);
        Assert.Equal(["org/alpha:train:a1", "org/beta:train:b1", "org/delta:cr_val:d1", "org/gamma:cr_test:g1"],
            data.StaticRepos.Select(r => $"{r.RepoId}:{r.Split}:{r.SnapshotSha[..2]}"));
        Assert.Equal(ReleasedVectors.V2EncoderId, ReleasedManifest.EncoderFor(bench, "static"));
        var store = await EmbeddingStore.OpenAsync(Path.Combine(bench, "embeddings"), ReleasedVectors.V2EncoderId);
        Assert.Equal(8, store.Count);                               // anchors, ir commits, every CR commit: states only
        Assert.All(store.Keys, k => Assert.Equal(EmbeddingKey.State, k.Kind));
    }

    [Fact]
    public async Task DataCommitsMapsCrTrainToTrainAndLeavesTheOodRowsOut()
    {
        var bench = world.NewBench();
        var summary = await Import(world.Dataset("code2lora-data-commits"), bench);
        Assert.Contains(summary.Notes, n => n.Contains("commits/ood_test.parquet not imported", StringComparison.Ordinal));
        var data = await BenchData.LoadAsync(bench);
        Assert.Equal(6, data.Commits.Count(c => c.CrossRepoSplit == SplitNames.Train));
        Assert.DoesNotContain(data.Commits, c => c.RepoId == "new/omega");
    }

    [Fact]
    public async Task OodBecomesTheCrossRepoTestOfBothTracks()
    {
        var bench = world.NewBench();
        await Import(world.Dataset("repopeftbench-ood"), bench);
        var data = await BenchData.LoadAsync(bench);
        Assert.All(data.EvolutionTasks.Concat(data.StaticTasks), t => Assert.Equal(SplitNames.CrTest, t.Split));
        Assert.Equal(4, data.EvolutionTasks.Count);
        // qna_static has no commit: its tasks take the repository's latest state, which the OOD commits carry.
        Assert.All(data.StaticTasks, t => Assert.Equal(ReleasedFixtures.Sha("new/omega", 1), t.CommitSha));
        Assert.Equal("new/omega", Assert.Single(data.StaticRepos).RepoId);
        Assert.Equal(ReleasedVectors.V2EncoderId, ReleasedManifest.EncoderFor(bench, "evolution"));
    }

    [Fact]
    public async Task LargeFilesAreWrittenInRowGroupsAndReimportReplacesTheTrack()
    {
        var bench = world.NewBench();
        var datasets = ReleasedDataset.Find(world.Dataset("code2lora-evo"));
        await ReleasedImport.RunAsync(datasets, bench, "test", batchRows: 3);
        await using (var reader = await ParquetReader.CreateAsync(Path.Combine(bench, "evolution", "qna", "train.parquet")))
            Assert.Equal(3, reader.RowGroupCount);                  // 8 rows in batches of 3
        await ReleasedImport.RunAsync(datasets, bench, "test");     // the same dataset again: same tables, no duplicates
        var data = await BenchData.LoadAsync(bench);
        Assert.Equal(8, data.EvolutionTasks.Count(t => t.Split == SplitNames.Train));
        Assert.Empty(Directory.GetDirectories(bench, ".import-*"));
    }

    [Fact]
    public async Task AMissingColumnIsRefusedNamingTheFileAndTheColumnBeforeAnyWrite()
    {
        var dir = Path.Combine(world.Root, "broken", "code2lora-static");
        ReleasedFixtures.WriteStatic(dir);
        var qna = Path.Combine(dir, "qna", "cr_test.parquet");
        new ReleasedFixtures.Table().Strings("repo_id", ["org/gamma"]).Strings("target", ["'4.0'"]).Write(qna);   // no prefix
        var bench = world.NewBench();
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Import(dir, bench));
        Assert.Contains(qna, e.Message);
        Assert.Contains("'prefix'", e.Message);
        Assert.False(Directory.Exists(bench));
    }

    [Fact]
    public async Task VectorsStoredAsFloat32ListsByAnotherToolImportToo()
    {
        // A user's re-export (DuckDB writes FLOAT[] lists; it has no fp16 type): the same values, fp16-rounded on import.
        var dir = Path.Combine(world.Root, "reexport", "code2lora-static");
        Directory.CreateDirectory(Path.Combine(dir, "repos"));
        Directory.CreateDirectory(Path.Combine(dir, "qna"));
        var v = ReleasedFixtures.Vector("org/alpha", "snapshot", "embedding");
        using (var db = new DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            var list = string.Join(",", v.Select(x => ((float)x).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            cmd.CommandText = $"COPY (SELECT 'org/alpha' AS repo_id, [{list}]::FLOAT[] AS embedding) TO '{Path.Combine(dir, "repos", "train.parquet")}' (FORMAT parquet);" +
                              $"COPY (SELECT 'org/alpha' AS repo_id, 'p' AS prefix, 't' AS target) TO '{Path.Combine(dir, "qna", "train.parquet")}' (FORMAT parquet);";
            cmd.ExecuteNonQuery();
        }
        var bench = world.NewBench();
        var summary = await Import(dir, bench);
        Assert.Contains(summary.Notes, n => n.Contains("qna/cr_test.parquet is not in", StringComparison.Ordinal));
        var store = await EmbeddingStore.OpenAsync(Path.Combine(bench, "embeddings"), ReleasedVectors.StaticEncoderId);
        AssertVector(store, EmbeddingKey.ForState("org/alpha", ReleasedVectors.StaticSnapshot), "org/alpha", "snapshot", "embedding");
    }

    [Fact]
    public async Task ConflictingTargetsAreRefused()
    {
        var bench = world.NewBench();
        var both = ReleasedDataset.Find(world.Dataset("code2lora-evo")).Concat(ReleasedDataset.Find(world.Dataset("code2lora-data-commits"))).ToList();
        Assert.Contains("both fill the evolution track", (await Assert.ThrowsAsync<ArgumentException>(() => ReleasedImport.RunAsync(both, bench, "test"))).Message);

        await Import(world.Dataset("code2lora-static"), bench);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Import(world.Dataset("code2lora-static-anchor"), bench));
        Assert.Contains("static track was imported from code2lora-static", e.Message);
        await Import(world.Dataset("code2lora-evo"), bench);        // another track: fine, beside it
        Assert.Equal(ReleasedVectors.StaticEncoderId, ReleasedManifest.EncoderFor(bench, "static"));
        Assert.Equal(ReleasedVectors.V2EncoderId, ReleasedManifest.EncoderFor(bench, "evolution"));

        var built = world.NewBench();
        Directory.CreateDirectory(built);
        File.WriteAllText(Path.Combine(built, "manifest.json"), """{"config": {}}""");
        Assert.Contains("c2l bench build", (await Assert.ThrowsAsync<InvalidOperationException>(() => Import(world.Dataset("code2lora-static"), built))).Message);
    }

    [Fact]
    public async Task AReleasedFileInABenchmarkFolderIsAClearErrorNotEmptyColumns()
    {
        // What a user gets by copying the released files into a benchmark layout: no silent empty split / track / commit_sha.
        var bench = world.NewBench();
        Directory.CreateDirectory(Path.Combine(bench, "evolution", "qna"));
        File.Copy(Path.Combine(world.Dataset("code2lora-evo"), "qna", "train.parquet"), Path.Combine(bench, "evolution", "qna", "train.parquet"));
        File.WriteAllText(Path.Combine(bench, "manifest.json"), "{}");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => BenchData.LoadAsync(bench));
        Assert.Contains(Path.Combine("evolution", "qna", "train.parquet"), e.Message);
        Assert.Contains("'split'", e.Message);
        Assert.Contains("c2l bench import", e.Message);

        Directory.Delete(Path.Combine(bench, "evolution"), recursive: true);
        Directory.CreateDirectory(Path.Combine(bench, "evolution", "commits"));
        File.Copy(Path.Combine(world.Dataset("code2lora-evo"), "commits", "train.parquet"), Path.Combine(bench, "evolution", "commits", "train.parquet"));
        e = await Assert.ThrowsAsync<InvalidDataException>(() => BenchData.LoadAsync(bench));   // fp16 vectors: Parquet.Net cannot even read the schema
        Assert.Contains("c2l bench import", e.Message);
    }

    [Fact]
    public void DatasetsAreRecognisedByNameByHubCacheNameAndByLayout()
    {
        Assert.Equal(ReleasedDatasetKind.Evo, ReleasedDataset.Detect(world.Dataset("code2lora-evo")).Kind);
        var cache = Path.Combine(world.Root, "cache", "datasets--code2lora--code2lora-static-anchor", "snapshots", "abc");
        ReleasedFixtures.WriteStaticAnchor(cache);
        Assert.Equal(ReleasedDatasetKind.StaticAnchor, ReleasedDataset.Detect(cache).Kind);
        var anonymous = Path.Combine(world.Root, "anon", "x");
        ReleasedFixtures.WriteStaticAnchor(anonymous);
        Assert.Equal(ReleasedDatasetKind.StaticAnchor, ReleasedDataset.Detect(anonymous).Kind);       // commits without diff vectors
        Assert.Equal(5, ReleasedDataset.Find(Path.Combine(world.Root, "hub")).Count);
        Assert.Contains("not a released dataset", Assert.Throws<ArgumentException>(() => ReleasedDataset.Detect(anonymous, "nope")).Message);
    }
}
