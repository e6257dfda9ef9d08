using Code2Lora.Bench;
using Parquet;

namespace Code2Lora.Tests.Bench;

/// <summary>Row-group-at-a-time writing: one row group per batch, the target replaced only on commit, and the strict reader that
/// refuses a table missing columns instead of defaulting them.</summary>
public sealed class ParquetAppenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-appender-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<RepoRow> Repos(int from, int count) =>
        Enumerable.Range(from, count).Select(i => new RepoRow { RepoId = $"org/r{i}", Split = "train", SnapshotSha = $"{i}", Tasks = i }).ToList();

    [Fact]
    public async Task EachBatchIsARowGroupAndTheTargetChangesOnlyOnCommit()
    {
        var path = Path.Combine(_dir, "repos", "train.parquet");
        await ParquetTable.WriteAsync(path, Repos(100, 1));
        await using (var appender = new ParquetAppender<RepoRow>(path))
        {
            await appender.AppendAsync(Repos(0, 3));
            await appender.AppendAsync([]);
            await appender.AppendAsync(Repos(3, 2));
            Assert.Equal("org/r100", Assert.Single(await ParquetTable.ReadExactAsync<RepoRow>(path)).RepoId);   // not yet published
            await appender.CommitAsync();
            Assert.Equal(5, appender.Rows);
        }
        await using (var reader = await ParquetReader.CreateAsync(path)) Assert.Equal(2, reader.RowGroupCount);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"org/r{i}"), (await ParquetTable.ReadExactAsync<RepoRow>(path)).Select(r => r.RepoId));

        await using (var abandoned = new ParquetAppender<RepoRow>(path)) await abandoned.AppendAsync(Repos(7, 1));   // disposed uncommitted
        Assert.Equal(5, (await ParquetTable.ReadExactAsync<RepoRow>(path)).Count);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));                                       // no temp file left

        var empty = Path.Combine(_dir, "empty.parquet");
        await using (var appender = new ParquetAppender<RepoRow>(empty)) await appender.CommitAsync();
        Assert.Empty(await ParquetTable.ReadExactAsync<RepoRow>(empty));
    }

    [Fact]
    public async Task StrictReadNamesTheFileAndEveryMissingColumn()
    {
        var path = Path.Combine(_dir, "repos.parquet");
        await ParquetTable.WriteAsync(path, Repos(0, 2));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ParquetTable.ReadExactAsync<CommitRow>(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'commit_sha'", e.Message);
        Assert.Contains("'production_code_diff'", e.Message);
        Assert.Contains("c2l bench import", e.Message);
        Assert.Equal(["repo_id", "split", "snapshot_sha", "provenance", "n_tasks", "n_source_files", "n_test_files"], ParquetTable.ColumnNames<RepoRow>());
    }
}
