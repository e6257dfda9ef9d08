using Apache.Arrow;
using Code2Lora.Bench;
using Apache.Arrow.Types;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace Code2Lora.Tests.Bench.Released;

/// <summary>
/// Tiny copies of the five released datasets, in their exact column names and physical types (paper-notes §3.5 and the authors'
/// pyarrow writers): vectors are <c>fixed_size_list&lt;halffloat&gt;[dim]</c>, stored in Parquet as a LIST of
/// FIXED_LEN_BYTE_ARRAY(2) with the FLOAT16 logical type; commit timestamps are ISO 8601 strings; zstd pages. They are written by
/// Apache Arrow's C++ Parquet writer (through ParquetSharp.Arrow, the writer pyarrow wraps), independently of the package's
/// readers (DuckDB for released files, Parquet.Net for its own). Repositories: org/alpha, org/beta (train), org/delta (cr_val),
/// org/gamma (cr_test); OOD: new/omega.
/// </summary>
public static class ReleasedFixtures
{
    /// <summary>Width of every fixture vector (the released width).</summary>
    public const int Dim = 2048;

    /// <summary>The fp16 vector of a (repository, commit, kind): deterministic, distinct per key, exactly representable.</summary>
    public static Half[] Vector(string repo, string sha, string kind)
    {
        var seed = (repo + "@" + sha + "#" + kind).Aggregate(17, (h, c) => unchecked(h * 31 + c));
        return Enumerable.Range(0, Dim).Select(i => (Half)(float)Math.Sin(seed % 1000 + 0.37 * i)).ToArray();
    }

    /// <summary>A task prefix the tiny LM can learn to complete with the repository's version string.</summary>
    public static string Prefix(string repo, int i) => $"from {repo.Split('/')[1]} import settings\n\ndef test_{i}():\n    assert settings.VERSION == ";

    /// <summary>The target of every task of <paramref name="repo"/>.</summary>
    public static string Target(string repo) => repo switch { "org/alpha" => "'1.7'", "org/beta" => "'9.2'", "org/delta" => "'2.5'", _ => "'4.0'" };

    /// <summary>Kept commits per repository (sha = repo letter + index), with their in-repo split.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> InRepoSplits = new Dictionary<string, string[]>
    {
        ["org/alpha"] = ["train", "train", "test"], ["org/beta"] = ["train", "train", "val"], ["org/delta"] = ["train", "test"], ["org/gamma"] = ["train", "train"],
        ["new/omega"] = ["train", "test"],
    };

    /// <summary>The sha of a fixture commit.</summary>
    public static string Sha(string repo, int index) => $"{repo.Split('/')[1][0]}{index}".PadRight(40, '0');

    /// <summary>code2lora-static: qna/{5 splits} and repos/{train,cr_val,cr_test}.</summary>
    public static void WriteStatic(string dir)
    {
        var tasks = new List<(string Split, string Repo, int I)>();
        foreach (var repo in new[] { "org/alpha", "org/beta" })
        {
            tasks.AddRange(Enumerable.Range(0, 4).Select(i => (SplitNames.Train, repo, i)));
            tasks.Add((SplitNames.IrVal, repo, 4));
            tasks.AddRange(Enumerable.Range(5, 2).Select(i => (SplitNames.IrTest, repo, i)));
        }
        tasks.AddRange(Enumerable.Range(0, 2).Select(i => (SplitNames.CrVal, "org/delta", i)));
        tasks.AddRange(Enumerable.Range(0, 2).Select(i => (SplitNames.CrTest, "org/gamma", i)));
        foreach (var split in SplitNames.QnaFiles)
        {
            var rows = tasks.Where(t => t.Split == split).ToList();
            new Table()
                .Strings("repo_id", rows.Select(r => r.Repo)).Strings("prefix", rows.Select(r => Prefix(r.Repo, r.I))).Strings("target", rows.Select(r => Target(r.Repo)))
                .Strings("assertion_type", rows.Select(_ => "assert_eq")).Strings("difficulty", rows.Select(_ => "string_literal"))
                .Strings("test_file", rows.Select(r => $"tests/test_{r.I}.py")).Strings("test_function", rows.Select(r => $"test_{r.I}"))
                .Strings("test_class", rows.Select(r => r.I % 2 == 0 ? null : "TestSettings")).Ints("lineno", rows.Select(r => 3 + r.I))
                .Ints("commit_idx", rows.Select(r => r.I + 10))
                .Write(Path.Combine(dir, "qna", split + ".parquet"));
        }
        foreach (var (split, repos) in new[] { (SplitNames.Train, new[] { "org/alpha", "org/beta" }), (SplitNames.CrVal, ["org/delta"]), (SplitNames.CrTest, ["org/gamma"]) })
            new Table().Strings("repo_id", repos).Vectors("embedding", repos.Select(r => Vector(r, "snapshot", "embedding")))
                .Write(Path.Combine(dir, "repos", split + ".parquet"));
    }

