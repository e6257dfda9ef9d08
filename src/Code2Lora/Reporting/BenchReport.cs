using System.Text;
using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Runtime;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Plotly.NET.CSharp;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>The rows of a built benchmark folder, loaded once for reports and notebooks.</summary>
public sealed record BenchData(IReadOnlyList<QnaRow> StaticTasks, IReadOnlyList<RepoRow> StaticRepos,
    IReadOnlyList<QnaRow> EvolutionTasks, IReadOnlyList<RepoRow> EvolutionRepos, IReadOnlyList<CommitRow> Commits)
{
    /// <summary>Reads every Parquet file of a benchmark folder written by <see cref="BenchBuild"/> or <c>c2l bench import</c>; a file
    /// lacking one of the columns is an error naming it (a released file must go through <c>c2l bench import</c> first).</summary>
    public static async Task<BenchData> LoadAsync(string benchDir)
    {
        if (!File.Exists(Path.Combine(benchDir, "manifest.json")))
            throw new DirectoryNotFoundException($"{benchDir} is not a built benchmark (no manifest.json); run `c2l bench build` first, " +
                                                 "or `c2l bench import` for the released datasets.");
        async Task<List<T>> All<T>(string track, string kind, IEnumerable<string> splits) where T : class, new()
        {
            var rows = new List<T>();
            foreach (var s in splits)
            {
                var p = Path.Combine(benchDir, track, kind, s + ".parquet");
                if (File.Exists(p)) rows.AddRange(await ParquetTable.ReadExactAsync<T>(p));
            }
            return rows;
        }
        string[] repoSplits = [SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest];
        return new BenchData(
            await All<QnaRow>("static", "qna", SplitNames.QnaFiles), await All<RepoRow>("static", "repos", repoSplits),
            await All<QnaRow>("evolution", "qna", SplitNames.QnaFiles), await All<RepoRow>("evolution", "repos", repoSplits),
            await All<CommitRow>("evolution", "commits", repoSplits));
    }
}

/// <summary>Statistics of a built benchmark: Markdown tables and figures (paper-notes Tables 1/5 and §3.4 analogues).</summary>
public static class BenchReport
{
    /// <summary>Tasks, repositories and tasks per repository for each split of a track (the Table 1 analogue).</summary>
    public static DataFrame SplitTable(IReadOnlyList<QnaRow> tasks)
    {
        var splits = SplitNames.QnaFiles.Where(s => tasks.Any(t => t.Split == s)).ToList();
        var repos = splits.Select(s => tasks.Where(t => t.Split == s).Select(t => t.RepoId).Distinct().Count()).ToList();
        var counts = splits.Select(s => tasks.Count(t => t.Split == s)).ToList();
        return new DataFrame(
            new StringDataFrameColumn("split", splits),
            new Int32DataFrameColumn("repos", repos),
            new Int32DataFrameColumn("tasks", counts),
            new DoubleDataFrameColumn("tasks_per_repo", counts.Zip(repos, (c, r) => r == 0 ? 0.0 : (double)c / r)));
    }

    /// <summary>Share of tasks per value of a column (assertion type, difficulty, task kind), per track.</summary>
    public static DataFrame Shares(IReadOnlyList<QnaRow> tasks, Func<QnaRow, string> key, string name)
    {
        var groups = tasks.GroupBy(key).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        return new DataFrame(
            new StringDataFrameColumn(name, groups.Select(g => g.Key)),
            new Int32DataFrameColumn("tasks", groups.Select(g => g.Count())),
            new DoubleDataFrameColumn("percent", groups.Select(g => tasks.Count == 0 ? 0 : 100.0 * g.Count() / tasks.Count)));
    }

    /// <summary>Mean / median / p95 / max of a length over tasks.</summary>
    public static DataFrame Lengths(params (string Name, IReadOnlyList<int> Values)[] series)
    {
        static double Pct(int[] s, double p) => s.Length == 0 ? 0 : s[Math.Min(s.Length - 1, (int)Math.Ceiling(p * s.Length) - 1)];
        var sorted = series.Select(x => x.Values.OrderBy(v => v).ToArray()).ToList();
        return new DataFrame(
            new StringDataFrameColumn("length", series.Select(s => s.Name)),
            new DoubleDataFrameColumn("mean", sorted.Select(s => s.Length == 0 ? 0 : s.Average())),
            new DoubleDataFrameColumn("median", sorted.Select(s => Pct(s, 0.5))),
            new DoubleDataFrameColumn("p95", sorted.Select(s => Pct(s, 0.95))),
            new DoubleDataFrameColumn("max", sorted.Select(s => s.Length == 0 ? 0.0 : s[^1])));
    }

