using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Statistics;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>A point of the sweep as sweep.json lists it: its overrides and each seed's run folder.</summary>
public sealed record SweepPointEntry(
    [property: JsonPropertyName("point")] string Label, [property: JsonPropertyName("overrides")] IReadOnlyList<string> Overrides,
    [property: JsonPropertyName("default")] bool IsDefault, [property: JsonPropertyName("runs")] IReadOnlyList<SweepRunEntry> Runs);

/// <summary>One seed's run of a point: its config key, folder and whether it finished.</summary>
public sealed record SweepRunEntry([property: JsonPropertyName("seed")] int Seed, [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("folder")] string Folder, [property: JsonPropertyName("finished")] bool Finished);

/// <summary>sweep.json: the grid, the points and their runs, one row per point × method × split, the provenance, and, when the sweep
/// trained its kind's single-LoRA control, every other method against it seed by seed.</summary>
public sealed record SweepTable(
    [property: JsonPropertyName("kind")] string Kind, [property: JsonPropertyName("config")] string Config,
    [property: JsonPropertyName("set")] IReadOnlyList<string> BaseOverrides,
    [property: JsonPropertyName("grid")] IReadOnlyDictionary<string, IReadOnlyList<string>> Grid,
    [property: JsonPropertyName("seeds")] IReadOnlyList<int> Seeds, [property: JsonPropertyName("methods")] IReadOnlyList<string> Methods,
    [property: JsonPropertyName("points")] IReadOnlyList<SweepPointEntry> Points, [property: JsonPropertyName("rows")] IReadOnlyList<SweepRow> Rows,
    [property: JsonPropertyName("command")] string Command, [property: JsonPropertyName("provenance")] Provenance Provenance,
    [property: JsonPropertyName("versus_control"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SeedComparison>? VersusControl = null)
{
    private static readonly string[] Splits = [SplitNames.CrTest, SplitNames.IrTest];

    /// <summary>The table of the plan's finished runs (unfinished ones are left out and counted in each row's seeds).</summary>
    public static async Task<SweepTable> BuildAsync(SweepPlan plan, string command)
    {
        var markers = plan.Runs.ToDictionary(r => r, r => SweepMarker.Read(r) is { } m && m.Covers(plan.Methods) ? m : null);
        var rows = new List<SweepRow>();
        var defaults = plan.Default;
        var bootstrapSeed = plan.Seeds[0];
        foreach (var point in plan.Points)
            foreach (var method in plan.Methods)
                foreach (var split in Splits)
                {
                    var done = point.Runs.Where(r => markers[r] is not null).ToList();
                    var summaries = done.Select(r => markers[r]!.Methods[method].Summary).ToList();
                    var cr = split == SplitNames.CrTest;
                    List<double> Values(Func<MethodSummary, double?> pick) => summaries.Select(pick).OfType<double>().ToList();
                    var nll = SeedSpread.Of(Values(s => cr ? s.CrNll : s.IrNll), 4);
                    var es = SeedSpread.Of(Values(s => cr ? s.CrEs : s.IrEs), 4);
                    var em = SeedSpread.Of(Values(s => cr ? s.CrEm : s.IrEm), 2);
                    var cb = SeedSpread.Of(Values(s => cr ? s.CrCb : s.IrCb), 4);
                    if (done.Count > 0 && nll is null && es is null && em is null) continue;   // not scored on this split (per-repo LoRA on CR)
                    PairedEffect? dNll = null, dEs = null, dEm = null;
                    string? note = done.Count == 0 ? "no finished run" : null;
                    int paired = 0;
                    if (!point.IsDefault && done.Count > 0)
                    {
                        var pairs = await PairAsync(point, defaults, markers, method, split);
                        note = pairs.Note;
                        paired = pairs.A.Count;
                        if (paired > 0)
                        {
                            if (pairs.A.All(r => r.TargetNll is not null) && pairs.B.All(r => r.TargetNll is not null))
                                dNll = PairedEffect.Continuous(pairs.A.Select(r => r.TargetNll!.Value).ToList(), pairs.B.Select(r => r.TargetNll!.Value).ToList(), pairs.Repos, bootstrapSeed);
                            dEs = PairedEffect.Continuous(pairs.A.Select(r => r.EditSimilarity).ToList(), pairs.B.Select(r => r.EditSimilarity).ToList(), pairs.Repos, bootstrapSeed);
                            dEm = PairedEffect.ExactMatch(pairs.A.Select(r => r.ExactMatch).ToList(), pairs.B.Select(r => r.ExactMatch).ToList(), pairs.Repos, bootstrapSeed);
                        }
                    }
                    rows.Add(new SweepRow(point.Label, point.IsDefault, method, split, done.Count, nll, es, em, cb, dNll, dEs, dEm, paired, note));
                }
        var versus = await SeedComparison.BuildAsync(plan, markers, ReadAsync);
        var provenance = Provenance.Capture(command);
        return new SweepTable(plan.Kind, plan.Source, plan.BaseOverrides, plan.Axes.ToDictionary(a => a.Key, a => a.Values), plan.Seeds, plan.Methods,
            plan.Points.Select(p => new SweepPointEntry(p.Label, p.Overrides, p.IsDefault,
                p.Runs.Select(r => new SweepRunEntry(r.Seed, r.Key, Code2Lora.Config.RepoPaths.Relative(r.Folder), markers[r] is not null)).ToList())).ToList(),
            rows, command, provenance, versus.Count == 0 ? null : versus);
    }

    /// <summary>Writes sweep.json, sweep.md and the figure (sweep.html, and sweep.png where Chromium is installed) into <paramref name="dir"/>,
    /// each with its provenance.</summary>
    public static IReadOnlyList<string> Write(SweepTable table, string dir)
    {
        Directory.CreateDirectory(dir);
        var json = Path.Combine(dir, "sweep.json");
        var md = Path.Combine(dir, "sweep.md");
        ResultFile.WriteJson(json, JsonSerializer.Serialize(table, Provenance.Json), table.Provenance);
        ResultFile.WriteMarkdown(md, SweepMarkdown.Of(table), table.Provenance);
        return [json, md, .. Reporting.FigureExport.Save(Reporting.SweepFigures.Nll(table), dir, "sweep")];
    }

    /// <summary>Reads the sweep.json of <paramref name="dir"/> (what <see cref="Write"/> wrote), e.g. a committed ablation for a notebook.</summary>
    public static SweepTable Read(string dir)
    {
        var path = Path.Combine(dir, "sweep.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no sweep table here; run the sweep (c2l sweep …) or name the folder that holds its sweep.json.", path);
        try
        {
            return JsonSerializer.Deserialize<SweepTable>(File.ReadAllText(path), Provenance.Json)
                   ?? throw new InvalidDataException($"{path}: empty; run the sweep again to rewrite it.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a sweep table ({e.Message}); run the sweep again to rewrite it.", e);
        }
    }

    /// <summary>The seeds both points finished, each seed's predictions paired task by task; a note when they cannot be paired.</summary>
    private static async Task<(List<PredictionRow> A, List<PredictionRow> B, List<string> Repos, string? Note)> PairAsync(SweepPoint point, SweepPoint defaults,
        IReadOnlyDictionary<SweepRun, SweepMarker?> markers, string method, string split)
    {
        List<PredictionRow> a = [], b = [];
        List<string> repos = [];
        foreach (var run in point.Runs.Where(r => markers[r] is not null))
        {
            var baseline = defaults.Runs.FirstOrDefault(r => r.Seed == run.Seed && markers[r] is not null);
            if (baseline is null) continue;
            var x = await ReadAsync(run, markers[run]!.Methods[method].Predictions, split);
            var y = await ReadAsync(baseline, markers[baseline]!.Methods[method].Predictions, split);
            if (x is null || y is null) return ([], [], [], $"seed {run.Seed}: predictions missing, no paired CI");
            if (!PredictionRow.SameTasks(x, y))
                return ([], [], [], $"seed {run.Seed}: scored on other tasks than the default point (the key changes the task sample), no paired CI");
            a.AddRange(x);
            b.AddRange(y);
            repos.AddRange(x.Select(r => r.RepoId));
        }
        return (a, b, repos, a.Count == 0 ? "the default point has no finished run of these seeds" : null);
    }

    /// <summary>A run's predictions of one split with their target NLL (when saved), in task order; null when missing.</summary>
    private static async Task<List<PredictionRow>?> ReadAsync(SweepRun run, string predictions, string split)
    {
        var dir = Path.Combine(run.Folder, predictions);
        var file = Path.Combine(dir, split + ".parquet");
        if (!File.Exists(file)) return null;
        var rows = (await ParquetTable.ReadAsync<PredictionRow>(file)).OrderBy(r => r.TaskIndex).ToList();
        var nll = Path.Combine(dir, split + ".nll.parquet");
        if (File.Exists(nll)) TargetLossEvaluator.Attach(rows, (await ParquetTable.ReadAsync<TargetLossRow>(nll)).ToList());
        return rows;
    }
}
