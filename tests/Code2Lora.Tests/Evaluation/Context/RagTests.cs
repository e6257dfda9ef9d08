using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Mining;
using Code2Lora.Tests.Encoders;

namespace Code2Lora.Tests.Evaluation.Context;

public class RagChunkingTests
{
    private static readonly ByteTokenizer Bytes = new();

    [Fact]
    public void Windows_overlap_header_file_rule_and_cap_are_exact()
    {
        var files = new[]
        {
            new SourceFile("docs/readme.md", "RRRR"),
            new SourceFile("a.py", "0123456789abcdef"),
            new SourceFile("tests/test_a.py", "def test(): pass"),   // a test file: never indexed
            new SourceFile("notes.txt", "not an indexed extension"),
        };
        var config = new RagConfig { ChunkTokens = 8, Overlap = 2, MaxChunksPerRepo = 4 };
        var chunks = RepoChunker.Chunk(files, Bytes, config);
        // Step 8 − 2 = 6: [0,8) [6,14) [12,16), then the cap keeps one chunk of the next file in path order.
        Assert.Equal(
        [
            new RepoChunk("a.py", 0, "# File: a.py\n01234567"),
            new RepoChunk("a.py", 1, "# File: a.py\n6789abcd"),
            new RepoChunk("a.py", 2, "# File: a.py\ncdef"),
            new RepoChunk("docs/readme.md", 0, "# File: docs/readme.md\nRRRR"),
        ], chunks);
        Assert.Equal(3, RepoChunker.Chunk(files, Bytes, config with { MaxChunksPerRepo = 3 }).Count);
    }

    [Fact]
    public void Code_tokens_split_identifiers_and_bm25_matches_a_hand_computed_score()
    {
        Assert.Equal(["parse", "http", "response", "max", "len", "3"], CodeTokens.Split("parseHTTPResponse(max_len=3)"));
        var bm25 = new Bm25Index(["alpha beta", "alpha alpha gamma", "delta"]);
        var scores = bm25.Scores("Alpha");
        // N = 3, n(alpha) = 2, avgdl = 2: idf = ln(1 + 1.5/2.5); d0: tf 1, |d| 2 → idf·1; d1: tf 2, |d| 3 → idf·2·2.2/(2 + 1.2·1.375).
        Assert.Equal(0.47000362924573563, scores[0], 12);
        Assert.Equal(0.5665797174469143, scores[1], 12);
        Assert.Equal(0, scores[2]);
    }

    [Fact]
    public async Task Bm25_context_joins_the_top_k_best_first_and_counts_misses()
    {
        using var repo = new ContextRepo("owner/lex", new Dictionary<string, string>
        {
            ["a.py"] = "def load_config(path):\n    return read(path)\n",
            ["b.py"] = "def save_image(img):\n    pass\n",
            ["c.py"] = "def load_image(img):\n    return img\n",
        });
        var rag = await RagContext.CreateAsync([repo.Input], Bytes, new RagConfig { Retriever = RagRetriever.Bm25, K = 2, ChunkTokens = 64, Overlap = 8 });
        var context = rag.ContextFor(repo.Task("img = loadImage(img)\nassert img == "));
        // c.py shares "load", "image" and "img"; b.py "image" and "img"; a.py only "load".
        var top = rag.Retrieve(repo.Task("img = loadImage(img)\nassert img == "), out _);
        Assert.Equal("c.py", top[0].Chunk.Path);
        // Best chunk last, next to the prefix (a left cut drops the least relevant); the paper's order on request.
        Assert.Equal(string.Concat(top.AsEnumerable().Reverse().Select(t => t.Chunk.Text + "\n\n\n")), context);
        Assert.True(top[0].Score >= top[1].Score);
        var paperOrder = await RagContext.CreateAsync([repo.Input], Bytes, rag.Config with { MostRelevantLast = false });
        Assert.Equal(string.Concat(top.Select(t => t.Chunk.Text + "\n\n\n")), paperOrder.ContextFor(repo.Task("img = loadImage(img)\nassert img == ")));

        Assert.Null(rag.ContextFor(new QnaRow { RepoId = "owner/elsewhere", CommitSha = repo.Sha, Prefix = "x" }));
        Assert.Null(rag.ContextFor(new QnaRow { RepoId = "owner/lex", CommitSha = new string('0', 40), Prefix = "x" }));
        Assert.Equal((3, 1), (rag.Coverage.Tasks, rag.Coverage.WithContext));
        Assert.Equal(1, rag.Coverage.Reasons[RepoSnapshots.RepoMissing]);
        Assert.Equal(1, rag.Coverage.Reasons[RepoSnapshots.SnapshotUnreadable]);
        Assert.Single(rag.Problems);
    }