    /// <summary>Tasks per repository as a bar chart coloured by split.</summary>
    public static GenericChart TasksPerRepo(IReadOnlyList<QnaRow> tasks, string title)
    {
        var perRepo = tasks.GroupBy(t => t.RepoId).Select(g => (Repo: g.Key, Split: CrossSplit(g), N: g.Count())).OrderByDescending(x => x.N).ToList();
        var bars = perRepo.GroupBy(x => x.Split).OrderBy(g => g.Key).Select(g =>
            CS.Chart.Column<int, string, string>(values: g.Select(x => x.N).ToArray(), Keys: g.Select(x => x.Repo).ToArray(), Name: g.Key));
        return Titled(CS.Chart.Combine(bars), title, "repository", "tasks");
    }

    /// <summary>Grouped horizontal bars: for each track, the share of its own tasks per value of <paramref name="key"/>.</summary>
    public static GenericChart ShareChart(IEnumerable<(string Track, IReadOnlyList<QnaRow> Tasks)> tracks, Func<QnaRow, string> key, string title)
    {
        var bars = tracks.Where(t => t.Tasks.Count > 0).Select(t =>
        {
            var shares = Shares(t.Tasks, key, "value");
            var keys = shares.Columns[0].Cast<string>().ToArray();
            var pct = shares.Columns["percent"].Cast<double?>().Select(v => v ?? 0).ToArray();
            return CS.Chart.Bar<double, string, string>(values: pct, Keys: keys, Name: t.Track);
        });
        return Titled(CS.Chart.Combine(bars), title, "% of the track's tasks", "");
    }

    /// <summary>Overlaid histograms of prefix and target lengths (characters), per track.</summary>
    public static GenericChart LengthHistogram(IEnumerable<(string Name, IReadOnlyList<int> Values)> series, string title, string xTitle)
    {
        var hists = series.Select(s => CS.Chart.Histogram<int, int, string>(X: s.Values.ToArray(), Name: s.Name, Opacity: 0.6));
        return Titled(CS.Chart.Combine(hists), title, xTitle, "tasks");
    }

    /// <summary>Kept commits per repository of the evolution track, coloured by cross-repo split.</summary>
    public static GenericChart CommitsPerRepo(IReadOnlyList<CommitRow> commits)
    {
        var perRepo = commits.GroupBy(c => (c.RepoId, c.CrossRepoSplit)).Select(g => (g.Key.RepoId, g.Key.CrossRepoSplit, N: g.Count())).OrderByDescending(x => x.N).ToList();
        var bars = perRepo.GroupBy(x => x.CrossRepoSplit).OrderBy(g => g.Key).Select(g =>
            CS.Chart.Column<int, string, string>(values: g.Select(x => x.N).ToArray(), Keys: g.Select(x => x.RepoId).ToArray(), Name: g.Key));
        return Titled(CS.Chart.Combine(bars), "Evolution track: kept commits per repository", "repository", "kept commits");
    }

    private static string CrossSplit(IEnumerable<QnaRow> repoTasks)
    {
        var s = repoTasks.Select(t => t.Split).ToHashSet();
        return s.Contains(SplitNames.CrTest) ? SplitNames.CrTest : s.Contains(SplitNames.CrVal) ? SplitNames.CrVal : SplitNames.Train;
    }

    internal static GenericChart Titled(GenericChart chart, string title, string x, string y)
    {
        chart = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        return chart.WithXAxisStyle<double, double, string>(TitleText: x).WithYAxisStyle<double, double, string>(TitleText: y);
    }

    /// <summary>The stats' columns and keys a build measures of itself (they differ on every run of the same benchmark).</summary>
    private static readonly string[] MeasuredMiningKeys = ["seconds", "peak_rss_mib"];

