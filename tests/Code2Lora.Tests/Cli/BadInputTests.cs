namespace Code2Lora.Tests.Cli;

/// <summary>Every verb of c2l and c2l-notebook, handed bad input, ends with one line "error: &lt;file or input&gt;: &lt;what is
/// wrong&gt;; &lt;what to do&gt;", exit code 2 and no stack trace. The verbs run in this process; each fails before any long work
/// (a benchmark build, a model load, a training), which is part of what is tested.</summary>
[Collection("Torch")]   // in-process runs swap the console and load models: never alongside the other torch and notebook tests
public sealed class BadInputTests(BadInputs inputs) : IClassFixture<BadInputs>
{
    private static readonly string[] ModelCases = ["{trunc-model}", "{random-model}", "{nongit}", "{missing}"];

    /// <summary>Verbs that take --base-model, and so check it before building a benchmark or embedding anything.</summary>
    private static readonly string[][] BaseModelVerbs =
        [["train", "static"], ["train", "slora"], ["train", "plora"], ["train", "fft"], ["train", "t2l"], ["train", "evo"], ["train", "evo-slora"], ["eval"], ["eval", "evo"]];

    /// <summary>(command template, the file or input the error must name).</summary>
    public static TheoryData<string[], string> C2lCases()
    {
        var cases = new TheoryData<string[], string>
        {
            { ["bench", "build", "--preset", "huge"], "huge" },
            { ["bench", "build", "--preset", ""], "--config" },
            { ["bench", "build", "--config", "{missing}/bench.json"], "{missing}/bench.json" },
            { ["train", "static", "--config", "{random-config}"], "{random-config}" },
            { ["train", "static", "--preset", "smoke", "--set", "no_such_key=1"], "no_such_key" },
            { ["bench", "build", "--preset", "smoke", "--repo", "{missing}"], "{missing}" },
            { ["bench", "build", "--preset", "smoke", "--out", "{unwritable}"], "{unwritable}" },
            { ["bench", "report", "--bench", "{missing}"], "{missing}" },
            { ["bench", "report", "--bench", "{empty}"], "{empty}" },
            { ["bench", "report", "--bench", "{trunc-bench}", "--out", "{scratch}"], "{trunc-table}" },
            { ["bench", "speed", "--preset", "huge"], "huge" },
            { ["bench", "check-python", "--preset", "huge"], "huge" },
            { ["bench", "train-speed", "--preset", "huge"], "huge" },
            { ["bench", "train-speed", "--preset", "smoke", "--out", "{unwritable}/speed.json"], "{unwritable}" },
            { ["bench", "nosuchverb"], "nosuchverb" },
            { ["mine", "--list", "{missing}"], "{missing}" },
            { ["embed", "--preset", "smoke", "--bench", "{missing}"], "{missing}" },
            { ["embed", "--preset", "smoke", "--bench", "{manifest-bench}", "--recipe", "nosuch"], "nosuch" },
            { ["embed", "--preset", "smoke", "--bench", "{manifest-bench}", "--repo", "{missing}"], "{missing}" },
            { ["bench", "embedding", "--preset", "smoke", "--repo", "{missing}"], "{missing}" },
            { ["bench", "embedding", "--preset", "smoke", "--repo", "{nongit}", "--max-commits", "0"], "--max-commits" },
            { ["train", "static", "--preset", "huge"], "huge" },
            { ["train", "static", "--preset", "smoke", "--no-such-option"], "--no-such-option" },
            { ["eval", "--config", "{missing}/static.json"], "{missing}/static.json" },
            { ["pretrain", "--preset", "huge"], "huge" },
            { ["pretrain", "--preset", "smoke", "--out", "{unwritable}"], "{unwritable}" },
            { ["adapter", "export", "--preset", "smoke", "--repo", "{missing}", "--out", "{scratch}"], "{missing}" },
            { ["adapter", "export", "--preset", "smoke", "--repo", "{empty}", "--out", "{scratch}"], "{empty}" },
            { ["adapter", "export", "--preset", "smoke", "--repo", "{unborn}", "--out", "{scratch}"], "{unborn}" },
            { ["adapter", "export", "--preset", "smoke", "--repo", "{nongit}", "--out", "{unwritable}"], "{unwritable}" },
            { ["adapter", "speed", "--preset", "huge"], "huge" },
            { ["evo", "update", "--preset", "smoke", "--model", "{evo-model}", "--repo", "{missing}", "--state", "{scratch}"], "{missing}" },
            { ["evo", "update", "--preset", "smoke", "--model", "{evo-model}", "--repo", "{empty}", "--state", "{scratch}"], "{empty}" },
            { ["evo", "update", "--preset", "smoke", "--model", "{evo-model}", "--repo", "{nongit}", "--state", "{scratch}"], "{nongit}" },
            { ["evo", "update", "--preset", "smoke", "--model", "{evo-model}", "--repo", "{unborn}", "--state", "{scratch}"], "{unborn}" },
            { ["evo", "update", "--preset", "smoke", "--model", "{missing}", "--repo", "{nongit}"], "{missing}" },
            { ["evo", "update", "--preset", "smoke", "--model", "{evo-model}", "--repo", "{nongit}", "--state", "{unwritable}"], "{unwritable}" },
            { ["evo", "speed", "--preset", "huge"], "huge" },
            { ["study", "conditioning", "--preset", "huge"], "huge" },
            { ["study", "conditioning", "--preset", "smoke", "--variants", "nosuch"], "nosuch" },
            { ["model", "info", "--config", "{missing}/config.json"], "{missing}" },
            { ["model", "info", "--config", "{random-config}"], "{random-config}" },
            { ["model", "info", "--model", "nosuch-model"], "nosuch-model" },
            { ["model", "copy-check", "--preset", "huge"], "huge" },
            { ["model", "copy-check", "--kind", "evo", "--preset", "huge"], "huge" },
            { ["model", "copy-check", "--kind", "nosuch"], "nosuch" },
            { ["model", "copy-check", "--preset", "smoke", "--track", "nosuch"], "nosuch" },
            { ["model", "copy-check", "--preset", "smoke", "--card", "{missing}/MODEL_CARD.md"], "{missing}/MODEL_CARD.md" },
            { ["reproduce", "--preset", "huge"], "huge" },
            { ["eval", "forge-checks", "--preset", "huge"], "huge" },
            { ["eval", "forge-checks", "--preset", "tiny"], "tiny" },
            { ["eval", "forge-checks", "--preset", "smoke", "--per-repo-epochs", "0"], "--per-repo-epochs" },
            { ["eval", "forge-checks", "--preset", "smoke", "--per-repo-examples", "-1"], "--per-repo-examples" },
            { ["sweep", "--config", "{missing}/static.json", "--dry-run"], "{missing}/static.json" },
            { ["sweep", "--config", "smoke", "--grid", "lora.rnak=2,4", "--dry-run"], "lora.rnak" },
            { ["sweep", "--config", "smoke", "--grid", "lora.rank=2,abc", "--dry-run"], "abc" },
            { ["sweep", "--config", "smoke", "--methods", "nosuch", "--dry-run"], "nosuch" },
        };
        foreach (var verb in BaseModelVerbs)
            foreach (var model in ModelCases)
                cases.Add([.. verb, "--preset", "smoke", "--base-model", model], model is "{trunc-model}" or "{random-model}" ? model + "/model.safetensors" : model);
        foreach (var model in ModelCases)
        {
            cases.Add(["embed", "--preset", "smoke", "--bench", "{manifest-bench}", "--model", model], model is "{trunc-model}" or "{random-model}" ? model + "/model.safetensors" : model);
            cases.Add(["evo", "update", "--preset", "smoke", "--model", "{evo-model}", "--base-model", model, "--repo", "{nongit}"],
                model is "{trunc-model}" or "{random-model}" ? model + "/model.safetensors" : model);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(C2lCases))]
    public async Task C2lVerbNamesTheBadInputInOneErrorLine(string[] template, string names)
    {
        var outcome = await CliRun.C2lAsync(inputs.Expand(template));
        AssertOneErrorLine(outcome, inputs.Expand([names])[0]);
    }

