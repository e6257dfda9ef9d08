using System.Text.Json.Serialization;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>One method against the sweep's control (single LoRA trained on the same tasks for the same steps) at one point and split:
/// each seed's paired target-NLL difference with its task bootstrap, the across-seed spread of those differences, the pooled difference
/// with its task-level and repository-clustered intervals, and whether the seeds and the bootstrap tell the same story.</summary>
/// <param name="PerSeed">Each seed's paired difference (method − control) on its own tasks, task-level and repository intervals.</param>
/// <param name="Spread">The per-seed differences: mean ± across-seed SD.</param>
/// <param name="Pooled">All seeds' tasks paired seed by seed, as the sweep's "vs default" columns pool them.</param>
/// <param name="Verdict"><see cref="Holds"/>, <see cref="SeedsDisagree"/> or <see cref="NotSignificant"/>.</param>
public sealed record SeedComparison(
    [property: JsonPropertyName("point")] string Point, [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("control")] string Control, [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("seeds")] IReadOnlyList<int> Seeds,
    [property: JsonPropertyName("per_seed")] IReadOnlyList<PairedEffect> PerSeed,
    [property: JsonPropertyName("spread")] SeedSpread Spread,
    [property: JsonPropertyName("pooled")] PairedEffect Pooled,
    [property: JsonPropertyName("verdict")] string Verdict)
{
    /// <summary>Every seed's task interval and the pooled repository interval exclude 0 on the same side.</summary>
    public const string Holds = "holds";
    /// <summary>The pooled intervals exclude 0, but some seed's difference or task interval does not lie on that side.</summary>
    public const string SeedsDisagree = "seeds disagree";
    /// <summary>The pooled task-level or repository interval includes 0.</summary>
    public const string NotSignificant = "n.s.";

    /// <summary>The controls a sweep compares its other methods with, per kind: single LoRA on the same tasks and steps.</summary>
    public static readonly IReadOnlyDictionary<string, string> Controls = new Dictionary<string, string> { ["static"] = "slora", ["evo"] = "evo-slora" };

    /// <summary>The verdict of per-seed effects and their pooled effect: a claim holds only where the bootstrap and the seeds agree.</summary>
    public static string Judge(IReadOnlyList<PairedEffect> perSeed, PairedEffect pooled)
    {
        static int Side(double[]? ci) => ci is null ? 0 : ci[0] > 0 ? 1 : ci[1] < 0 ? -1 : 0;
        var side = Side(pooled.Ci);
        if (side == 0 || Side(pooled.RepoCi) != side) return NotSignificant;
        return perSeed.All(e => Side(e.Ci) == side) ? Holds : SeedsDisagree;
    }

    /// <summary>The comparisons of every non-control method with the control at every point, from each seed's predictions (both methods
    /// of a seed come from the same run, so they are scored on the same tasks); empty when the sweep did not train its kind's control.</summary>
    public static async Task<IReadOnlyList<SeedComparison>> BuildAsync(SweepPlan plan, IReadOnlyDictionary<SweepRun, SweepMarker?> markers,
        Func<SweepRun, string, string, Task<List<PredictionRow>?>> read)
    {
        if (!Controls.TryGetValue(plan.Kind, out var control) || !plan.Methods.Contains(control)) return [];
        var bootstrapSeed = plan.Seeds[0];
        var result = new List<SeedComparison>();
        foreach (var point in plan.Points)
            foreach (var method in plan.Methods.Where(m => m != control))
                foreach (var split in new[] { SplitNames.CrTest, SplitNames.IrTest })
                {
                    List<double> a = [], b = [];
                    List<string> repos = [];
                    var perSeed = new List<PairedEffect>();
                    var seeds = new List<int>();
                    foreach (var run in point.Runs.Where(r => markers[r] is not null))
                    {
                        var x = await read(run, markers[run]!.Methods[method].Predictions, split);
                        var y = await read(run, markers[run]!.Methods[control].Predictions, split);
                        if (x is null || y is null || x.Count == 0 || !PredictionRow.SameTasks(x, y)) continue;
                        if (x.Any(r => r.TargetNll is null) || y.Any(r => r.TargetNll is null)) continue;
                        var xs = x.Select(r => r.TargetNll!.Value).ToList();
                        var ys = y.Select(r => r.TargetNll!.Value).ToList();
                        var rs = x.Select(r => r.RepoId).ToList();
                        perSeed.Add(PairedEffect.Continuous(xs, ys, rs, bootstrapSeed));
                        seeds.Add(run.Seed);
                        a.AddRange(xs);
                        b.AddRange(ys);
                        repos.AddRange(rs);
                    }
                    if (perSeed.Count == 0) continue;
                    var pooled = PairedEffect.Continuous(a, b, repos, bootstrapSeed);
                    result.Add(new SeedComparison(point.Label, method, control, split, seeds, perSeed,
                        SeedSpread.Of(perSeed.Select(e => e.Difference).ToList(), 4)!, pooled, Judge(perSeed, pooled)));
                }
        return result;
    }
}