    /// <summary>The commit rows of <paramref name="repos"/> (columns of code2lora-evo and code2lora-data-commits).</summary>
    public static Table Commits(IEnumerable<string> repos, string crossRepoSplit, bool withDiff = true, bool withState = true)
    {
        var rows = repos.SelectMany(r => InRepoSplits[r].Select((s, i) => (Repo: r, I: i, InRepo: s))).ToList();
        var table = new Table()
            .Strings("repo_id", rows.Select(r => r.Repo)).Strings("cross_repo_split", rows.Select(_ => crossRepoSplit))
            .Ints("commit_index", rows.Select(r => r.I)).Strings("commit_sha", rows.Select(r => Sha(r.Repo, r.I)))
            .Strings("commit_timestamp", rows.Select(r => $"2025-0{r.I + 1}-1{r.I}T08:30:00+02:00")).Strings("in_repo_split", rows.Select(r => r.InRepo))
            .Strings("production_code_diff", rows.Select(r => $"diff --git a/src/{r.Repo}.py b/src/{r.Repo}.py\n+VERSION = {r.I}\n"))
            .Ints("n_new_assertions", rows.Select(r => r.I + 1)).Ints("n_added_assertions", rows.Select(r => r.I)).Ints("n_modified_assertions", rows.Select(_ => 1));
        if (withDiff) table.Vectors("diff_embedding", rows.Select(r => Vector(r.Repo, Sha(r.Repo, r.I), "diff")));
        if (withState) table.Vectors("repo_state_embedding", rows.Select(r => Vector(r.Repo, Sha(r.Repo, r.I), "state")));
        return table;
    }

    /// <summary>Tasks at the given (repo, commit index) keys, in the evolution track's columns.</summary>
    public static Table CommitTasks(IEnumerable<(string Repo, int Commit)> keys, string crossRepoSplit, bool withSha = true)
    {
        var rows = keys.SelectMany(k => Enumerable.Range(0, 2).Select(j => (k.Repo, k.Commit, J: j))).ToList();
        var table = new Table().Strings("repo_id", rows.Select(r => r.Repo));
        if (withSha) table.Strings("commit_sha", rows.Select(r => Sha(r.Repo, r.Commit)));
        return table.Ints("commit_index", rows.Select(r => r.Commit))
            .Strings("in_repo_split", rows.Select(r => InRepoSplits[r.Repo][r.Commit])).Strings("cross_repo_split", rows.Select(_ => crossRepoSplit))
            .Strings("test_file", rows.Select(_ => "tests/test_settings.py")).Strings("test_function", rows.Select(r => $"test_{r.Commit}_{r.J}"))
            .Strings("prefix", rows.Select(r => Prefix(r.Repo, 10 * r.Commit + r.J))).Strings("target", rows.Select(r => Target(r.Repo)))
            .Strings("assertion_type", rows.Select(_ => "assert_eq")).Strings("assertion_event", rows.Select(_ => "added"))
            .Strings("difficulty", rows.Select(_ => "string_literal")).Ints("lineno", rows.Select(r => 4 + r.J)).Ints("col_offset", rows.Select(_ => 4))
            .Strings("assertion_event_id", rows.Select(r => $"{r.Repo}:{r.Commit}:{r.J}")).Strings("task", rows.Select(_ => "assert_rhs"));
    }