    /// <summary>(command template, the file or input the error must name).</summary>
    public static TheoryData<string[], string> NotebookCases() => new()
    {
        { ["run", "{missing}/a.ipynb"], "{missing}/a.ipynb" },
        { ["run", "{random-notebook}", "--out", "{scratch}/out.ipynb"], "{random-notebook}" },
        { ["run", "{empty}"], "{empty}" },
        { ["run", "{random-notebook}", "--timeout-per-cell", "soon"], "soon" },
        { ["nosuch"], "nosuch" },
    };

    [Theory]
    [MemberData(nameof(NotebookCases))]
    public async Task NotebookRunnerNamesTheBadInputInOneErrorLine(string[] template, string names)
    {
        var outcome = await CliRun.NotebookAsync(inputs.Expand(template));
        AssertOneErrorLine(outcome, inputs.Expand([names])[0]);
    }

    [Fact]
    public async Task VerboseAddsTheStackTrace()
    {
        var plain = await CliRun.C2lAsync(inputs.Expand(["train", "static", "--preset", "smoke", "--base-model", "{trunc-model}"]));
        var verbose = await CliRun.C2lAsync(inputs.Expand(["train", "static", "--preset", "smoke", "--base-model", "{trunc-model}", "--verbose"]));
        Assert.DoesNotContain("   at ", plain.All);
        Assert.Equal(2, verbose.ExitCode);
        Assert.Contains("CheckpointException", verbose.Stderr);
        Assert.Contains("   at ", verbose.Stderr);
    }

