using System.Text.Json.Serialization;
using Code2Lora.Bench;
using Code2Lora.Reporting;

namespace Code2Lora.Experiments;

/// <summary>The benchmark sizes a plan needs to count steps: from a built benchmark, or the paper's (paper-notes §3.3, §3.4).</summary>
public sealed record BenchCounts
{
    /// <summary>Static-track training tasks.</summary>
    [JsonPropertyName("static_train_tasks")] public long StaticTrainTasks { get; init; }
    /// <summary>Static-track test tasks (CR-test + IR-test).</summary>
    [JsonPropertyName("static_test_tasks")] public long StaticTestTasks { get; init; }
    /// <summary>Evolution-track training commits that carry training tasks (one Evo optimizer step each per epoch).</summary>
    [JsonPropertyName("evo_update_commits")] public long EvoUpdateCommits { get; init; }
    /// <summary>Evolution-track training tasks (smart-capped).</summary>
    [JsonPropertyName("evo_train_tasks")] public long EvoTrainTasks { get; init; }
    /// <summary>Evolution-track test tasks (CR-test + IR-test).</summary>
    [JsonPropertyName("evo_test_tasks")] public long EvoTestTasks { get; init; }
    /// <summary>Where the counts come from.</summary>
    [JsonPropertyName("source")] public string Source { get; init; } = "";

    /// <summary>Mean training tasks per Evo update commit (the paper: 4.73, capped at 8).</summary>
    [JsonIgnore] public double EvoTasksPerUpdate => EvoUpdateCommits == 0 ? 0 : (double)EvoTrainTasks / EvoUpdateCommits;

    /// <summary>The paper's RepoPeftBench: static train 39,612, CR-test 6,414 + IR-test 5,222; Evo 215,129 tasks over 45,516 commits,
    /// CR-test 44,732 + IR-test 42,061.</summary>
    public static BenchCounts Paper { get; } = new()
    {
        StaticTrainTasks = 39_612, StaticTestTasks = 6_414 + 5_222, EvoUpdateCommits = 45_516, EvoTrainTasks = 215_129,
        EvoTestTasks = 44_732 + 42_061, Source = "paper (paper-notes §3.3 and §3.4)",
    };

    /// <summary>The counts of a built benchmark.</summary>
    public static BenchCounts Of(BenchData bench, string source)
    {
        var evoTrain = bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train).ToList();
        return new BenchCounts
        {
            StaticTrainTasks = bench.StaticTasks.Count(t => t.Split == SplitNames.Train),
            StaticTestTasks = bench.StaticTasks.Count(t => t.Split is SplitNames.CrTest or SplitNames.IrTest),
            EvoUpdateCommits = evoTrain.Select(t => (t.RepoId, t.CommitSha)).Distinct().Count(),
            EvoTrainTasks = evoTrain.Count,
            EvoTestTasks = bench.EvolutionTasks.Count(t => t.Split is SplitNames.CrTest or SplitNames.IrTest),
            Source = source,
        };
    }
}
