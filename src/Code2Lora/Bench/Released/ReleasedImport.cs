using System.Text.Json.Serialization;
using Code2Lora.Encoders;
using static Code2Lora.Bench.Released.ReleasedColumns;

namespace Code2Lora.Bench.Released;

/// <summary>What one released file gave: rows read, where they went, vectors stored, and the columns no table maps.</summary>
public sealed record ReleasedFileReport(
    [property: JsonPropertyName("dataset")] string Dataset, [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("rows")] long Rows, [property: JsonPropertyName("written_to")] string? WrittenTo,
    [property: JsonPropertyName("state_vectors")] int StateVectors, [property: JsonPropertyName("diff_vectors")] int DiffVectors,
    [property: JsonPropertyName("unmapped_columns")] IReadOnlyList<string> UnmappedColumns);

/// <summary>What an import did.</summary>
public sealed record ReleasedImportSummary(string BenchDirectory, IReadOnlyList<ReleasedDataset> Datasets, IReadOnlyList<ReleasedFileReport> Files,
    IReadOnlyList<string> Notes, double Seconds);

/// <summary>
/// Converts released datasets into this package's benchmark layout (<c>{static,evolution}/{qna,commits,repos}/*.parquet</c>, the
/// column names of <see cref="QnaRow"/>, <see cref="CommitRow"/>, <see cref="RepoRow"/>) and embedding store
/// (<c>embeddings/{encoder_id}/</c>, append-only shards keyed by repository and commit), so Static and Evo train and evaluate on the released
/// vectors without running the encoder. Files are streamed in batches of <see cref="BatchRows"/> rows (one output row group each);
/// every column is checked before anything is written, and each track is written to a staging folder that replaces the old one
/// only when the whole track is done.
/// </summary>
public static class ReleasedImport
{
    /// <summary>Rows per batch (and per row group of the written files).</summary>
    public const int BatchRows = 10_000;

    /// <summary>Imports <paramref name="datasets"/> into <paramref name="benchDir"/> and records them in its manifest.</summary>
    public static async Task<ReleasedImportSummary> RunAsync(IReadOnlyList<ReleasedDataset> datasets, string benchDir, string command,
        IProgress<BenchProgress>? progress = null, CancellationToken cancel = default, int batchRows = BatchRows)
    {
        if (batchRows <= 0) throw new ArgumentException($"batchRows must be positive, got {batchRows}.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var clash = datasets.SelectMany(d => d.Tracks.Select(t => (d.Name, Track: t))).GroupBy(x => x.Track).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"{string.Join(" and ", clash.Select(x => x.Name))} both fill the {clash.Key} track; import them into separate folders (--to).");
        ReleasedManifest.CheckTarget(benchDir, datasets);
        var notes = new List<string>();
        foreach (var d in datasets) CheckColumns(d, notes);

        var reports = new List<ReleasedFileReport>();
        foreach (var d in datasets)
            reports.AddRange(await ImportAsync(d, benchDir, batchRows, notes, progress, cancel));
        var summary = new ReleasedImportSummary(benchDir, datasets, reports, notes, clock.Elapsed.TotalSeconds);
        ReleasedManifest.Write(benchDir, summary, command);
        return summary;
    }

    /// <summary>Opens every present file of <paramref name="dataset"/> and checks its required columns, so a wrong file fails before any write.</summary>
    private static void CheckColumns(ReleasedDataset dataset, List<string> notes)
    {
        var present = 0;
        foreach (var f in dataset.Files)
        {
            var path = Path.Combine(dataset.Directory, f.RelativePath);
            if (!File.Exists(path))
            {
                notes.Add($"{dataset.Name}: {f.RelativePath} is not in {dataset.Directory}; its {f.Track} {f.Split} rows are not imported.");
                continue;
            }
            present++;
            using var file = ReleasedParquetFile.Open(path);
            file.Require(Required(f.Table), dataset.Name);
        }
        foreach (var (file, why) in dataset.NotImported)
            if (File.Exists(Path.Combine(dataset.Directory, file))) notes.Add($"{dataset.Name}: {file} not imported: {why}.");
        if (present == 0)
            throw new FileNotFoundException($"{dataset.Directory} holds none of {dataset.Name}'s files ({string.Join(", ", dataset.Files.Select(f => f.RelativePath))}).");
    }

    private static async Task<IReadOnlyList<ReleasedFileReport>> ImportAsync(ReleasedDataset dataset, string benchDir, int batchRows, List<string> notes,
        IProgress<BenchProgress>? progress, CancellationToken cancel)
    {
        var encoderId = ReleasedVectors.EncoderFor(dataset.Kind);
        var store = await EmbeddingStore.OpenAsync(Path.Combine(benchDir, "embeddings"), encoderId);
        var staging = dataset.Tracks.ToDictionary(t => t, t => Path.Combine(benchDir, $".import-{t}"));
        foreach (var dir in staging.Values)
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);   // left by an interrupted import

        var repos = new RepoRegistry(dataset);
        var reports = new List<ReleasedFileReport>();
        foreach (var f in dataset.Files)
        {
            var path = Path.Combine(dataset.Directory, f.RelativePath);
            if (!File.Exists(path)) continue;
            using var file = ReleasedParquetFile.Open(path);
            var mapped = Required(f.Table).Concat(Optional(f.Table)).Where(file.Has).Distinct().ToList();
            var unmapped = file.Columns.Keys.Except(mapped).Except(DerivedFromFile).ToList();
            var report = new FileImport(dataset, f, file, mapped, batchRows, progress, cancel);
            var written = f.Table switch
            {
                ReleasedTable.StaticRepos => report.Vectors(row => repos.Snapshot(row.RequiredString(RepoId), f.Split, store, row.Vector(Embedding))),
                ReleasedTable.StateCommits => report.Vectors(row => repos.Commit(row, f.Split, store, withDiff: false)),
                ReleasedTable.Commits => await report.RowsAsync(Path.Combine(staging[f.Track], "commits", f.Split + ".parquet"), row =>
                {
                    repos.Commit(row, f.Split, store, withDiff: true);
                    return CommitOf(row, f.Split);
                }),
                _ => await report.RowsAsync(Path.Combine(staging[f.Track], "qna", f.Split + ".parquet"), row =>
                {
                    var task = TaskOf(row, f, repos);
                    repos.CountTask(f.Track, task);
                    return task;
                }),
            };
            reports.Add(new ReleasedFileReport(dataset.Name, f.RelativePath, report.Rows,
                written is null ? null : Path.GetRelativePath(benchDir, written.Replace($".import-{f.Track}", f.Track)),
                report.StateVectors, report.DiffVectors, unmapped));
        }
        notes.AddRange(repos.Problems());

        foreach (var (track, dir) in staging)
        {
            foreach (var split in new[] { SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest })
            {
                var rows = repos.Rows(track, split);
                if (rows.Count > 0) await ParquetTable.WriteAsync(Path.Combine(dir, "repos", split + ".parquet"), rows);
            }
        }
        // Vectors first: a track is only published once the vectors its tasks need are on disk.
        await store.FlushAsync(ReleasedVectors.Description(encoderId, dataset.Name, Path.GetFullPath(dataset.Directory)));
        foreach (var (track, dir) in staging)
        {
            var target = Path.Combine(benchDir, track);
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            if (Directory.Exists(dir)) Directory.Move(dir, target);
        }
        return reports;
    }

