using Code2Lora.Bench;
using Code2Lora.Experiments;
using Code2Lora.Hyper;
using Code2Lora.Training;

namespace Code2Lora.Tests.Experiments;

/// <summary>A tiny static benchmark written by the test itself (two in-repo repositories, two cross-repo ones) over the shipped
/// tiny LM, with each trained baseline trained at most once per test class and reused by its tests.</summary>
public sealed class BaselineBench : IAsyncLifetime
{
    /// <summary>Seconds-long training: every run checkpoints only at its end.</summary>
    public static readonly StaticExperimentConfig Config = StaticExperimentConfig.Smoke with
    {
        MaxTokens = 48, MaxNewTokens = 4, BatchSize = 2, MaxTrainExamples = 0, ValidationExamples = 2, EvalTasksPerSplit = 0,
        PerRepoMaxExamples = 0, PerRepoLoraEpochs = 2,
        PerRepoLoraTraining = StaticExperimentConfig.Smoke.PerRepoLoraTraining with { LearningRate = 1e-2, CheckpointEvery = 0 },
        FftTraining = StaticExperimentConfig.Smoke.FftTraining with { CheckpointEvery = 0, EvalEvery = 0 },
        Text2LoraTraining = StaticExperimentConfig.Smoke.Text2LoraTraining with { CheckpointEvery = 0, EvalEvery = 0 },
    };

    private readonly Lazy<PerRepoLoraResult> _perRepo;
    private readonly Lazy<TrainingResult> _fft, _t2l;

    public BaselineBench()
    {
        Root = Directory.CreateTempSubdirectory("c2l-baseline-bench-").FullName;
        _perRepo = new(() => Experiment.TrainPerRepoLora(Experiment.LoadBase()));
        _fft = new(() => Experiment.TrainFullFineTune(Experiment.LoadBase()));
        _t2l = new(() => Experiment.TrainText2Lora(Experiment.LoadBase(), Contexts));
    }

    public string Root { get; }

    public StaticExperiment Experiment { get; private set; } = null!;

    /// <summary>One random vector per repository state.</summary>
    public RepoContexts Contexts { get; } = RepoContexts.From(new[] { ("org/alpha", "a1"), ("org/beta", "b1"), ("org/gamma", "g1"), ("org/delta", "d1") }
        .Select((s, i) => (s, v: Enumerable.Range(0, 16).Select(j => (float)Math.Sin(7 * i + j)).ToArray())).ToDictionary(x => x.s, x => x.v));

    public PerRepoLoraResult PerRepo => _perRepo.Value;
    public TrainingResult Fft => _fft.Value;
    public TrainingResult Text2Lora => _t2l.Value;

    public static QnaRow Row(string repo, string sha, string split, int i, string target) => new()
    {
        RepoId = repo, CommitSha = sha, Split = split, Track = "static",
        Prefix = $"from {repo.Split('/')[1]} import settings\n\ndef test_{split}_{i}():\n    assert settings.VERSION == ", Target = target,
    };

    public async Task InitializeAsync()
    {
        var bench = Path.Combine(Root, "bench");
        var rows = new List<QnaRow>();
        foreach (var (repo, sha, target) in new[] { ("org/alpha", "a1", "'1.7'"), ("org/beta", "b1", "'9.2'") })
        {
            rows.AddRange(Enumerable.Range(0, 4).Select(i => Row(repo, sha, SplitNames.Train, i, target)));
            rows.Add(Row(repo, sha, SplitNames.IrVal, 0, target));
            rows.AddRange(Enumerable.Range(0, 2).Select(i => Row(repo, sha, SplitNames.IrTest, i, target)));
        }
        rows.AddRange(Enumerable.Range(0, 2).Select(i => Row("org/gamma", "g1", SplitNames.CrVal, i, "'4.0'")));
        rows.AddRange(Enumerable.Range(0, 2).Select(i => Row("org/gamma", "g1", SplitNames.CrTest, i, "'4.0'")));
        rows.AddRange(Enumerable.Range(0, 2).Select(i => Row("org/delta", "d1", SplitNames.CrTest, i, "'0.3'")));
        foreach (var split in SplitNames.QnaFiles)
            await ParquetTable.WriteAsync(Path.Combine(bench, "static", "qna", split + ".parquet"), rows.Where(r => r.Split == split).ToList());
        await ParquetTable.WriteAsync(Path.Combine(bench, "static", "repos", SplitNames.Train + ".parquet"),
            new[] { new RepoRow { RepoId = "org/alpha", Split = SplitNames.Train, SnapshotSha = "a1" }, new RepoRow { RepoId = "org/beta", Split = SplitNames.Train, SnapshotSha = "b1" } });
        await ParquetTable.WriteAsync(Path.Combine(bench, "static", "repos", SplitNames.CrTest + ".parquet"),
            new[] { new RepoRow { RepoId = "org/gamma", Split = SplitNames.CrTest, SnapshotSha = "g1" }, new RepoRow { RepoId = "org/delta", Split = SplitNames.CrTest, SnapshotSha = "d1" } });
        File.WriteAllText(Path.Combine(bench, "manifest.json"), "{}");
        Experiment = await StaticExperiment.OpenAsync(Config, bench, Path.Combine(Root, "run"));
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
