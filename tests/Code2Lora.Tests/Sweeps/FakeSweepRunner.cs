using System.Text.Json.Nodes;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Experiments;
using Code2Lora.Experiments.Sweeps;
using Code2Lora.Runtime;

namespace Code2Lora.Tests.Sweeps;

/// <summary>A runner that trains nothing: it writes predictions whose scores follow from the run's LoRA rank and seed (so the table's
/// numbers can be checked by hand), and can stop like an interrupted sweep before its <c>stopBefore</c>-th run.</summary>
internal sealed class FakeSweepRunner(int stopBefore = -1) : ISweepRunner
{
    /// <summary>The keys of the runs this runner ran, in order.</summary>
    public List<string> Ran { get; } = [];

    /// <summary>Three repositories of four tasks per split.</summary>
    public const int Tasks = 12;

    /// <summary>The per-task NLL of a run: lower for a larger rank, a little different per seed and task, and per method: single LoRA
    /// 0.1 below Static at every seed; FFT 0.08 above single LoRA at odd seeds and 0.01 below it at even ones.</summary>
    public static double Nll(int rank, int seed, int task, string method = "static") => 2.0 / rank + 0.01 * (seed % 2) + 0.001 * task + method switch
    {
        "slora" => -0.1,
        "fft" => seed % 2 == 1 ? -0.02 : -0.11,
        _ => 0,
    };

    public async Task<IReadOnlyDictionary<string, SweepMethodResult>> RunAsync(SweepRun run, IReadOnlyList<string> methods, StageTimings timings, string command,
        Action<string>? note, CancellationToken cancel)
    {
        if (Ran.Count == stopBefore) throw new OperationCanceledException("interrupted");
        Ran.Add(run.Key);
        var rank = JsonNode.Parse(run.Config.Json)!["lora"]!["rank"]!.GetValue<int>();
        var result = new Dictionary<string, SweepMethodResult>();
        foreach (var method in methods)
        {
            await timings.TimeAsync($"train {method}", () => Task.FromResult(0));
            var name = SweepMethods.SummaryName(method);
            var dir = Path.Combine(run.ResultsDirectory, "predictions", name);
            var rows = new Dictionary<string, IReadOnlyList<PredictionRow>>();
            foreach (var split in new[] { SplitNames.CrTest, SplitNames.IrTest })
            {
                var preds = Enumerable.Range(0, Tasks).Select(i => new PredictionRow
                {
                    Method = name, Split = split, RepoId = $"org/r{i / 4}", TaskIndex = i, Target = "1", Prediction = (i + rank) % 3 == 0 ? "1" : "2",
                    ExactMatch = (i + rank) % 3 == 0, EditSimilarity = (i + rank) % 3 == 0 ? 1 : 0.5, TargetNll = Nll(rank, run.Seed, i, method),
                }).ToList();
                await ParquetTable.WriteAsync(Path.Combine(dir, split + ".parquet"), preds);
                await ParquetTable.WriteAsync(Path.Combine(dir, split + ".nll.parquet"),
                    preds.Select(p => new TargetLossRow { RepoId = p.RepoId, TaskIndex = p.TaskIndex, NllSum = p.TargetNll!.Value * 4, Tokens = 4 }).ToList());
                rows[split] = preds;
            }
            result[method] = new SweepMethodResult(MethodSummary.Of(rows, run.Seed), Path.Combine("results", "predictions", name));
        }
        await timings.TimeAsync("evaluate", () => Task.FromResult(0));
        return result;
    }
}
