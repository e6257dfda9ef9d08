using Code2Lora.Bench;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Python;
using Code2Lora.Runtime;
using Code2Lora.Tests.Mining;

namespace Code2Lora.Tests.Bench;

/// <summary>Streaming the evolution track: per-repository spools, row-group Parquet files and the parallel walk's determinism.</summary>
public class EvolutionSpoolTests
{
    private static QnaRow Row(int i) => new() { RepoId = "r", Prefix = new string('p', i), Target = $"t{i}", CommitIndex = i, Track = "evolution" };

    [Fact]
    public async Task Appender_writes_row_groups_that_read_back_in_order_and_a_small_table_like_ParquetTable()
    {
        using var tmp = new TempDirectory();
        var many = Path.Combine(tmp.Path, "many.parquet");
        using (var w = new ParquetAppender<QnaRow>(many, t => t.Prefix.Length, rowGroupRows: 2))
        {
            for (int i = 0; i < 5; i++) w.Add(Row(i));
            Assert.False(File.Exists(many));   // nothing under the final name before Complete
            w.Complete();
        }
        Assert.Equal(["t0", "t1", "t2", "t3", "t4"], ParquetAppender<QnaRow>.ReadAll(many).Select(r => r.Target));
        Assert.Equal(5, (await ParquetTable.ReadAsync<QnaRow>(many)).Count);

        var small = Path.Combine(tmp.Path, "small.parquet");
        using (var w = new ParquetAppender<QnaRow>(small, t => t.Prefix.Length))
        {
            for (int i = 0; i < 3; i++) w.Add(Row(i));
            w.Complete();
        }
        var reference = Path.Combine(tmp.Path, "reference.parquet");
        await ParquetTable.WriteAsync(reference, Enumerable.Range(0, 3).Select(Row).ToList());
        Assert.Equal(await File.ReadAllBytesAsync(reference), await File.ReadAllBytesAsync(small));

        var empty = Path.Combine(tmp.Path, "empty.parquet");
        using (var w = new ParquetAppender<QnaRow>(empty, t => 0)) w.Complete();
        Assert.Empty(ParquetAppender<QnaRow>.ReadAll(empty));
    }

    [Fact]
    public void Spools_are_the_same_bytes_for_any_thread_count_and_hold_only_the_tasks_a_split_can_choose()
    {
        using var tmp = new TempDirectory();
        var repo = RepoForge.Generate(tmp.Sub("forge"), new ForgeConfig { Repos = 1, Commits = 30, FactsPerRepo = 8, ChangeRate = 0.5, Seed = 9 })[0];
        var input = new RepoInput("forge/" + repo.RepoId, repo.Path, "test");
        var config = BenchConfig.Smoke;
        var one = EvolutionTrackBuilder.BuildRepo(input, config, new MiningRules(), new SkipReport(), tmp.Sub("one"), threads: 1);
        var three = EvolutionTrackBuilder.BuildRepo(input, config, new MiningRules(), new SkipReport(), tmp.Sub("three"), threads: 3);

        Assert.Equal((one.KeptCommits, one.Tasks, one.FilesParsed, one.CacheHits), (three.KeptCommits, three.Tasks, three.FilesParsed, three.CacheHits));
        foreach (var file in Directory.GetFiles(one.SpoolDirectory).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(one.SpoolDirectory, file!)), File.ReadAllBytes(Path.Combine(three.SpoolDirectory, file!)));

        var commits = EvolutionSpool.Commits(one.SpoolDirectory).ToList();
        var eval = EvolutionSpool.EvalTasks(one.SpoolDirectory).ToList();
        var train = EvolutionSpool.TrainTasks(one.SpoolDirectory).ToList();
        Assert.Equal(one.KeptCommits, commits.Count);
        Assert.True(one.Tasks > eval.Count, "the spool keeps fewer tasks than the history has");
        Assert.All(eval.GroupBy(t => t.CommitIndex), g => Assert.True(g.Count() <= config.EvalTasksPerCommit));
        Assert.All(train.GroupBy(t => t.CommitIndex), g => Assert.True(g.Count() <= config.SmartCapPerCommit));

        // Every spooled prefix is the one the plain extractor builds for that assertion at that commit.
        using var source = RepoSource.Open(repo.Path);
        foreach (var t in eval.Concat(train))
        {
            var sha = commits[t.CommitIndex].CommitSha;
            var expected = EvolutionTaskExtractor.Extract(source.ReadText(sha, t.TestFile, out _)!)
                .First(a => a.LineNo == t.LineNo && a.ColOffset == t.ColOffset && a.Target == t.Target);
            Assert.Equal(expected.Prefix, t.Prefix);
            Assert.Equal(sha, t.CommitSha);
        }
    }

    [Fact]
    public void The_pipeline_yields_in_order_after_each_items_jobs_and_rethrows_their_errors()
    {
        var done = new bool[50];
        var seen = OrderedPipeline.Run(Enumerable.Range(0, 50), i => [new ClaimableJob(() => done[i] = true)], threads: 3, maxItemsAhead: 8, maxJobsAhead: 4)
            .Select(i => { Assert.True(done[i]); return i; }).ToList();
        Assert.Equal(Enumerable.Range(0, 50), seen);

        var failing = OrderedPipeline.Run(Enumerable.Range(0, 10), i => [new ClaimableJob(() => { if (i == 6) throw new InvalidDataException("six"); })], threads: 2);
        Assert.Equal("six", Assert.Throws<InvalidDataException>(() => failing.ToList()).Message);
    }
}