    /// <summary>code2lora-evo: commits/{train,cr_val,cr_test} with both vectors, qna/{5 splits}.</summary>
    public static void WriteEvo(string dir)
    {
        Commits(["org/alpha", "org/beta"], SplitNames.Train).Write(Path.Combine(dir, "commits", "train.parquet"));
        Commits(["org/delta"], SplitNames.CrVal).Write(Path.Combine(dir, "commits", "cr_val.parquet"));
        Commits(["org/gamma"], SplitNames.CrTest).Write(Path.Combine(dir, "commits", "cr_test.parquet"));
        CommitTasks([("org/alpha", 0), ("org/alpha", 1), ("org/beta", 0), ("org/beta", 1)], "train").Write(Path.Combine(dir, "qna", "train.parquet"));
        CommitTasks([("org/beta", 2)], "train").Write(Path.Combine(dir, "qna", "ir_val.parquet"));
        CommitTasks([("org/alpha", 2)], "train").Write(Path.Combine(dir, "qna", "ir_test.parquet"));
        CommitTasks([("org/delta", 1)], "cr_val").Write(Path.Combine(dir, "qna", "cr_val.parquet"));
        CommitTasks([("org/gamma", 0), ("org/gamma", 1)], "cr_test").Write(Path.Combine(dir, "qna", "cr_test.parquet"));
    }

    /// <summary>code2lora-static-anchor: commits/{train (anchors), ir_val, ir_test, cr_val, cr_test} with repo_state_embedding only, qna/{5 splits}.</summary>
    public static void WriteStaticAnchor(string dir)
    {
        // The anchor is each train repository's last in-repo train commit (index 1 for both).
        Keep(Commits(["org/alpha", "org/beta"], "train", withDiff: false), r => r == 1).Write(Path.Combine(dir, "commits", "train.parquet"));
        Keep(Commits(["org/beta"], "train", withDiff: false), r => r == 2).Write(Path.Combine(dir, "commits", "ir_val.parquet"));
        Keep(Commits(["org/alpha"], "train", withDiff: false), r => r == 2).Write(Path.Combine(dir, "commits", "ir_test.parquet"));
        Commits(["org/delta"], "cr_val", withDiff: false).Write(Path.Combine(dir, "commits", "cr_val.parquet"));
        Commits(["org/gamma"], "cr_test", withDiff: false).Write(Path.Combine(dir, "commits", "cr_test.parquet"));
        CommitTasks([("org/alpha", 1), ("org/beta", 1)], "train").Write(Path.Combine(dir, "qna", "train.parquet"));
        CommitTasks([("org/beta", 2)], "train").Write(Path.Combine(dir, "qna", "ir_val.parquet"));
        CommitTasks([("org/alpha", 2)], "train").Write(Path.Combine(dir, "qna", "ir_test.parquet"));
        CommitTasks([("org/delta", 0), ("org/delta", 1)], "cr_val").Write(Path.Combine(dir, "qna", "cr_val.parquet"));
        CommitTasks([("org/gamma", 1)], "cr_test").Write(Path.Combine(dir, "qna", "cr_test.parquet"));
    }

    /// <summary>code2lora-data-commits: commits/{cr_train,cr_val,cr_test,ood_test}, no tasks.</summary>
    public static void WriteDataCommits(string dir)
    {
        Commits(["org/alpha", "org/beta"], "train").Write(Path.Combine(dir, "commits", "cr_train.parquet"));
        Commits(["org/delta"], "cr_val").Write(Path.Combine(dir, "commits", "cr_val.parquet"));
        Commits(["org/gamma"], "cr_test").Write(Path.Combine(dir, "commits", "cr_test.parquet"));
        Commits(["new/omega"], "ood_test").Write(Path.Combine(dir, "commits", "ood_test.parquet"));
    }

