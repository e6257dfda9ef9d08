using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>One figure of a write-up: file name, caption, chart and drawing size (CSS pixels; PNG is exported at 2×).</summary>
public sealed record PaperFigure(string Name, string Caption, GenericChart Chart, int Width = 900, int Height = 540);

/// <summary>The paper's figure set, redrawn from committed results only (results/static, results/evo, results/pretrain):
/// main results with CIs (Tables 2 and 3), per-repository EM (§4.5), adapter similarity (centred cosine heatmap, t-SNE),
/// drift along history (Fig. 9), the RAG sweep (Table 8) and training curves.  notebooks/08-figures.ipynb runs it.</summary>
public static partial class PaperFigures
{
    /// <summary>The figures whose inputs exist for <paramref name="preset"/>, and for each missing one what to run.</summary>
    public static async Task<(IReadOnlyList<PaperFigure> Figures, IReadOnlyList<string> Missing)> BuildAsync(string resultsRoot, string preset)
    {
        var figures = new List<PaperFigure>();
        var missing = new List<string>();
        var staticDir = Path.Combine(resultsRoot, "static", preset);
        var evoDir = Path.Combine(resultsRoot, "evo", preset);

        if (ReadJson<StaticSummary>(Path.Combine(staticDir, "summary.json")) is { } st)
        {
            var n = st.Methods.Values.First();
            figures.Add(new("table2-exact-match", $"Static track ({preset}), the Table 2 analog: exact match per method on CR-test (repositories " +
                $"unseen in training, n = {n.NCr} tasks) and IR-test (held-out tasks of training repositories, n = {n.NIr}); error bars: 95 % " +
                "exact (Clopper–Pearson) CIs; \"not evaluated\": the method has no adapter for that split; the last three rows are ablations of Code2LoRA-Static.",
                StaticFigures.ExactMatch(st), 1100, 600));
            var predictions = Path.Combine(staticDir, "predictions");
            var perRepo = await PerRepositoryEmAsync(predictions, st.Methods.Keys.ToList(), SplitNames.IrTest);
            if (perRepo.Count > 0)
                figures.Add(new("per-repo-em", $"Static track ({preset}), per-repository exact match on IR-test (the paper's §4.5 violin): one point " +
                    "per training repository, box and mean line inside each violin.", PerRepositoryViolin(perRepo, SplitNames.IrTest), 1100, 560));
            if (AdapterSimilarityFile.Read(staticDir) is var (sim, splits))
            {
                var splitOf = splits.Count > 0 ? splits : await SplitsFromPredictionsAsync(predictions, sim.Repos);
                // Not the mean-centred matrix: n centred vectors have pairwise cosines averaging about −1/(n − 1), whatever the adapters are.
                figures.Add(new("adapter-cosine", $"Cosine between the adapters Code2LoRA-Static generates for the {sim.Repos.Count} " +
                    $"repositories of the static track ({preset}); mean off-diagonal {sim.MeanRaw:F3} (1.0 would be one shared adapter).",
                    StaticFigures.Similarity(sim), 900, 820));
                figures.Add(new("adapter-tsne", $"t-SNE of the same mean-centred adapters (distance 2 − 2·cosine), coloured by split ({preset}).",
                    StaticFigures.AdapterMap(sim, r => splitOf.TryGetValue(r, out var s) && s.Length > 0 ? s : "unknown"), 800, 600));
            }
            else missing.Add($"adapter similarity: {staticDir} has neither {AdapterSimilarityFile.FileName} nor the heatmap figures (./c2l eval --preset {preset})");
            var sweep = await RagSweepAsync(predictions, st.Config.Rag.ChunkTokens, st.Config.Rag.K);
            if (sweep.Count > 0)
                figures.Add(new("rag-sweep", $"RAG sweep ({preset}), the Table 8 analog: exact match with retrieved chunks of the given size (tokens) " +
                    "and count k, for the frozen base (RAG) and full fine-tuning (FFT + RAG); error bars: 95 % bootstrap CIs.", RagSweepChart(sweep), 1000, 560));
            else missing.Add($"RAG sweep: no rag-*-k* predictions in {predictions} (notebook 06 runs the sweep)");
        }
        else missing.Add($"static track: no {Path.Combine(staticDir, "summary.json")} (./c2l eval --preset {preset})");

        if (ReadJson<EvoSummary>(Path.Combine(evoDir, "summary.json")) is { } evo)
        {
            var n = evo.Methods.Values.First();
            figures.Add(new("table3-exact-match", $"Evolution track ({preset}), the Table 3 analog: exact match on CR-test (n = {n.NCr}) and IR-test " +
                $"(n = {n.NIr}); error bars: exact (Clopper–Pearson) 95 % CIs; the last rows are ablations of Code2LoRA-Evo.",
                StaticFigures.ExactMatchBars(evo.Methods.Concat(evo.Ablations).ToList(), $"Evolution track ({preset}): exact match per method"), 1100, 600));
            figures.Add(new("drift", $"Evolution track ({preset}), the Fig. 9 analog: CR-test exact match per decile of the normalised commit position; " +
                "methods with identical series share a line" + (evo.DriftDeciles is null ? "; per-decile n and CIs are not in this summary (re-run ./c2l eval evo)." : "; error bars: 95 % bootstrap CIs, n per decile under each tick."),
                EvoFigures.Drift(evo), 1000, 560));
        }
        else missing.Add($"evolution track: no {Path.Combine(evoDir, "summary.json")} (./c2l eval evo --preset {preset})");

        // The curve of the base this preset's experiments adapt (tiny: the tiny-long run), else of the pretraining preset of the same name.
        var run = BasePretrainRun(preset) ?? preset;
        var pretrain = Path.Combine(resultsRoot, "pretrain", run, "metrics.jsonl");
        if (File.Exists(pretrain))
            figures.Add(new("training-pretrain", $"Pretraining the base LM of the {preset} experiments (c2l pretrain --preset {run}): training loss per optimizer step and held-out loss where measured.",
                TrainingFigures.LossCurve(TrainingLog.Read(pretrain), $"Base LM pretraining ({run}): loss"), 900, 500));
        else missing.Add($"training curves: no {pretrain} (./c2l pretrain --preset {run})");
        return (figures, missing);
    }