    [Fact]
    public void Table8_sweep_names_and_settings()
    {
        var sweep = RagSweep.Configs();
        Assert.Equal(["rag-512-k3", "rag-512-k5", "rag-512-k10", "rag-256-k5", "rag-256-k10"], sweep.Select(s => s.Name));
        Assert.Equal((256, 10, 64, 300), (sweep[4].Config.ChunkTokens, sweep[4].Config.K, sweep[4].Config.Overlap, sweep[4].Config.MaxChunksPerRepo));
        Assert.Equal("rag", new RagConfig().MethodName);
        Assert.Equal("rag-512-k3-bm25", new RagConfig { Retriever = RagRetriever.Bm25 }.MethodName);
        Assert.Throws<ArgumentException>(() => RagSweep.Configs([(64, 0)]));
    }

    [Fact]
    public void With_context_wraps_any_method_keeping_its_batches()
    {
        var inner = new RecordingMethod();
        var method = ContextMethod.WithContext(inner, new FixedContext("CTX\n"), "fft-rag");
        var task = new QnaRow { RepoId = "r", Prefix = "p" };
        Assert.Equal("fft-rag", method.Name);
        Assert.Equal("CTX\n", method.ContextFor(task));
        method.BeforeBatch([task]);
        Assert.Equal(1, inner.Batches);
        Assert.Equal("rag", ContextMethod.OnBase(new FixedContext("c"), "rag").Name);
    }

    private sealed class RecordingMethod : ICompletionMethod
    {
        public int Batches;
        public string Name => "fft";
        public string? ContextFor(QnaRow task) => null;
        public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => Batches++;
    }

    private sealed class FixedContext(string text) : IContextProvider
    {
        public ContextCoverage Coverage { get; } = new();
        public string? ContextFor(QnaRow task) => text;
    }
}

