namespace Code2Lora.Bench.Released;

/// <summary>The authors' released datasets this package imports (paper-notes §3.5).</summary>
public enum ReleasedDatasetKind
{
    /// <summary><c>code2lora-static</c>: the static track (Table 2): qna/* and repos/* with a 2048-d fp16 <c>embedding</c> per repository.</summary>
    Static,
    /// <summary><c>code2lora-static-anchor</c>: the Static reference on the evolution track: qna/* and commits/* with per-commit <c>repo_state_embedding</c>.</summary>
    StaticAnchor,
    /// <summary><c>code2lora-evo</c>: the evolution track (Table 3): qna/* and commits/* with <c>diff_embedding</c> and <c>repo_state_embedding</c>.</summary>
    Evo,
    /// <summary><c>code2lora-data-commits</c>: commit rows with both vectors, no tasks (commits/{cr_train,cr_val,cr_test,ood_test}).</summary>
    DataCommits,
    /// <summary><c>repopeftbench-ood</c>: the temporal OOD test (Table 4): commits/ood_test, qna_static/ood_test, qna_evo/ood_test.</summary>
    Ood,
}

/// <summary>What a released file holds, which decides its required columns and where its rows go.</summary>
public enum ReleasedTable
{
    /// <summary>Static-track tasks (no commit needed): repo_id, prefix, target, …, commit_idx.</summary>
    StaticQna,
    /// <summary>One vector per repository: repo_id, embedding.</summary>
    StaticRepos,
    /// <summary>Tasks tied to a commit: repo_id, commit_sha, prefix, target, ….</summary>
    CommitQna,
    /// <summary>Kept commits with their diff and both vectors (evolution track).</summary>
    Commits,
    /// <summary>Anchor/per-commit repository states only (code2lora-static-anchor commits/*).</summary>
    StateCommits,
}

/// <summary>One file of a released dataset: its path inside the dataset, what it holds, the split and track its rows go to.</summary>
/// <param name="RelativePath">e.g. "qna/train.parquet".</param>
/// <param name="Table">What it holds.</param>
/// <param name="Split">This package's split name for its rows (train, cr_val, cr_test, ir_val, ir_test).</param>
/// <param name="Track">"static" or "evolution": the benchmark track it fills.</param>
public sealed record ReleasedFile(string RelativePath, ReleasedTable Table, string Split, string Track);

/// <summary>A released dataset in a folder (as downloaded from the Hub), with the files it is made of.</summary>
public sealed record ReleasedDataset(ReleasedDatasetKind Kind, string Directory)
{
    /// <summary>The static and evolution track names.</summary>
    public const string StaticTrack = "static", EvolutionTrack = "evolution";