    /// <summary>The per-repository mining record of a build's manifest (empty for a build that has none).</summary>
    public static IReadOnlyList<RepoMiningStats> MiningStats(string benchDir)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(benchDir, "manifest.json")));
        return manifest.RootElement.TryGetProperty("evolution_mining", out var mining)
            ? mining.Deserialize<List<RepoMiningStats>>(Provenance.Json) ?? []
            : [];
    }

    /// <summary>What the evolution track was mined from, said so that forge results are never read as real ones (docs/forge.md).</summary>
    internal static string EvolutionSources(IEnumerable<RepoRow> repos)
    {
        var list = repos.ToList();
        int forge = list.Count(r => r.RepoId.StartsWith("forge/", StringComparison.Ordinal));
        var parts = new List<string>();
        if (list.Count > forge) parts.Add($"{Counts.Of(list.Count - forge, "real git history", "real git histories")}");
        if (forge > 0) parts.Add($"{Counts.Of(forge, "forge repository", "forge repositories")} (the project's controlled synthetic benchmark, not real code)");
        return parts.Count == 0 ? "no repositories" : string.Join(" and ", parts);
    }

    /// <summary>Writes stats.md, stats.json and the figures of a benchmark into <paramref name="outDir"/>; returns the files written.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(string benchDir, string outDir, string command, bool png = true)
    {
        var data = await BenchData.LoadAsync(benchDir);
        OutputFolder.Check(outDir);
        var written = new List<string>();
        var provenance = Provenance.Capture(command);
        var md = new StringBuilder();
        md.AppendLine("# RepoPeftBench statistics").AppendLine();
        md.AppendLine($"Built from `{Config.RepoPaths.Relative(benchDir)}`. Command: `{command}`. Code: `{Provenance.CodeVersion()}`.").AppendLine();
        md.AppendLine($"Static track: real code ({Counts.Of(data.StaticRepos.Count, "repository", "repositories")}: Debian packages, real histories at HEAD and any repositories given). "
                      + $"Evolution track: {EvolutionSources(data.EvolutionRepos)}.").AppendLine();
        foreach (var (name, tasks) in new[] { ("Static track", data.StaticTasks), ("Evolution track", data.EvolutionTasks) })
        {
            md.AppendLine($"## {name}").AppendLine();
            if (tasks.Count == 0)
            {
                md.AppendLine("No tasks: this benchmark has no repository in this track.").AppendLine();
                continue;
            }
            md.AppendLine(Tables.ToMarkdown(SplitTable(tasks), 1));
            md.AppendLine("Assertion types").AppendLine().AppendLine(Tables.ToMarkdown(Shares(tasks, t => t.AssertionType, "assertion_type"), 1));
            md.AppendLine("Difficulty classes").AppendLine().AppendLine(Tables.ToMarkdown(Shares(tasks, t => t.Difficulty, "difficulty"), 1));
            if (tasks.Any(t => t.TaskKind != "unknown"))
                md.AppendLine("Task kinds (forge label)").AppendLine().AppendLine(Tables.ToMarkdown(Shares(tasks, t => t.TaskKind, "task_kind"), 1));
            md.AppendLine("Lengths (characters)").AppendLine().AppendLine(Tables.ToMarkdown(Lengths(
                ("prefix", tasks.Select(t => t.Prefix.Length).ToList()), ("target", tasks.Select(t => t.Target.Length).ToList())), 1));
        }
        if (data.Commits.Count > 0)
        {
            var perRepo = data.Commits.GroupBy(c => c.RepoId).Select(g => g.Count()).ToList();
            md.AppendLine("## Evolution commits").AppendLine();
            md.AppendLine(Tables.ToMarkdown(Lengths(("kept commits per repository", perRepo),
                ("new assertions per commit", data.Commits.Select(c => c.NewAssertions).ToList()),
                ("production diff characters", data.Commits.Select(c => c.ProductionCodeDiff.Length).ToList())), 1));
        }
        var mining = MiningStats(benchDir);
        if (mining.Count > 0)
        {
            md.AppendLine("## Evolution mining, per repository").AppendLine();
            md.AppendLine("Each repository mined alone (all cores on it); peak RSS is the process's while it was mined.").AppendLine();
            md.AppendLine(Tables.ToMarkdown(new DataFrame(
                new StringDataFrameColumn("repo_id", mining.Select(m => m.RepoId)),
                new Int32DataFrameColumn("commits_walked", mining.Select(m => m.CommitsWalked)),
                new Int32DataFrameColumn("kept_commits", mining.Select(m => m.KeptCommits)),
                new Int32DataFrameColumn("new_assertions", mining.Select(m => m.Tasks)),
                new Int32DataFrameColumn("test_file_versions", mining.Select(m => m.FilesParsed)),
                new DoubleDataFrameColumn("seconds", mining.Select(m => m.Seconds)),
                new DoubleDataFrameColumn("peak_rss_mib", mining.Select(m => m.PeakRssMib))), 1, maxRows: 10_000));
        }
        var skipsMd = Path.Combine(benchDir, "skips.md");
        if (File.Exists(skipsMd))
        {
            // The skip report is a document of its own (H1, H2): nest it one level down here.
            var skips = (await File.ReadAllTextAsync(skipsMd)).Replace("\n## ", "\n### ");
            md.AppendLine(skips.StartsWith("# ") ? "#" + skips : "## Skipped files and repositories\n\n" + skips);
        }

        var mdPath = Path.Combine(outDir, "stats.md");
        // Each repository's mining seconds and peak RSS measure this run, not the benchmark: a run with the same numbers otherwise keeps the file.
        ResultFile.WriteMarkdown(mdPath, md.ToString(), provenance, MeasuredMiningKeys);
        written.Add(mdPath);

        var json = new
        {
            provenance,
            @static = new { tasks = data.StaticTasks.Count, repos = data.StaticRepos.Count, per_split = data.StaticTasks.GroupBy(t => t.Split).ToDictionary(g => g.Key, g => g.Count()) },
            evolution = new { tasks = data.EvolutionTasks.Count, repos = data.EvolutionRepos.Count, commits = data.Commits.Count, per_split = data.EvolutionTasks.GroupBy(t => t.Split).ToDictionary(g => g.Key, g => g.Count()), mining },
        };
        var jsonPath = Path.Combine(outDir, "stats.json");
        ResultFile.WriteJson(jsonPath, JsonSerializer.Serialize(json, Provenance.Json), provenance, MeasuredMiningKeys);
        written.Add(jsonPath);

        // A benchmark may have one track only (the forge's has no static track): an empty track gets no figure of its own.
        if (data.StaticTasks.Count > 0)
            written.AddRange(FigureExport.Save(TasksPerRepo(data.StaticTasks, "Static track: tasks per repository"), outDir, "static-tasks-per-repo", png: png));
        if (data.EvolutionTasks.Count > 0)
            written.AddRange(FigureExport.Save(TasksPerRepo(data.EvolutionTasks, "Evolution track: tasks per repository"), outDir, "evolution-tasks-per-repo", png: png));
        var tracks = new[] { ("static", data.StaticTasks), ("evolution", data.EvolutionTasks) };
        written.AddRange(FigureExport.Save(ShareChart(tracks, t => t.AssertionType, "Assertion types"), outDir, "assertion-types", png: png));
        written.AddRange(FigureExport.Save(ShareChart(tracks, t => t.Difficulty, "Difficulty classes"), outDir, "difficulty", png: png));
        written.AddRange(FigureExport.Save(LengthHistogram([
                ("static prefix", data.StaticTasks.Select(t => t.Prefix.Length).ToList()),
                ("evolution prefix", data.EvolutionTasks.Select(t => t.Prefix.Length).ToList())], "Prefix lengths", "characters"), outDir, "prefix-lengths", png: png));
        written.AddRange(FigureExport.Save(LengthHistogram([
                ("static target", data.StaticTasks.Select(t => t.Target.Length).ToList()),
                ("evolution target", data.EvolutionTasks.Select(t => t.Target.Length).ToList())], "Target lengths", "characters"), outDir, "target-lengths", png: png));
        if (data.Commits.Count > 0) written.AddRange(FigureExport.Save(CommitsPerRepo(data.Commits), outDir, "commits-per-repo", png: png));
        return written;
    }
}