    private static CommitRow CommitOf(ReleasedParquetFile.ReleasedRow row, string split) => new()
    {
        RepoId = row.RequiredString(RepoId), CommitSha = row.RequiredString(CommitSha), CommitIndex = row.Int(CommitIndex),
        CrossRepoSplit = split, InRepoSplit = row.RequiredString(InRepoSplit),
        CommitTimestamp = row.Timestamp(CommitTimestamp, DateTime.UnixEpoch), ProductionCodeDiff = row.String(ProductionCodeDiff) ?? "",
        NewAssertions = row.Int(NewAssertions), AddedAssertions = row.Int(AddedAssertions), ModifiedAssertions = row.Int(ModifiedAssertions),
    };

    private static QnaRow TaskOf(ReleasedParquetFile.ReleasedRow row, ReleasedFile f, RepoRegistry repos)
    {
        var repo = row.RequiredString(RepoId);
        return new QnaRow
        {
            RepoId = repo, Prefix = row.String(Prefix) ?? "", Target = row.String(Target) ?? "",
            AssertionType = row.String(AssertionType) ?? "", Difficulty = row.String(Difficulty) ?? "", TestFile = row.String(TestFile) ?? "",
            TestFunction = row.String(TestFunction), TestClass = row.String(TestClass), LineNo = row.Int(LineNo), ColOffset = row.Int(ColOffset),
            CommitIndex = row.Int(CommitIndex, row.Int(CommitIdx)),
            CommitSha = f.Table == ReleasedTable.CommitQna ? row.RequiredString(CommitSha) : row.String(CommitSha) ?? repos.StaticStateOf(repo),
            AssertionEventId = row.String(AssertionEventId), Split = f.Split, Track = f.Track,
        };
    }

    /// <summary>Streams one file: rows into an output table (batched row groups) and/or vectors into the store, with progress.</summary>
    private sealed class FileImport(ReleasedDataset dataset, ReleasedFile f, ReleasedParquetFile file, IReadOnlyList<string> columns, int batchRows,
        IProgress<BenchProgress>? progress, CancellationToken cancel)
    {
        public long Rows { get; private set; }
        public int StateVectors { get; set; }
        public int DiffVectors { get; set; }

        /// <summary>Runs <paramref name="each"/> on every row (it stores vectors and returns how many of each kind); writes no table.</summary>
        public string? Vectors(Func<ReleasedParquetFile.ReleasedRow, (int States, int Diffs)> each)
        {
            foreach (var row in file.Read(columns))
            {
                var (s, d) = each(row);
                (StateVectors, DiffVectors) = (StateVectors + s, DiffVectors + d);
                Tick();
            }
            Report();
            return null;
        }

        /// <summary>Maps every row to <typeparamref name="T"/> and writes them to <paramref name="target"/> in row groups of batchRows rows.</summary>
        public async Task<string?> RowsAsync<T>(string target, Func<ReleasedParquetFile.ReleasedRow, T> map) where T : class, new()
        {
            using var output = new ParquetAppender<T>(target, _ => 0, rowGroupRows: batchRows);
            foreach (var row in file.Read(columns))
            {
                output.Add(map(row));
                Tick();
            }
            await Task.Run(output.Complete, cancel);
            if (f.Table == ReleasedTable.Commits) (StateVectors, DiffVectors) = ((int)Rows, (int)Rows);
            Report();
            return target;
        }

        private void Tick()
        {
            cancel.ThrowIfCancellationRequested();
            if (++Rows % 1000 == 0) Report();
        }

        private void Report() => progress?.Report(new BenchProgress($"{dataset.Name} {f.RelativePath}", (int)Math.Min(Rows, int.MaxValue), (int)Math.Min(file.Rows, int.MaxValue), null));
    }