    /// <summary>The pretraining preset that wrote the base of <paramref name="preset"/>'s static config, when both exist.</summary>
    private static string? BasePretrainRun(string preset)
    {
        try { return Training.Pretrain.Pretraining.PresetOf(Path.Combine(Config.RepoPaths.Data, StaticExperimentConfig.Get(preset).BaseModel)); }
        catch (Exception e) when (FailureMessage.IsExpected(e)) { return null; }   // no such static preset, or an unreadable model: the preset's own name
    }

    /// <summary>Exports each figure as PNG (2×), SVG and PDF into <paramref name="outDir"/> and writes captions.md beside
    /// them; returns every file written.</summary>
    public static IReadOnlyList<string> Export(IReadOnlyList<PaperFigure> figures, string outDir, string command)
    {
        var written = new List<string>();
        var md = new StringBuilder("# Figures\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Redrawn from committed results by `{command}` at code `{Provenance.CodeVersion()}`. ");
        md.AppendLine("Each figure is in PNG (2× scale), SVG and PDF.").AppendLine();
        foreach (var f in figures)
        {
            written.AddRange(FigureExport.Export(f.Chart, outDir, f.Name, f.Width, f.Height));
            md.AppendLine(CultureInfo.InvariantCulture, $"## {f.Name}").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"![{f.Name}]({f.Name}.png)").AppendLine();
            md.AppendLine(f.Caption).AppendLine();
        }
        var captions = Path.Combine(outDir, "captions.md");
        AtomicFile.WriteText(captions, md.ToString());
        written.Add(captions);
        return written;
    }

    /// <summary>Per method, exact match (%) of each repository on <paramref name="split"/>, read from the predictions.</summary>
    public static async Task<IReadOnlyList<(string Method, IReadOnlyList<double> Em)>> PerRepositoryEmAsync(string predictionsDir, IReadOnlyList<string> methods, string split)
    {
        var result = new List<(string, IReadOnlyList<double>)>();
        foreach (var method in methods)
        {
            var file = Path.Combine(predictionsDir, method, split + ".parquet");
            if (!File.Exists(file)) continue;
            var rows = await ParquetTable.ReadAsync<PredictionRow>(file);
            result.Add((method, rows.GroupBy(r => r.RepoId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => 100.0 * g.Count(r => r.ExactMatch) / g.Count()).ToList()));
        }
        return result;
    }

    /// <summary>Violins of per-repository EM, one per method.</summary>
    public static GenericChart PerRepositoryViolin(IReadOnlyList<(string Method, IReadOnlyList<double> Em)> perRepo, string split)
    {
        var violins = perRepo.Select(m =>
        {
            var v = CS.Chart.Violin<string, double, string>(X: m.Em.Select(_ => m.Method).ToArray(), Y: m.Em.ToArray(), Name: m.Method);
            TraceAttributes.Set(v, "points", "all");
            TraceAttributes.Set(v, "box", new Dictionary<string, object> { ["visible"] = true });
            TraceAttributes.Set(v, "meanline", new Dictionary<string, object> { ["visible"] = true });
            return TraceAttributes.Set(v, "showlegend", false);
        });
        return BenchReport.Titled(CS.Chart.Combine(violins), $"Exact match per repository ({split})", "method", "exact match per repository (%)");
    }

    /// <summary>One row of the RAG sweep: method (rag / fft-rag), chunk tokens, k, split, EM and its CI.</summary>
    public sealed record SweepPoint(string Method, int ChunkTokens, int K, string Split, double Em, double Low, double High, int N);

    [GeneratedRegex(@"^(?<method>fft-rag|rag)(-(?<tokens>\d+)-k(?<k>\d+))?$")]
    private static partial Regex SweepName();

    /// <summary>EM with bootstrap CIs of every rag / fft-rag prediction folder; the plain "rag" folder is the evaluation's
    /// own configuration (<paramref name="defaultTokens"/>, <paramref name="defaultK"/>).</summary>
    public static async Task<IReadOnlyList<SweepPoint>> RagSweepAsync(string predictionsDir, int defaultTokens, int defaultK)
    {
        var points = new List<SweepPoint>();
        if (!Directory.Exists(predictionsDir)) return points;
        var dirs = Directory.GetDirectories(predictionsDir).Select(Path.GetFileName).Select(n => (Name: n!, Match: SweepName().Match(n!))).Where(d => d.Match.Success).ToList();
        if (!dirs.Any(d => d.Match.Groups["tokens"].Success)) return points;      // no sweep run, only the default RAG row
        foreach (var (name, m) in dirs.OrderBy(d => d.Name, StringComparer.Ordinal))
            foreach (var split in new[] { SplitNames.CrTest, SplitNames.IrTest })
            {
                var file = Path.Combine(predictionsDir, name, split + ".parquet");
                if (!File.Exists(file)) continue;
                var em = (await ParquetTable.ReadAsync<PredictionRow>(file)).Select(r => r.ExactMatch ? 100.0 : 0.0).ToList();
                var est = Bootstrap.Mean(em);
                points.Add(new SweepPoint(m.Groups["method"].Value,
                    m.Groups["tokens"].Success ? int.Parse(m.Groups["tokens"].Value, CultureInfo.InvariantCulture) : defaultTokens,
                    m.Groups["k"].Success ? int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture) : defaultK,
                    split, est.Mean, est.Low, est.High, est.N));
            }
        return points;
    }

    /// <summary>Grouped bars of the sweep: one bar group per (chunk tokens, k), one bar per method and split.</summary>
    public static GenericChart RagSweepChart(IReadOnlyList<SweepPoint> sweep)
    {
        var configs = sweep.Select(p => (p.ChunkTokens, p.K)).Distinct().OrderBy(c => c.ChunkTokens).ThenBy(c => c.K).ToList();
        var keys = configs.Select(c => $"{c.ChunkTokens} tok, k = {c.K}").ToArray();
        var bars = sweep.GroupBy(p => (p.Method, p.Split)).OrderBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.Split, StringComparer.Ordinal).Select(g =>
        {
            var at = configs.Select(c => g.FirstOrDefault(p => p.ChunkTokens == c.ChunkTokens && p.K == c.K)).ToList();
            var values = at.Select(p => p?.Em ?? 0).ToArray();
            var bar = CS.Chart.Column<double, string, string>(values: values, Keys: keys, Name: $"{(g.Key.Method == "rag" ? "RAG" : "FFT + RAG")}, {g.Key.Split}");
            TraceAttributes.Set(bar, "text", at.Select(p => p is null ? "not run" : p.Em == 0 ? "0" : "").ToArray());
            TraceAttributes.Set(bar, "textposition", "outside");
            return TraceAttributes.Set(bar, "error_y", TraceAttributes.ErrorBars(values, at.Select(p => p?.Low ?? 0).ToArray(), at.Select(p => p?.High ?? 0).ToArray()));
        });
        return BenchReport.Titled(CS.Chart.Combine(bars), "RAG sweep: exact match by chunk size and number of chunks; bars: 95 % CI", "retrieval configuration", "exact match (%)");
    }

    // Without the similarity file's splits: CR-test predictions name the unseen repositories; the rest trained the head.
    private static async Task<IReadOnlyDictionary<string, string>> SplitsFromPredictionsAsync(string predictionsDir, IReadOnlyList<string> repos)
    {
        var file = Directory.Exists(predictionsDir)
            ? Directory.GetDirectories(predictionsDir).Select(d => Path.Combine(d, SplitNames.CrTest + ".parquet")).FirstOrDefault(File.Exists)
            : null;
        var unseen = file is null ? [] : (await ParquetTable.ReadAsync<PredictionRow>(file)).Select(r => r.RepoId.Split('/')[^1]).ToHashSet();
        return repos.ToDictionary(r => r, r => unseen.Contains(r.Split('/')[^1]) ? SplitNames.CrTest : SplitNames.Train);
    }

    private static T? ReadJson<T>(string path) where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Provenance.Json) : null;
}
