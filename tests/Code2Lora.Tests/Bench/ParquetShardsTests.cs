using Code2Lora.Bench;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Bench;

public class ParquetShardsTests
{
    public sealed class Row
    {
        public string Key { get; set; } = "";
        public int Value { get; set; }
    }

    private static Row[] Rows(int from, int count) => Enumerable.Range(from, count).Select(i => new Row { Key = "k" + i, Value = i }).ToArray();

    [Fact]
    public async Task Appends_write_new_shards_and_full_levels_merge_without_losing_rows()
    {
        using var dir = new TempDir();
        var shards = new ParquetShards<Row>(dir.Sub("t"));
        Assert.Empty(await shards.ReadAllAsync());
        await shards.AppendAsync(Rows(0, 3));
        var first = shards.Shards().Single();
        var bytes = await File.ReadAllBytesAsync(first);
        await shards.AppendAsync(Rows(3, 2));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(first));   // an append never touches what is committed
        for (int i = 2; i < ParquetShards<Row>.MergeFanIn + 3; i++) await shards.AppendAsync(Rows(5 + 10 * i, 1));
        var names = shards.Shards().Select(Path.GetFileName).ToList();
        Assert.Equal(4, names.Count);                               // 16 level-0 shards became one level-1 shard; 3 appended since
        Assert.Contains(names, n => n!.Contains("-L1-"));
        var read = await shards.ReadAllAsync();
        Assert.Equal(5 + ParquetShards<Row>.MergeFanIn + 1, read.Count);
        Assert.Equal(read.Select(r => r.Key).Distinct().Count(), read.Count);
    }

    [Fact]
    public async Task Every_state_a_kill_can_leave_reopens_with_all_committed_rows()
    {
        using var dir = new TempDir();
        var folder = dir.Sub("t");
        var shards = new ParquetShards<Row>(folder);
        await shards.AppendAsync(Rows(0, 4));
        await shards.AppendAsync(Rows(4, 4));
        var committed = shards.Shards();

        // Killed while writing a shard: its temporary file holds half a Parquet file, under a pid that no longer runs.
        var half = (await File.ReadAllBytesAsync(committed[1]))[..100];
        var abandoned = Path.Combine(folder, "part-000000000003-L0-deadbeef.parquet.tmp-2147483646-0123");
        await File.WriteAllBytesAsync(abandoned, half);
        // Killed in a merge after its shard was renamed into place but before its sources were deleted: the rows appear twice.
        File.Copy(committed[1], Path.Combine(folder, "part-000000000002-L1-feedf00d.parquet"));

        var reopened = new ParquetShards<Row>(folder);
        var rows = await reopened.ReadAllAsync();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => "k" + i), rows.Select(r => r.Key).Distinct().OrderBy(k => int.Parse(k[1..])));
        Assert.DoesNotContain(reopened.Shards(), s => s.Contains(".tmp-"));
        await reopened.AppendAsync(Rows(8, 1));                     // the next writer clears what the dead one left
        Assert.False(File.Exists(abandoned));
        Assert.Equal(9, (await reopened.ReadAllAsync()).Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_no_file_and_loses_nothing_committed()
    {
        using var dir = new TempDir();
        var shards = new ParquetShards<Bad>(dir.Sub("t"));
        await shards.AppendAsync([new Bad { Value = 1 }]);
        await Assert.ThrowsAnyAsync<Exception>(() => shards.AppendAsync([new Bad { Value = 2 }, new Bad { Value = -1 }]));
        Assert.Single(shards.Shards());
        Assert.Empty(Directory.GetFiles(shards.Directory, "*.tmp-*"));
        Assert.Equal([1], (await shards.ReadAllAsync()).Select(r => r.Value));
    }

    /// <summary>A row whose serialisation throws part-way through a shard (a negative value).</summary>
    public sealed class Bad
    {
        private int _value;
        public int Value { get => _value < 0 ? throw new IOException("disk gone") : _value; set => _value = value; }
    }
}