    /// <summary>repopeftbench-ood: commits/ood_test, qna_static/ood_test (no commit: the repository's latest state), qna_evo/ood_test.</summary>
    public static void WriteOod(string dir)
    {
        Commits(["new/omega"], "ood_test").Write(Path.Combine(dir, "commits", "ood_test.parquet"));
        CommitTasks([("new/omega", 1)], "ood_test", withSha: false).Write(Path.Combine(dir, "qna_static", "ood_test.parquet"));
        CommitTasks([("new/omega", 0), ("new/omega", 1)], "ood_test").Write(Path.Combine(dir, "qna_evo", "ood_test.parquet"));
    }

    private static Table Keep(Table t, Func<int, bool> commitIndex) => t.Where("commit_index", commitIndex);

    /// <summary>Columns built in C# and written as one Arrow record batch (row group) with pyarrow's defaults for nested types.</summary>
    public sealed class Table
    {
        private readonly List<(Field Field, Func<IEnumerable<int>, IArrowArray> Build)> columns = [];
        private int? rows;
        private readonly List<object> data = [];

        public Table Strings(string name, IEnumerable<string?> values) => Add(name, StringType.Default, values.ToList(), (v, keep) =>
        {
            var b = new StringArray.Builder();
            foreach (var i in keep) { if (v[i] is { } s) b.Append(s); else b.AppendNull(); }
            return b.Build();
        });

        public Table Ints(string name, IEnumerable<int> values) => Add(name, Int32Type.Default, values.ToList(), (v, keep) =>
        {
            var b = new Int32Array.Builder();
            foreach (var i in keep) b.Append(v[i]);
            return b.Build();
        });

        public Table Vectors(string name, IEnumerable<Half[]> values)
        {
            var type = new FixedSizeListType(new Field("item", HalfFloatType.Default, true), Dim);
            return Add(name, type, values.ToList(), (v, keep) =>
            {
                var b = new HalfFloatArray.Builder();
                var n = 0;
                foreach (var i in keep) { foreach (var x in v[i]) b.Append(x); n++; }
                return new FixedSizeListArray(type, n, b.Build(), ArrowBuffer.Empty, 0);
            });
        }

        /// <summary>Keeps the rows whose integer column <paramref name="column"/> passes <paramref name="keep"/>.</summary>
        public Table Where(string column, Func<int, bool> keep)
        {
            var ints = (List<int>)data[columns.FindIndex(c => c.Field.Name == column)];
            filter = Enumerable.Range(0, ints.Count).Where(i => keep(ints[i])).ToList();
            return this;
        }

        private List<int>? filter;

        private Table Add<T>(string name, IArrowType type, List<T> values, Func<List<T>, IEnumerable<int>, IArrowArray> build)
        {
            if (rows is { } n && n != values.Count) throw new ArgumentException($"column {name} has {values.Count} rows, others {n}.");
            rows = values.Count;
            data.Add(values);
            columns.Add((new Field(name, type, true), keep => build(values, keep)));
            return this;
        }

        /// <summary>Writes the table to <paramref name="path"/> (zstd, the Arrow schema stored, as pyarrow's write_table does).</summary>
        public void Write(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var keep = filter ?? Enumerable.Range(0, rows ?? 0).ToList();
            var schema = new Schema(columns.Select(c => c.Field), null);
            var batch = new RecordBatch(schema, columns.Select(c => c.Build(keep)), keep.Count);
            using var props = new WriterPropertiesBuilder().Compression(Compression.Zstd).Build();
            using var arrowProps = new ArrowWriterPropertiesBuilder().StoreSchema().Build();
            using var writer = new FileWriter(path, schema, props, arrowProps);
            writer.WriteRecordBatch(batch);
            writer.Close();
        }
    }
}
