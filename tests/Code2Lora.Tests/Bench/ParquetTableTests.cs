using Code2Lora.Bench;
using DuckDB.NET.Data;

namespace Code2Lora.Tests.Bench;

/// <summary>Benchmark files round-trip and are readable, with the released column names, by an independent reader.</summary>
public class ParquetTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-parquet-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task QnaRowsRoundTripAndDuckDbSeesTheReleasedColumns()
    {
        var rows = new List<QnaRow>
        {
            new() { RepoId = "a/b", Prefix = "def test():\n    assert f(\"é,\") == ", Target = "'ü'", AssertionType = "assert_eq",
                    Difficulty = "string_literal", TestFile = "tests/test_x.py", TestFunction = "test", TestClass = null,
                    LineNo = 2, ColOffset = 22, CommitSha = new string('0', 40), Split = "train", Track = "static" },
            new() { RepoId = "a/c", Prefix = "p", Target = "t", TestFunction = "f", TestClass = "K", Split = "cr_test", TaskKind = "generic" },
        };
        var path = Path.Combine(_dir, "qna", "train.parquet");
        await ParquetTable.WriteAsync(path, rows);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));

        var back = await ParquetTable.ReadAsync<QnaRow>(path);
        Assert.Equal(rows.Select(r => (r.RepoId, r.Prefix, r.Target, r.TestClass, r.LineNo, r.TaskKind)),
                     back.Select(r => (r.RepoId, r.Prefix, r.Target, r.TestClass, r.LineNo, r.TaskKind)));

        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select repo_id, target, test_class, col_offset from '{path}' order by repo_id";
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("a/b", reader.GetString(0));
        Assert.Equal("'ü'", reader.GetString(1));
        Assert.True(reader.IsDBNull(2));
        Assert.Equal(22, reader.GetInt32(3));
        Assert.True(reader.Read());
        Assert.Equal("K", reader.GetString(2));
        Assert.False(reader.Read());
    }

    [Fact]
    public async Task MissingFileIsAClearError()
    {
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => ParquetTable.ReadAsync<QnaRow>(Path.Combine(_dir, "nope.parquet")));
        Assert.Contains("nope.parquet", e.Message);
    }
}