    /// <summary>The repositories a dataset's files mention: split, the state its static tasks are keyed by, tasks per track.</summary>
    private sealed class RepoRegistry(ReleasedDataset dataset)
    {
        private sealed class Repo
        {
            public string Split = "";
            public string? StaticState, LastSha, AnchorSha;
            public int LastIndex = -1;
            public readonly Dictionary<string, int> Tasks = new(StringComparer.Ordinal);
        }

        private readonly Dictionary<string, Repo> repos = new(StringComparer.Ordinal);
        private readonly HashSet<(string Repo, string Sha)> states = [];
        private int tasksWithoutState;

        private Repo Get(string repo, string split)
        {
            if (!repos.TryGetValue(repo, out var r)) repos[repo] = r = new Repo();
            // ir_val / ir_test files hold the training repositories' later commits: the repository's cross-repo split is train.
            var crossRepo = split is SplitNames.IrVal or SplitNames.IrTest ? SplitNames.Train : split;
            if (r.Split == "" || crossRepo == SplitNames.Train) r.Split = crossRepo;
            return r;
        }

        /// <summary>code2lora-static's one vector per repository.</summary>
        public (int, int) Snapshot(string repo, string split, EmbeddingStore store, float[] vector)
        {
            var r = Get(repo, split);
            r.StaticState = ReleasedVectors.StaticSnapshot;
            store.Add(EmbeddingKey.ForState(repo, ReleasedVectors.StaticSnapshot), vector);
            states.Add((repo, ReleasedVectors.StaticSnapshot));
            return (1, 0);
        }

        /// <summary>A commit row: its state (and diff) vectors; the repository's last commit and, from a train file, its anchor.</summary>
        public (int, int) Commit(ReleasedParquetFile.ReleasedRow row, string split, EmbeddingStore store, bool withDiff)
        {
            var (repo, sha, index) = (row.RequiredString(RepoId), row.RequiredString(CommitSha), row.Int(CommitIndex));
            var r = Get(repo, split);
            store.Add(EmbeddingKey.ForState(repo, sha), row.Vector(RepoStateEmbedding));
            states.Add((repo, sha));
            if (withDiff) store.Add(EmbeddingKey.ForDiff(repo, sha), row.Vector(DiffEmbedding));
            if (index >= r.LastIndex) (r.LastIndex, r.LastSha) = (index, sha);
            if (split == SplitNames.Train && dataset.Kind == ReleasedDatasetKind.StaticAnchor) r.AnchorSha = sha;
            return (1, withDiff ? 1 : 0);
        }

        /// <summary>The state a static task without a commit is keyed by: code2lora-static's snapshot, else the repository's last commit.</summary>
        public string StaticStateOf(string repo) =>
            repos.TryGetValue(repo, out var r) ? r.StaticState ?? r.LastSha ?? ReleasedVectors.StaticSnapshot : ReleasedVectors.StaticSnapshot;

        public void CountTask(string track, QnaRow task)
        {
            var r = Get(task.RepoId, task.Split);
            r.Tasks[track] = r.Tasks.GetValueOrDefault(track) + 1;
            if (!states.Contains((task.RepoId, task.CommitSha))) tasksWithoutState++;
        }

        /// <summary>The repos table of one track and split: every repository that has a vector, with the state it is keyed by (the
        /// anchor for a trained one in code2lora-static-anchor, else the last kept commit).</summary>
        public IReadOnlyList<RepoRow> Rows(string track, string split) => repos
            .Where(kv => kv.Value.Split == split && (kv.Value.StaticState ?? kv.Value.AnchorSha ?? kv.Value.LastSha) is not null)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new RepoRow
            {
                RepoId = kv.Key, Split = split, SnapshotSha = kv.Value.StaticState ?? kv.Value.AnchorSha ?? kv.Value.LastSha ?? "",
                Provenance = $"released:{dataset.Name}", Tasks = kv.Value.Tasks.GetValueOrDefault(track),
            }).ToList();

        public IEnumerable<string> Problems()
        {
            if (tasksWithoutState > 0)
                yield return $"{dataset.Name}: {tasksWithoutState} tasks are at a repository state the dataset has no vector for; " +
                             "Static and Evo cannot score them without `c2l embed` on the repositories.";
        }
    }
}
