namespace Code2Lora.Bench;

/// <summary>Every threshold of RepoPeftBench construction (paper-notes §3.1–3.4). The <c>paper</c> preset holds the paper's values.</summary>
public sealed record BenchConfig
{
    // --- static track: per-repository selection (§3.3) ---
    /// <summary>At most this many tasks per test function.</summary>
    public int MaxPerFunction { get; init; } = 5;
    /// <summary>At most this many tasks per test file (after the per-function cap).</summary>
    public int MaxPerFile { get; init; } = 20;
    /// <summary>At most this many tasks per repository, filled in proportion to difficulty classes.</summary>
    public int MaxPerRepo { get; init; } = 200;
    /// <summary>Prefix lines kept (cut from the top).</summary>
    public int MaxPrefixLines { get; init; } = 600;
    /// <summary>Targets longer than this are dropped.</summary>
    public int MaxTargetChars { get; init; } = 500;

    // --- splits (§3.3) ---
    /// <summary>Repositories with fewer tasks are not part of the benchmark.</summary>
    public int MinTasksPerRepo { get; init; } = 30;
    /// <summary>Cross-repo fractions of validation and test repositories (train is the rest).</summary>
    public double CrossRepoValFraction { get; init; } = 0.1;
    public double CrossRepoTestFraction { get; init; } = 0.1;
    /// <summary>In-repo fractions for train repositories' tasks (static) and kept commits (evolution, chronological).</summary>
    public double InRepoValFraction { get; init; } = 0.1;
    public double InRepoTestFraction { get; init; } = 0.1;
    /// <summary>Seed of every split and sample.</summary>
    public int Seed { get; init; } = 3407;

    // --- evolution track (§3.4) ---
    /// <summary>History is cut at this date (paper: 2025-04-01); null keeps everything.</summary>
    public DateTimeOffset? HistoryCutoff { get; init; } = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>The evolution track keeps each history's last this-many kept commits (its window); the earlier ones still feed the
    /// assertion ledger, so "new" keeps the paper's meaning, and the window's first diff is from the kept commit before it.
    /// null keeps every kept commit (the paper).</summary>
    public int? MaxKeptCommits { get; init; }
    /// <summary>With fewer kept commits, a repository's commits are all in-repo train.</summary>
    public int MinCommitsForInRepoSplit { get; init; } = 3;
    /// <summary>Smart cap: targets shorter than this are trivial.</summary>
    public int SmartCapMinTargetChars { get; init; } = 4;
    /// <summary>Smart cap: targets this short that end in ')' or start with ',' are trivial.</summary>
    public int SmartCapShortTargetChars { get; init; } = 6;
    /// <summary>Smart cap: at most this many tasks per (test file) within a commit.</summary>
    public int SmartCapPerFile { get; init; } = 4;
    /// <summary>Smart cap: at most this many training tasks per commit.</summary>
    public int SmartCapPerCommit { get; init; } = 8;
    /// <summary>Evaluation: each (repo, commit) is scored on its first tasks, at most this many.</summary>
    public int EvalTasksPerCommit { get; init; } = 8;

    /// <summary>The paper's values.</summary>
    public static BenchConfig Paper => Code2Lora.Config.Presets.Paper.Bench;

    /// <summary>The embedded default: small repositories, so fewer tasks per repository are required.</summary>
    public static BenchConfig Tiny => Code2Lora.Config.Presets.Tiny.Bench;

    /// <summary>For tests and CI notebook runs: the tiny values on a smaller world.</summary>
    public static BenchConfig Smoke => Code2Lora.Config.Presets.Smoke.Bench;
}
