using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Experiments;
using Code2Lora.Hyper;
using Code2Lora.Mining;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Code2Lora.Tests.Encoders;
using Code2Lora.Tests.Forge;
using LibGit2Sharp;
using TorchSharp;

namespace Code2Lora.Tests.Evo;

/// <summary>A seeded, untrained Evo of the smoke preset's shape saved where <see cref="LiveAdapter.Load"/> reads it, over the
/// tiny-qwen3 encoder with the byte tokenizer.</summary>
public sealed class LiveAdapterFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public LiveAdapterFixture()
    {
        var model = TinyEncoder.Model(5);
        model.eval();
        Base = new LoadedModel(model, TinyEncoder.Tokenizer, model.Config, "tiny-qwen3");
        var embedder = new ChunkEmbedder(model, TinyEncoder.Tokenizer);
        EncoderId = Code2Lora.Encoders.EncoderId.Compute(embedder, Config.Encoder);
        torch.manual_seed(17);
        var gru = new CommitGru(Config.Gru(2 * embedder.Dimension));
        var head = new Code2LoraHead(Config.Head(), model.Config);
        EvoDir = _dir.Sub("evo");
        EvoFiles.Save(EvoDir, gru, head, EncoderId);
    }

    public EvoExperimentConfig Config { get; } = EvoExperimentConfig.Smoke with { BaseModel = "tiny-qwen3" };
    public LoadedModel Base { get; }
    public string EncoderId { get; }
    public string EvoDir { get; }
    public string NewDir(string name) => Directory.CreateDirectory(_dir.Sub(name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public LiveAdapter Open() => LiveAdapter.Load(Config, new MiningRules(), Base, EvoDir);

    public void Dispose() => _dir.Dispose();
}

/// <summary>`c2l evo update`: cost per new commit, state equal to a rebuild, crash safety, rewritten histories, clear refusals,
/// and the same inputs as the benchmark's evaluation walk.</summary>
[Collection("Torch")]
public sealed class LiveAdapterTests(LiveAdapterFixture fx) : IClassFixture<LiveAdapterFixture>
{
    private static float[] H(string stateDir) => LiveAdapterState.TryLoad(stateDir, out var problem)?.H
                                                 ?? throw new InvalidOperationException(problem ?? "no state");

    private static LiveAdapterState State(string stateDir) => LiveAdapterState.TryLoad(stateDir, out _)!.State;

    [Fact]
    public void First_update_walks_every_commit_and_steps_once_per_kept_commit_from_the_first_kept_state()
    {
        using var repo = new LiveRepo();
        var shas = repo.CommitBaseHistory();
        var live = fx.Open();

        var r = live.Update(repo.Path);

        Assert.Null(r.RebuildReason);
        Assert.Equal((5, 3, 3, 1, 3), (r.CommitsWalked, r.NewKeptCommits, r.DiffEncodings, r.StateEncodings, r.GruSteps));
        Assert.True(r.Exported);
        Assert.Equal(shas[^1], r.HeadSha);
        var state = State(r.StateDirectory);
        Assert.Equal((shas[^1], shas[0], shas[3], 5, 3), (state.LastSeenSha, state.InitialStateSha, state.LastKeptSha, state.CommitsWalked, state.KeptCommits));
        // Inside .git: the work tree stays clean.
        Assert.StartsWith(Path.Combine(repo.Path, ".git", "code2lora", "smoke"), r.StateDirectory);
        using (var git = new Repository(repo.Path)) Assert.False(git.RetrieveStatus().IsDirty);
        // PEFT layout that loads back for the base model, with provenance.
        using var adapter = PeftAdapterFiles.Load(r.AdapterDirectory, fx.Base.Config);
        Assert.True(File.Exists(Path.Combine(r.AdapterDirectory, LiveAdapter.ProvenanceFile)));
    }

    [Fact]
    public void Live_state_is_the_evaluation_walk_over_the_benchmark_builders_kept_commits_and_diffs()
    {
        using var repo = new LiveRepo();
        repo.CommitBaseHistory();
        var r = fx.Open().Update(repo.Path);

        var built = EvolutionTrackBuilder.BuildRepo(new RepoInput("calc", repo.Path, "test", Static: false), BenchConfig.Smoke, new MiningRules(), new SkipReport(),
            repo.Scratch("spool"));
        var keptCommits = EvolutionSpool.Commits(built.SpoolDirectory).ToList();
        Assert.Equal(keptCommits.Aggregate("", (chain, c) => LiveAdapterState.Extend(chain, c.CommitSha)), State(r.StateDirectory).KeptChain);

        var embedder = new ChunkEmbedder(fx.Base.Model, fx.Base.Tokenizer);
        var encoder = fx.Config.Encoder;
        using var source = RepoSource.Open(repo.Path, null, encoder.State.Files.Rules);
        var h0State = new RepoStateEncoder(embedder, encoder.State).Encode(source.ReadSnapshot(keptCommits[0].CommitSha, encoder.State.Files.Includes).Files, out _);
        var steps = keptCommits.Select((c, i) => new CommitStep(c.CommitSha, i, SplitNames.InRepoTrain,
            new DiffEncoder(embedder, encoder.Diff).Encode(c.ProductionCodeDiff), null)).ToList();
        var (gru, _) = EvoFiles.Load(fx.EvoDir, fx.Base.Config, fx.EncoderId);
        var walk = HistoryWalk.Contexts(gru, new CommitHistory("calc", SplitNames.Train, h0State, steps), fx.Base.Model.Device);

        using var noGrad = torch.no_grad();
        using var context = gru.Context(HistoryWalk.Row(H(r.StateDirectory), fx.Base.Model.Device));
        Assert.Equal(walk.Contexts[^1], context.data<float>().ToArray());
    }

    [Fact]
    public void Two_new_commits_one_kept_cost_one_diff_encoding_and_one_step_then_nothing_changes_without_new_commits()
    {
        using var repo = new LiveRepo();
        repo.CommitBaseHistory();
        var live = fx.Open();
        var first = live.Update(repo.Path);
        var adapterBefore = File.ReadAllBytes(Path.Combine(first.AdapterDirectory, PeftAdapterFiles.WeightsFile));

        repo.Commit("div", ("pkg/calc.py", LiveRepo.Calc("add", "mul", "sub", "div")),
            ("tests/test_calc.py", LiveRepo.Tests("assert add(1, 2) == 3", "assert mul(2, 3) == 6", "assert sub(3, 1) == 2", "assert div(6, 3) == 2")));
        repo.Commit("more docs", ("README.md", "# calc\n\nFour operations.\n"));
        var encodingsBefore = live.DiffEncodings;
        var second = live.Update(repo.Path);

        Assert.Equal((2, 1, 1, 0, 1, 4), (second.CommitsWalked, second.NewKeptCommits, second.DiffEncodings, second.StateEncodings, second.GruSteps, second.TotalKeptCommits));
        Assert.Equal(encodingsBefore + 1, live.DiffEncodings);
        Assert.True(second.Exported);
        Assert.NotEqual(adapterBefore, File.ReadAllBytes(Path.Combine(second.AdapterDirectory, PeftAdapterFiles.WeightsFile)));

        var stateJson = File.ReadAllText(Path.Combine(second.StateDirectory, LiveAdapterState.StateFile));
        var adapterWritten = File.GetLastWriteTimeUtc(Path.Combine(second.AdapterDirectory, PeftAdapterFiles.WeightsFile));
        var third = live.Update(repo.Path);
        Assert.Equal((0, 0, 0, 0, false), (third.CommitsWalked, third.DiffEncodings, third.StateEncodings, third.GruSteps, third.Exported));
        Assert.Equal(stateJson, File.ReadAllText(Path.Combine(third.StateDirectory, LiveAdapterState.StateFile)));
        Assert.Equal(adapterWritten, File.GetLastWriteTimeUtc(Path.Combine(third.AdapterDirectory, PeftAdapterFiles.WeightsFile)));
        Assert.Contains("up to date", third.Message);
    }

    [Fact]
    public void Incremental_updates_give_the_state_of_a_rebuild_bit_for_bit()
    {
        using var repo = new LiveRepo();
        var shas = repo.CommitBaseHistory();
        var live = fx.Open();
        var incremental = repo.Scratch("incremental");
        // One update per commit, as a post-commit hook would run them.
        using (var git = new Repository(repo.Path))
        {
            var branch = git.Head.CanonicalName;
            foreach (var sha in shas)
            {
                git.Refs.UpdateTarget(branch, sha);
                live.Update(repo.Path, incremental);
            }
        }
        var rebuilt = live.Update(repo.Path, repo.Scratch("rebuilt"));

        Assert.Equal(H(rebuilt.StateDirectory), H(incremental));
        Assert.Equal(State(rebuilt.StateDirectory).KeptChain, State(incremental).KeptChain);
        Assert.Equal(File.ReadAllBytes(Path.Combine(rebuilt.AdapterDirectory, PeftAdapterFiles.WeightsFile)),
            File.ReadAllBytes(Path.Combine(incremental, "adapter", PeftAdapterFiles.WeightsFile)));
    }

    [Fact]
    public void An_update_stopped_after_its_first_kept_commit_leaves_a_consistent_state_and_the_next_run_finishes_identically()
    {
        using var repo = new LiveRepo();
        repo.CommitBaseHistory();
        var live = fx.Open();
        var reference = live.Update(repo.Path, repo.Scratch("reference"));

        var crashed = repo.Scratch("crashed");
        var boom = new SyncProgress<LiveUpdateProgress>(p => { if (p.Kept == 1) throw new IOException("injected crash"); });
        Assert.Throws<IOException>(() => live.Update(repo.Path, crashed, progress: boom));
        var afterCrash = State(crashed);
        Assert.Equal(1, afterCrash.KeptCommits);
        // A save killed between its data files and state.json leaves the next generation's files half written.
        File.WriteAllText(Path.Combine(crashed, LiveAdapterState.HFile(afterCrash.Generation + 1)), "half a file");
        File.WriteAllText(Path.Combine(crashed, LiveAdapterState.LedgerFile(afterCrash.Generation + 1) + ".tmp-1-x"), "{");

        var resumed = live.Update(repo.Path, crashed);

        Assert.Null(resumed.RebuildReason);
        Assert.Equal((4, 2, 2, 0), (resumed.CommitsWalked, resumed.DiffEncodings, resumed.GruSteps, resumed.StateEncodings));
        Assert.Equal(H(reference.StateDirectory), H(crashed));
        Assert.Equal(2, Directory.EnumerateFiles(crashed).Count(f => Path.GetFileName(f) is var n && (n.StartsWith("h.") || n.StartsWith("ledger."))));

        var cancelled = repo.Scratch("cancelled");
        using var cts = new CancellationTokenSource();
        var stop = new SyncProgress<LiveUpdateProgress>(p => { if (p.Kept == 1) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => live.Update(repo.Path, cancelled, progress: stop, cancel: cts.Token));
        live.Update(repo.Path, cancelled);
        Assert.Equal(H(reference.StateDirectory), H(cancelled));
    }

    [Fact]
    public void A_rewritten_history_is_detected_and_rebuilt_to_the_state_of_a_fresh_run()
    {
        using var repo = new LiveRepo();
        repo.CommitBaseHistory();
        var live = fx.Open();
        var stateDir = repo.Scratch("state");
        live.Update(repo.Path, stateDir);
        var oldHead = State(stateDir).LastSeenSha!;

        // git reset --hard HEAD~1 and a different commit, then an amend of that one: HEAD no longer descends from the state.
        repo.ResetToParent();
        repo.Commit("divide instead", ("pkg/calc.py", LiveRepo.Calc("add", "mul", "sub", "div")));
        var r = live.Update(repo.Path, stateDir);
        Assert.Contains($"history was rewritten since {oldHead[..12]}", r.RebuildReason);
        Assert.Contains("rebuilding from scratch", r.Message);
        Assert.Equal((5, 3, 1), (r.CommitsWalked, r.GruSteps, r.StateEncodings));

        repo.Amend("divide, tested", ("tests/test_calc.py", LiveRepo.Tests("assert add(1, 2) == 3", "assert mul(2, 3) == 6", "assert sub(3, 1) == 2", "assert div(8, 2) == 4")));
        var amended = live.Update(repo.Path, stateDir);
        Assert.NotNull(amended.RebuildReason);
        Assert.Equal(4, amended.TotalKeptCommits);
        Assert.Equal(H(live.Update(repo.Path, repo.Scratch("fresh")).StateDirectory), H(stateDir));
    }

    [Fact]
    public void A_state_of_another_model_or_a_damaged_state_is_rebuilt_with_a_message()
    {
        using var repo = new LiveRepo();
        repo.CommitBaseHistory();
        var live = fx.Open();
        var stateDir = repo.Scratch("state");
        live.Update(repo.Path, stateDir);
        var h = H(stateDir);

        var statePath = Path.Combine(stateDir, LiveAdapterState.StateFile);
        File.WriteAllText(statePath, File.ReadAllText(statePath).Replace(live.ModelId, "evo-0000000000000000"));
        var foreign = live.Update(repo.Path, stateDir);
        Assert.Contains("was made by model evo-0000000000000000", foreign.RebuildReason);
        Assert.Equal(h, H(stateDir));

        File.WriteAllText(Path.Combine(stateDir, LiveAdapterState.HFile(State(stateDir).Generation)), "garbage");
        var damaged = live.Update(repo.Path, stateDir);
        Assert.Contains("does not match the checksum", damaged.RebuildReason);
        Assert.Equal(h, H(stateDir));
    }

    [Fact]
    public void A_history_without_kept_commits_exports_nothing_until_a_test_assertion_arrives()
    {
        using var repo = new LiveRepo();
        repo.Commit("code only", ("pkg/calc.py", LiveRepo.Calc("add")));
        var live = fx.Open();
        var r = live.Update(repo.Path);
        Assert.Equal((1, 0, 0, false), (r.CommitsWalked, r.GruSteps, r.StateEncodings, r.Exported));
        Assert.Contains("no kept commit yet", r.Message);
        Assert.False(File.Exists(Path.Combine(r.AdapterDirectory, PeftAdapterFiles.WeightsFile)));

        repo.Commit("first test", ("tests/test_calc.py", LiveRepo.Tests("assert add(2, 2) == 4")));
        var next = live.Update(repo.Path);
        Assert.Equal((1, 1, 1, true), (next.CommitsWalked, next.GruSteps, next.StateEncodings, next.Exported));
    }

    [Fact]
    public void Non_repositories_empty_and_bare_repositories_and_a_missing_model_are_refused_clearly()
    {
        using var repo = new LiveRepo();
        var live = fx.Open();
        var plain = repo.Scratch("plain");
        Assert.Contains("is not a git repository", Assert.Throws<InvalidOperationException>(() => live.Update(plain)).Message);
        Assert.Contains("does not exist", Assert.Throws<DirectoryNotFoundException>(() => live.Update(Path.Combine(plain, "nope"))).Message);
        Assert.Contains("has no commits yet", Assert.Throws<InvalidOperationException>(() => live.Update(repo.Path)).Message);
        var bare = repo.Scratch("bare.git");
        Repository.Init(bare, isBare: true);
        Assert.Contains("bare repository", Assert.Throws<InvalidOperationException>(() => live.Update(bare)).Message);

        var missing = Assert.Throws<InvalidOperationException>(() => LiveAdapter.Load(fx.Config, new MiningRules(), fx.Base, fx.NewDir("no-model")));
        Assert.Contains("c2l train evo --preset smoke", missing.Message);
    }

    [Fact]
    public void The_speed_replay_updates_once_per_commit_times_the_kept_ones_and_puts_the_branch_back()
    {
        using var scratch = new LiveRepo();
        // As `c2l evo speed` replays a shipped history: a bare cached clone, copied to a scratch clone with a work tree.
        var forged = EvoUpdateSpeed.ForgeRepository(ForgeFixture.Small with { Repos = 1 }, scratch.Scratch("forge"));
        var cache = Repository.Clone(forged, scratch.Scratch("cache"), new CloneOptions { IsBare = true });
        var repoPath = EvoUpdateSpeed.HistoryRepository(cache, scratch.Scratch("history"));
        string tip;
        using (var git = new Repository(repoPath)) tip = git.Head.Tip.Sha;

        var result = EvoUpdateSpeed.Measure(fx.Open(), repoPath, scratch.Scratch("state"), "untrained", "test");
        using (var git = new Repository(cache)) Assert.Equal(tip, git.Head.Tip.Sha);

        var built = EvolutionTrackBuilder.BuildRepo(new RepoInput("r", repoPath, "test", Static: false), BenchConfig.Smoke, new MiningRules(), new SkipReport(),
            scratch.Scratch("spool"));
        Assert.Equal((ForgeFixture.Small.Commits, built.KeptCommits, built.KeptCommits - 1), (result.Commits, result.KeptCommits, result.TimedCommits));
        Assert.True(result.GruHeadMsMedian > 0 && result.DiffEncodeMsMedian > 0 && result.PeakRssMb > 0);
        using (var git = new Repository(repoPath)) Assert.Equal(tip, git.Head.Tip.Sha);
    }
}