    private static readonly IReadOnlyDictionary<string, ReleasedDatasetKind> ByName = new Dictionary<string, ReleasedDatasetKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["code2lora-static"] = ReleasedDatasetKind.Static,
        ["code2lora-static-anchor"] = ReleasedDatasetKind.StaticAnchor,
        ["code2lora-evo"] = ReleasedDatasetKind.Evo,
        ["code2lora-data-commits"] = ReleasedDatasetKind.DataCommits,
        ["repopeftbench-ood"] = ReleasedDatasetKind.Ood,
    };

    /// <summary>The dataset's name on the Hub (code2lora/&lt;name&gt;).</summary>
    public string Name => ByName.First(kv => kv.Value == Kind).Key;

    /// <summary>The names this package knows.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys.ToList();

    /// <summary>The files of the dataset, in import order (tasks after the commits that give their vectors).</summary>
    public IReadOnlyList<ReleasedFile> Files => Kind switch
    {
        ReleasedDatasetKind.Static =>
        [
            .. new[] { SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest }.Select(s => new ReleasedFile($"repos/{s}.parquet", ReleasedTable.StaticRepos, s, StaticTrack)),
            .. SplitNames.QnaFiles.Select(s => new ReleasedFile($"qna/{s}.parquet", ReleasedTable.StaticQna, s, StaticTrack)),
        ],
        ReleasedDatasetKind.StaticAnchor =>
        [
            .. SplitNames.QnaFiles.Select(s => new ReleasedFile($"commits/{s}.parquet", ReleasedTable.StateCommits, s, StaticTrack)),
            .. SplitNames.QnaFiles.Select(s => new ReleasedFile($"qna/{s}.parquet", ReleasedTable.CommitQna, s, StaticTrack)),
        ],
        ReleasedDatasetKind.Evo =>
        [
            .. new[] { SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest }.Select(s => new ReleasedFile($"commits/{s}.parquet", ReleasedTable.Commits, s, EvolutionTrack)),
            .. SplitNames.QnaFiles.Select(s => new ReleasedFile($"qna/{s}.parquet", ReleasedTable.CommitQna, s, EvolutionTrack)),
        ],
        ReleasedDatasetKind.DataCommits =>
        [
            new ReleasedFile("commits/cr_train.parquet", ReleasedTable.Commits, SplitNames.Train, EvolutionTrack),
            new ReleasedFile("commits/cr_val.parquet", ReleasedTable.Commits, SplitNames.CrVal, EvolutionTrack),
            new ReleasedFile("commits/cr_test.parquet", ReleasedTable.Commits, SplitNames.CrTest, EvolutionTrack),
        ],
        // The OOD repositories are unseen ones, scored like cross-repo test: their ood_test split becomes cr_test (in its own benchmark folder).
        ReleasedDatasetKind.Ood =>
        [
            new ReleasedFile("commits/ood_test.parquet", ReleasedTable.Commits, SplitNames.CrTest, EvolutionTrack),
            new ReleasedFile("qna_static/ood_test.parquet", ReleasedTable.StaticQna, SplitNames.CrTest, StaticTrack),
            new ReleasedFile("qna_evo/ood_test.parquet", ReleasedTable.CommitQna, SplitNames.CrTest, EvolutionTrack),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>Files of the dataset that are released but deliberately not imported, with the reason.</summary>
    public IReadOnlyList<(string File, string Why)> NotImported => Kind == ReleasedDatasetKind.DataCommits
        ? [("commits/ood_test.parquet", "the OOD repositories form their own test; import repopeftbench-ood into its own benchmark folder")]
        : [];

    /// <summary>The tracks the dataset fills.</summary>
    public IReadOnlyList<string> Tracks => Files.Select(f => f.Track).Distinct().ToList();

    /// <summary>The dataset in <paramref name="directory"/>: by <paramref name="name"/> when given, else by a path component that
    /// names a released dataset (a plain download folder or the Hub cache's datasets--code2lora--&lt;name&gt;), else by its layout.</summary>
    public static ReleasedDataset Detect(string directory, string? name = null)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"no folder {directory}.");
        if (name is not null)
            return ByName.TryGetValue(name, out var named) ? new ReleasedDataset(named, directory)
                : throw new ArgumentException($"'{name}' is not a released dataset this package imports ({string.Join(", ", ByName.Keys)}).");
        foreach (var part in Path.GetFullPath(directory).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            foreach (var (known, kind) in ByName)
                if (part.Equals(known, StringComparison.OrdinalIgnoreCase) || part.EndsWith("--" + known, StringComparison.OrdinalIgnoreCase))
                    return new ReleasedDataset(kind, directory);
        return ByLayout(directory) is { } kindOf ? new ReleasedDataset(kindOf, directory)
            : throw new InvalidDataException($"{directory} does not look like a released dataset (no qna/, repos/, commits/ or qna_static/ folder of Parquet files); " +
                                             $"pass --dataset with one of {string.Join(", ", ByName.Keys)}.");
    }

    /// <summary>The released datasets in <paramref name="directory"/>: the folder itself when it is one, else each sub-folder that is.</summary>
    public static IReadOnlyList<ReleasedDataset> Find(string directory, string? name = null)
    {
        if (name is not null || ByLayout(directory) is not null) return [Detect(directory, name)];
        var found = System.IO.Directory.Exists(directory)
            ? System.IO.Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal).Where(d => ByLayout(d) is not null).Select(d => Detect(d)).ToList()
            : throw new DirectoryNotFoundException($"no folder {directory}.");
        return found.Count > 0 ? found : [Detect(directory)];
    }

    private static ReleasedDatasetKind? ByLayout(string dir)
    {
        bool Has(string sub) => System.IO.Directory.Exists(Path.Combine(dir, sub)) && System.IO.Directory.EnumerateFiles(Path.Combine(dir, sub), "*.parquet").Any();
        if (Has("qna_static") || Has("qna_evo")) return ReleasedDatasetKind.Ood;
        if (Has("repos")) return ReleasedDatasetKind.Static;
        if (Has("commits") && !Has("qna")) return ReleasedDatasetKind.DataCommits;
        if (!Has("commits")) return null;
        // Both evolution datasets have commits/ and qna/; only code2lora-evo's commits carry diff vectors.
        var probe = System.IO.Directory.EnumerateFiles(Path.Combine(dir, "commits"), "*.parquet").Order(StringComparer.Ordinal).First();
        using var file = ReleasedParquetFile.Open(probe);
        return file.Has(ReleasedColumns.DiffEmbedding) ? ReleasedDatasetKind.Evo : ReleasedDatasetKind.StaticAnchor;
    }
}