[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class DenseRagTests
{
    private static readonly ByteTokenizer Bytes = TinyEncoder.Tokenizer;

    [Fact]
    public async Task A_chunk_that_two_snapshots_share_is_embedded_once_and_ranks_as_if_embedded_alone()
    {
        const string shared = "def alpha():\n    return [1, 2, 3]\n";
        using var a = new ContextRepo("owner/a", new Dictionary<string, string> { ["alpha.py"] = shared, ["beta.py"] = "class Beta:\n    name = 'b'\n" });
        using var b = new ContextRepo("owner/b", new Dictionary<string, string> { ["alpha.py"] = shared, ["gamma.py"] = "GAMMA = {'g': 3}\n" });
        var config = new RagConfig { ChunkTokens = 64, Overlap = 8, K = 2 };
        using var model = TinyEncoder.Model();
        var (taskA, taskB) = (a.Task("x = alpha()\n"), b.Task("x = alpha()\n"));

        var both = await RagContext.CreateAsync([a.Input, b.Input], Bytes, config, new Code2Lora.Encoders.ChunkEmbedder(model, Bytes, batchSize: 4));
        await both.PrepareAsync([taskA, taskB]);
        Assert.Equal((2, 3), (both.IndicesBuilt, both.ChunksEmbedded));   // alpha.py once, then beta.py and gamma.py

        var alone = await RagContext.CreateAsync([b.Input], Bytes, config, new Code2Lora.Encoders.ChunkEmbedder(model, Bytes, batchSize: 4));
        await alone.PrepareAsync([taskB]);
        Assert.Equal(2, alone.ChunksEmbedded);
        var (reused, own) = (both.Retrieve(taskB, out _), alone.Retrieve(taskB, out _));
        Assert.Equal(own.Select(t => t.Chunk.Path), reused.Select(t => t.Chunk.Path));
        Assert.All(own.Zip(reused), p => Assert.Equal(p.First.Score, p.Second.Score, 3));
    }

    [Fact]
    public async Task The_chunk_equal_to_the_query_ranks_first_and_a_second_run_embeds_nothing()
    {
        using var repo = new ContextRepo("owner/dense", new Dictionary<string, string>
        {
            ["alpha.py"] = "def alpha():\n    return [1, 2, 3]\n",
            ["beta.py"] = "class Beta:\n    name = 'beta beta beta'\n",
            ["gamma.md"] = "# Gamma\nSome prose about the gamma module.\n",
            ["zeta.py"] = "ZETA = {'k': 'v'}\n",
        });
        var config = new RagConfig { ChunkTokens = 64, Overlap = 8, K = 2 };
        var cacheDir = repo.Scratch("rag-cache");
        var prefix = RepoChunker.Header("beta.py") + "class Beta:\n    name = 'beta beta beta'\n";
        var task = repo.Task(prefix);
        using var model = TinyEncoder.Model();

        var embedder = new Code2Lora.Encoders.ChunkEmbedder(model, Bytes, batchSize: 4);
        var first = await RagContext.CreateAsync([repo.Input], Bytes, config, embedder, cacheDir);
        await first.PrepareAsync([task]);
        var top = first.Retrieve(task, out _);
        Assert.Equal("beta.py", top[0].Chunk.Path);
        Assert.Equal(1.0, top[0].Score, 2);   // the same ids give the same unit vector (fp16 rounding aside)
        Assert.True(top[0].Score > top[1].Score);
        Assert.Equal((1, 0, 4, 1), (first.IndicesBuilt, first.IndicesFromCache, first.ChunksEmbedded, first.QueriesEmbedded));
        var context = first.ContextFor(task);
        Assert.EndsWith(prefix + "\n\n\n", context);          // the best chunk sits last, next to the prefix

        var fresh = new Code2Lora.Encoders.ChunkEmbedder(model, Bytes, batchSize: 4);
        var second = await RagContext.CreateAsync([repo.Input], Bytes, config, fresh, cacheDir);
        await second.PrepareAsync([task]);
        Assert.Equal(context, second.ContextFor(task));
        Assert.Equal((0, 1, 0, 0), (second.IndicesBuilt, second.IndicesFromCache, second.ChunksEmbedded, second.QueriesEmbedded));
        Assert.Equal(0, fresh.ForwardPasses);
        Assert.Equal(first.IndexId, second.IndexId);

        // k is not part of the index: a k-sweep shares the cache; the chunk size is.
        Assert.Equal(first.IndexId, (await RagContext.CreateAsync([repo.Input], Bytes, config with { K = 5 }, fresh, cacheDir)).IndexId);
        Assert.NotEqual(first.IndexId, (await RagContext.CreateAsync([repo.Input], Bytes, config with { ChunkTokens = 32 }, fresh, cacheDir)).IndexId);
        Assert.Throws<ArgumentException>(() => RagContext.CreateAsync([repo.Input], Bytes, config).GetAwaiter().GetResult());
    }

    [Fact]
    public void Prompt_puts_the_context_first_and_counts_it_as_extra_tokens()
    {
        var settings = new CompletionSettings { MaxInputTokens = 20 };
        var (ids, extra, truncated) = CompletionEvaluator.BuildPrompt(Bytes, new CompletionTask("assert ", "1", "# File: a.py\nx = 1\n\n\n"), settings);
        Assert.Equal(12, extra);   // 20 − BOS − 7 prefix bytes: the context was cut on the left, the prefix kept whole
        Assert.True(truncated);
        Assert.Equal("assert ", Bytes.Decode(ids[^7..]));
    }
}