    [Fact]
    public async Task HelpWorksForBothPrograms()
    {
        foreach (var args in new[] { new[] { "--help" }, ["run", "--help"], ["-h"] })
        {
            var outcome = await CliRun.NotebookAsync(args);
            Assert.Equal(0, outcome.ExitCode);
            Assert.Contains("usage: c2l-notebook run", outcome.Stdout);
        }
        var c2l = await CliRun.C2lAsync("train", "static", "--help");
        Assert.Equal(0, c2l.ExitCode);
        Assert.Contains("--base-model", c2l.Stdout);
    }

    /// <summary>The built program, as a process writing into a pipe (as into a log): the host never prints an unhandled exception.</summary>
    [Fact]
    public async Task TheBuiltProgramFailsWithOneLineToo()
    {
        foreach (var template in new[] { new[] { "bench", "build", "--preset", "huge" }, ["train", "slora", "--preset", "smoke", "--base-model", "{random-model}"] })
        {
            var outcome = await CliRun.ProcessAsync("c2l.dll", inputs.Expand(template));
            AssertOneErrorLine(outcome, template.Contains("huge") ? "huge" : inputs.RandomModel);
        }
    }

    private static void AssertOneErrorLine(CliOutcome outcome, string names)
    {
        var context = $"exit {outcome.ExitCode}; output:\n{outcome.All}";
        Assert.True(outcome.ExitCode == 2, context);
        Assert.DoesNotContain("Unhandled exception", outcome.All);
        Assert.DoesNotContain("   at ", outcome.All);          // no stack frame
        var line = Assert.Single(outcome.ErrorLines);
        Assert.True(line.Contains(names, StringComparison.Ordinal), $"the error does not name '{names}': {line}");
        Assert.True(line.Contains("; ", StringComparison.Ordinal), $"the error does not say what to do: {line}");
        Assert.DoesNotContain("internal error", line);
    }
}
