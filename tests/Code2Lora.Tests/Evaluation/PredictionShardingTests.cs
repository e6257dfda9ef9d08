using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Experiments;
using Code2Lora.Models;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Tests.Evaluation;

/// <summary>The prediction cache resumes task by task, shards are disjoint and complete, and the merge of N shards gives exactly the
/// rows and summaries of one process.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class PredictionShardingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-shards-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly CompletionSettings Settings = new() { BatchSize = 3, MaxNewTokens = 4, MaxInputTokens = 64 };

    private static DecoderLM Model()
    {
        torch.manual_seed(5);
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        model.eval();
        return model;
    }

    private static Dictionary<string, IReadOnlyList<QnaRow>> Splits() => new()
    {
        [SplitNames.CrTest] = Enumerable.Range(0, 10).Select(i => Task($"r{i % 6}", i)).ToList(),
        [SplitNames.IrTest] = Enumerable.Range(10, 8).Select(i => Task($"r{i % 6}", i)).ToList(),
    };

    private static QnaRow Task(string repo, int i) =>
        new() { RepoId = repo, CommitSha = "c", Prefix = $"x{i} = f({i})\nassert x{i} == " + new string('y', i % 4), Target = (i % 3).ToString() };

    /// <summary>Counts decoded batches; throws on batch <paramref name="failAt"/> (a killed process).</summary>
    private sealed class Counting(int failAt = int.MaxValue) : ICompletionMethod
    {
        private readonly BaseModelMethod inner = new("pretrained");
        public int Batches { get; private set; }
        public int Tasks { get; private set; }
        public string Name => inner.Name;
        public string? ContextFor(QnaRow task) => inner.ContextFor(task);
        public void BeforeBatch(IReadOnlyList<QnaRow> tasks)
        {
            if (++Batches == failAt) throw new OperationCanceledException("killed");
            Tasks += tasks.Count;
            inner.BeforeBatch(tasks);
        }
    }

    private static string Summary(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows) => JsonSerializer.Serialize(
        MethodSummary.Of(SplitScore.Of(SplitNames.CrTest, rows[SplitNames.CrTest]), SplitScore.Of(SplitNames.IrTest, rows[SplitNames.IrTest])), Provenance.Json);

    private static string Rows(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows) =>
        JsonSerializer.Serialize(rows.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value));

    [Fact]
    public async Task Merged_shards_give_the_single_process_rows_and_summary_byte_for_byte()
    {
        var model = Model();
        var tokenizer = new ByteTokenizer();
        var single = await new PredictionCache(Path.Combine(_dir, "single")).RunAsync(new Counting(), "base=x", model, tokenizer, Splits(), Settings);

        var sharded = new PredictionCache(Path.Combine(_dir, "sharded"));
        var decoded = 0;
        var seen = new List<(string Split, int Index)>();
        for (var k = 1; k <= 3; k++)
        {
            var part = await sharded.RunAsync(new Counting(), "base=x", model, tokenizer, Splits(), Settings, shard: new Shard(k, 3));
            decoded += part.Decoded;
            seen.AddRange(part.Rows.SelectMany(kv => kv.Value.Select(r => (kv.Key, r.TaskIndex))));
            Assert.All(part.Rows.Values.SelectMany(v => v), r => Assert.True(new Shard(k, 3).Contains(r.RepoId)));
            Assert.All(part.Rows.Values.SelectMany(v => v), r => Assert.Null(r.TargetNll));    // the merge run computes the losses
        }
        Assert.Equal(18, decoded);                                     // every task decoded once, by exactly one shard
        Assert.Equal(18, seen.Distinct().Count());

        var counting = new Counting();
        var merged = await sharded.RunAsync(counting, "base=x", model, tokenizer, Splits(), Settings, mergeOnly: true);
        Assert.Equal((0, 18), (merged.Decoded, merged.LossTasks));     // the merge decodes nothing; it computes the target NLLs,
        Assert.Equal(18, counting.Tasks);                              // one teacher-forced pass over every task and no decoding
        Assert.Equal(Rows(single.Rows), Rows(merged.Rows));
        Assert.Equal(Summary(single.Rows), Summary(merged.Rows));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, "sharded", "pretrained"), "*.jsonl"));   // joined into the Parquet files
    }

    [Fact]
    public async Task A_merge_with_a_shard_missing_names_what_is_missing_and_decodes_nothing()
    {
        var model = Model();
        var cache = new PredictionCache(_dir);
        await cache.RunAsync(new Counting(), "base=x", model, new ByteTokenizer(), Splits(), Settings, shard: new Shard(1, 2));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.RunAsync(new Counting(), "base=x", model, new ByteTokenizer(), Splits(), Settings, mergeOnly: true));
        Assert.Contains("--shard k/N", e.Message);
        Assert.Contains("have no prediction", e.Message);
    }

    [Fact]
    public async Task An_interrupted_evaluation_resumes_with_the_tasks_it_had_not_finished()
    {
        var model = Model();
        var tokenizer = new ByteTokenizer();
        var reference = await new PredictionCache(Path.Combine(_dir, "reference")).RunAsync(new Counting(), "base=x", model, tokenizer, Splits(), Settings);
        var cache = new PredictionCache(Path.Combine(_dir, "resumed"));
        await Assert.ThrowsAsync<OperationCanceledException>(() => cache.RunAsync(new Counting(failAt: 3), "base=x", model, tokenizer, Splits(), Settings));
        var again = new Counting();
        var resumed = await cache.RunAsync(again, "base=x", model, tokenizer, Splits(), Settings);
        Assert.Equal(18 - 6 + 18, again.Tasks);                       // the two finished batches of cr_test were kept; then every task's NLL
        Assert.Equal((12, 18), (resumed.Decoded, resumed.LossTasks));
        Assert.Equal(Rows(reference.Rows), Rows(resumed.Rows));
        var other = new Counting();
        await cache.RunAsync(other, "base=x", model, tokenizer, Splits(), Settings);
        Assert.Equal(0, other.Batches);                               // now saved whole: reused
        var changed = await cache.RunAsync(new Counting(), "base=y", model, tokenizer, Splits(), Settings);
        Assert.Equal((18, 18), (changed.Decoded, changed.LossTasks)); // other weights: nothing stale is reused (predictions nor losses)
    }

    [Fact]
    public void The_shard_of_a_repository_is_its_sha256_modulo_n()
    {
        // Pinned values, reproducible in Python: int(hashlib.sha256(r.encode()).hexdigest()[:16], 16) % n + 1.
        Assert.Equal(7, Shard.Of("psf/black", 8));
        Assert.Equal(8, Shard.Of("python-attrs/attrs", 8));
        Assert.Equal(3, Shard.Of("r0", 8));
        Assert.Equal(new Shard(3, 8), Shard.Parse("3/8"));
        foreach (var bad in new[] { "0/4", "5/4", "3", "a/b", "1/0" })
            Assert.Throws<ArgumentException>(() => Shard.Parse(bad));
    }
}
