using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Statistics;
using Code2Lora.Experiments;
using Code2Lora.Training.Pretrain;

namespace Code2Lora.Tests.Evaluation;

/// <summary>The in-context copy check keeps exactly the tasks whose target the cut prompt shows, and its report counts what it scored.</summary>
[Collection("Torch")]
public sealed class CopyCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("c2l-copy-check-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static QnaRow Task(string repo, string split, string prefix, string target, string track = "static") =>
        new() { RepoId = repo, Split = split, Track = track, CommitSha = "c1", Prefix = prefix, Target = target };

    [Fact]
    public void The_filter_keeps_long_targets_that_the_cut_prompt_shows()
    {
        var filler = string.Concat(Enumerable.Repeat("# padding line\n", 8));
        var tasks = new List<QnaRow>
        {
            Task("r", "cr_test", "x = 'banana'\nassert x == ", "'banana'"),                   // visible
            Task("r", "cr_test", "assert y == ", "'cherry'"),                                 // not in the prefix
            Task("r", "cr_test", "z = 'kiwi42'\n" + filler + "assert z == ", "'kiwi42'"),     // visible, but only before the cut
            Task("r", "cr_test", "n = g(1)\nassert f(n) == ", "1)"),                          // visible, too short to count
            Task("r", "cr_test", "assert 'ban' + 'ana' == ", "'banana'"),                     // the parts are there, the target is not
        };
        var tokenizer = new ByteTokenizer();
        var wide = new CompletionSettings { MaxInputTokens = 4096 };
        var narrow = new CompletionSettings { MaxInputTokens = 40 };

        Assert.Equal([0, 2], CopyCheck.CopyableTasks(tokenizer, tasks, wide, new CopyCheckOptions()));
        Assert.Equal([0], CopyCheck.CopyableTasks(tokenizer, tasks, narrow, new CopyCheckOptions()));
        Assert.Equal([0, 2, 3], CopyCheck.CopyableTasks(tokenizer, tasks, wide, new CopyCheckOptions { MinTargetChars = 1 }));
        Assert.False(CopyCheck.TargetInPrompt(tokenizer, tasks[2], narrow));
    }

    [Fact]
    public async Task The_report_on_the_smoke_preset_counts_what_it_scored()
    {
        var bench = Path.Combine(_root, "bench");
        const string seen = "VERSION = '4.0.1'\nNAME = 'gamma-tools'\n\ndef test_version():\n    assert settings.VERSION == ";
        var rows = new List<QnaRow>
        {
            Task("org/gamma", SplitNames.CrTest, seen, "'4.0.1'"),
            Task("org/gamma", SplitNames.CrTest, seen.Replace("VERSION ==", "NAME =="), "'gamma-tools'"),
            Task("org/gamma", SplitNames.CrTest, "def test_x():\n    assert settings.X == ", "'unseen'"),
            Task("org/alpha", SplitNames.IrTest, "def test_y():\n    assert settings.Y == ", "'9.9.9'"),
            Task("org/alpha", SplitNames.IrTest, "def test_y():\n    assert settings.Y == ", "'8.8.8'"),
            Task("org/alpha", SplitNames.Train, seen, "'4.0.1'"),
        };
        var evolution = new List<QnaRow>
        {
            Task("forge/a", SplitNames.CrTest, "LIMIT = 640\nassert clamp(5) < ", "LIMIT", "evolution"),
            Task("forge/a", SplitNames.CrTest, "LIMIT = 640\nassert clamp(5) < ", "640", "evolution"),
        };
        foreach (var split in SplitNames.QnaFiles)
        {
            await ParquetTable.WriteAsync(Path.Combine(bench, "static", "qna", split + ".parquet"), rows.Where(r => r.Split == split).ToList());
            await ParquetTable.WriteAsync(Path.Combine(bench, "evolution", "qna", split + ".parquet"), evolution.Where(r => r.Split == split).ToList());
        }
        File.WriteAllText(Path.Combine(bench, "manifest.json"), "{}");
        var config = StaticExperimentConfig.Smoke with { EvalTasksPerSplit = 0, MaxNewTokens = 6, EvalBatchSize = 2 };
        var experiment = await StaticExperiment.OpenAsync(config, bench, Path.Combine(_root, "run"));

        var results = Path.Combine(_root, "results");
        var report = CopyCheckRun.Run(experiment, "both", new CopyCheckOptions { MinTargetChars = 4 }, results, "c2l model copy-check --preset smoke");

        var bySplit = report.Splits.ToDictionary(s => s.Split);
        Assert.Equal(["evolution/cr_test", "static/cr_test", "static/ir_test"], bySplit.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((3, 2), (bySplit["static/cr_test"].Tasks, bySplit["static/cr_test"].Copyable));
        Assert.Equal((2, 0), (bySplit["static/ir_test"].Tasks, bySplit["static/ir_test"].Copyable));
        Assert.Null(bySplit["static/ir_test"].ExactMatch);
        Assert.Equal((2, 1), (bySplit["evolution/cr_test"].Tasks, bySplit["evolution/cr_test"].Copyable));   // "640" is visible, but 3 characters
        Assert.Equal((7, 3), (report.All.Tasks, report.All.Copyable));
        Assert.Equal(["'4.0.1'", "'gamma-tools'"], bySplit["static/cr_test"].Examples.Select(e => e.Target).Order(StringComparer.Ordinal));

        foreach (var s in report.Splits.Append(report.All).Where(s => s.Copyable > 0))
        {
            Assert.Equal(s.Copyable, s.ExactMatch!.N);
            Assert.Equal(s.Examples.Count(e => e.ExactMatch), s.Hits);
            Assert.Equal(100.0 * s.Hits / s.Copyable, s.ExactMatch.Mean, 9);
            var (low, high) = ExactBinomial.ClopperPearson(s.Hits, s.Copyable);
            Assert.Equal((100 * low, 100 * high), (s.ExactMatch.Low, s.ExactMatch.High));
            Assert.True(s.TargetNll is { } nll && double.IsFinite(nll.Mean) && nll.Mean > 0, $"{s.Split}: target NLL {s.TargetNll}");
            Assert.InRange(s.EditSimilarity!.Mean, 0, 1);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, CopyCheckReport.FileName)));
        Assert.Equal(3, json.RootElement.GetProperty("all").GetProperty("copyable").GetInt32());
        Assert.True(json.RootElement.TryGetProperty("provenance", out _));
        var md = File.ReadAllText(Path.Combine(results, "copy-check.md"));
        Assert.Contains("| static/cr_test | 3 | 2 |", md);
        Assert.Contains("## Examples: static/cr_test", md);
    }

    [Fact]
    public void The_model_card_gets_one_copy_check_section()
    {
        var split = new CopyCheckSplit("static/cr_test", 10, 4, 1, new Estimate(25, 0.6, 80.6, 4), new Estimate(0.5, 0.2, 0.8, 4), new Estimate(2.5, 2, 3, 4), []);
        var report = new CopyCheckReport("models/tiny-python-lm", 4, 512, 128, [split], split with { Split = "all" });
        const string card = "# tiny\n\n## Measured quality\n\nrows\n\n## Reproduce\n\n```bash\nc2l pretrain\n```\n";

        var once = ModelCard.WithCopyCheck(card, report);
        Assert.True(once.IndexOf(CopyCheckReport.CardHeading, StringComparison.Ordinal) < once.IndexOf("## Reproduce", StringComparison.Ordinal));
        Assert.Contains("| static/cr_test | 10 | 4 | 1 | 25.0 [0.6, 80.6] |", once);
        var updated = ModelCard.WithCopyCheck(once, report with { Splits = [split with { Hits = 2 }] });
        Assert.Equal(2, updated.Split(CopyCheckReport.CardHeading).Length);   // one section, replaced in place
        Assert.Contains("| static/cr_test | 10 | 4 | 2 |", updated);
        Assert.Equal(updated, ModelCard.WithCopyCheck(updated, report with { Splits = [split with { Hits = 2 }] }));
        Assert.EndsWith("c2l pretrain\n```\n", updated);
    }
}
