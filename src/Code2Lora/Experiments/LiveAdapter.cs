using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Mining;
using Code2Lora.Models;
using Code2Lora.Runtime;
using LibGit2Sharp;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>Cost of one kept commit in a live update (milliseconds): the kept-commit rule and production diff (git), the diff
/// encoding, the repository-state encoding (h₀, or every step in the repo_state/concat modes), the GRU, and the state save.</summary>
public sealed record LiveCommitTiming(string Sha, double MineMs, double DiffEncodeMs, double StateEncodeMs, double GruMs, double PersistMs);

/// <summary>What one <see cref="LiveAdapter.Update"/> did.</summary>
/// <param name="RepoPath">The work tree, as an absolute path.</param>
/// <param name="StateDirectory">Where the state lives.</param>
/// <param name="AdapterDirectory">Where the adapter is (or would be) exported.</param>
/// <param name="HeadSha">The HEAD commit the state now reflects.</param>
/// <param name="RebuildReason">Why the saved state was dropped and the history replayed from its root (null: it was not).</param>
/// <param name="CommitsWalked">First-parent commits walked by this update.</param>
/// <param name="DiffEncodings">Diffs encoded by this update (one per new kept commit).</param>
/// <param name="StateEncodings">Repository states encoded by this update (h₀, and each step in the repo_state/concat modes).</param>
/// <param name="NewKeptCommits">Kept commits among the walked ones.</param>
/// <param name="GruSteps">GRU steps taken by this update.</param>
/// <param name="TotalKeptCommits">Kept commits the state has consumed since its root.</param>
/// <param name="Exported">True when the adapter files were (re)written.</param>
/// <param name="HeadMs">Context + head forward of the export (0 when nothing was exported).</param>
/// <param name="Timings">One row per kept commit of this update.</param>
/// <param name="Message">A one-line summary for people (starts with the rebuild reason, if any).</param>
public sealed record LiveUpdateResult(
    string RepoPath, string StateDirectory, string AdapterDirectory, string HeadSha, string? RebuildReason,
    int CommitsWalked, int NewKeptCommits, int DiffEncodings, int StateEncodings, int GruSteps, int TotalKeptCommits,
    bool Exported, double HeadMs, IReadOnlyList<LiveCommitTiming> Timings, string Message);

/// <summary>Progress of an update: commits walked of those to walk, kept so far, the commit just done.</summary>
public readonly record struct LiveUpdateProgress(int Done, int Total, int Kept, string Sha);

/// <summary>
/// Live Code2LoRA-Evo adapters for a real repository (paper-notes §1.5, "O(1) per commit"): a saved GRU state per repository
/// is advanced from the last commit it saw to HEAD along the first-parent chain, one diff encoding and one GRU step per kept
/// commit, and the adapter of the current state is exported in PEFT's layout. Kept commits and their production diffs follow
/// the benchmark's rule (<see cref="AssertionLedger"/>, <see cref="RepoSource.ProductionDiff"/>), and vectors come from the
/// trained preset's encoder, so the GRU sees what it was trained on.
/// </summary>
public sealed class LiveAdapter
{
    /// <summary>The provenance file written beside an exported adapter.</summary>
    public const string ProvenanceFile = "code2lora_provenance.json";

    private readonly LoadedModel _base;
    private readonly MiningRules _mining;
    private readonly ChunkEmbedder _embedder;
    private readonly CommitGru _gru;
    private readonly Code2LoraHead _head;
    private readonly torch.Device _device;

    private LiveAdapter(EvoExperimentConfig config, MiningRules mining, LoadedModel baseModel, ChunkEmbedder embedder, string encoderId,
        CommitGru gru, Code2LoraHead head, string modelId)
    {
        (Config, _mining, _base, _embedder, EncoderId, _gru, _head, ModelId) = (config, mining, baseModel, embedder, encoderId, gru, head, modelId);
        _device = baseModel.Model.Device;
    }

    /// <summary>The Evo preset (its encoder recipe, base model and name).</summary>
    public EvoExperimentConfig Config { get; }

    /// <summary>Encoder of the vectors (the trained model was checked against it).</summary>
    public string EncoderId { get; }

    /// <summary>"evo-" + 16 hex of SHA-256 over the trained files: a state advanced by other weights is not reused.</summary>
    public string ModelId { get; }

    /// <summary>Save the state after this many kept commits (1: a killed update loses at most the commit in flight). A save
    /// rewrites the assertion ledger, whose size grows with the repository's tests, so replaying a long history may prefer more.</summary>
    public int SaveEveryKept { get; init; } = 1;

    /// <summary>Also save after this many walked commits without a kept one (they cost only git reads and parsing to redo).</summary>
    public int SaveEveryWalked { get; init; } = 64;

    /// <summary>Where the encoder, GRU and head run.</summary>
    public torch.Device Device => _device;

    /// <summary>Width of a diff vector (the GRU's per-step input in the paper's mode).</summary>
    public int DiffDim => _gru.Config.DiffDim;

    /// <summary>Parameters of the GRU module.</summary>
    public long GruParameters => _gru.parameters().Sum(p => p.numel());

    /// <summary>Parameters of the head.</summary>
    public long HeadParameters => _head.parameters().Sum(p => p.numel());

    /// <summary>Diffs encoded since this object was made.</summary>
    public long DiffEncodings { get; private set; }

    /// <summary>GRU steps taken since this object was made.</summary>
    public long GruSteps { get; private set; }

    /// <summary>Where <c>c2l train evo --preset P</c> writes the model (<see cref="EvoExperiment.EvoDirectory"/> of the preset's run).</summary>
    public static string DefaultModelDirectory(string preset) => Path.Combine(RepoPaths.Work, "evo-" + preset, "code2lora-evo");

    /// <summary>The default state folder: inside .git, so it never shows in the work tree or in <c>git status</c>.</summary>
    public static string DefaultStateDirectory(string gitDirectory, string preset) => Path.Combine(gitDirectory, "code2lora", preset);

    /// <summary>Loads the trained GRU and head in <paramref name="evoDirectory"/> and checks them against the preset's encoder.</summary>
    public static LiveAdapter Load(EvoExperimentConfig config, MiningRules mining, LoadedModel baseModel, string evoDirectory)
    {
        if (!File.Exists(Path.Combine(evoDirectory, "evo_config.json")))
            throw new InvalidOperationException($"no trained Code2LoRA-Evo in {evoDirectory} (no evo_config.json); run: c2l train evo --preset {config.Name}");
        var embedder = new ChunkEmbedder(baseModel.Model, baseModel.Tokenizer);
        var encoderId = Encoders.EncoderId.Compute(embedder, config.Encoder);
        var (gru, head) = EvoFiles.Load(evoDirectory, baseModel.Config, encoderId, baseModel.Model.Device);
        if (gru.Config.DiffDim != 2 * embedder.Dimension || gru.Config.StateDim != 2 * embedder.Dimension)
            throw new InvalidOperationException($"{evoDirectory} expects {gru.Config.DiffDim}-wide diff and {gru.Config.StateDim}-wide state vectors, " +
                                                $"but {baseModel.Directory} encodes {2 * embedder.Dimension}-wide ones; retrain: c2l train evo --preset {config.Name}");
        return new LiveAdapter(config, mining, baseModel, embedder, encoderId, gru, head, ComputeModelId(evoDirectory));
    }

    /// <summary>The model id of the trained files in <paramref name="evoDirectory"/>.</summary>
    public static string ComputeModelId(string evoDirectory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in new[] { "evo_config.json", "gru.safetensors", "head.safetensors" })
        {
            var path = Path.Combine(evoDirectory, name);
            if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing; retrain: c2l train evo");
            hash.AppendData(File.ReadAllBytes(path));
        }
        return "evo-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>
    /// Advances the state of the repository at <paramref name="repoPath"/> to HEAD and exports its adapter to
    /// <paramref name="adapterDirectory"/> (default &lt;state&gt;/adapter). The state lives in <paramref name="stateDirectory"/>
    /// (default <see cref="DefaultStateDirectory"/>); a state of another model or encoder, a damaged one, or one whose last
    /// commit is no longer on HEAD's first-parent chain (force-push, rebase, reset) is rebuilt from the root, and the result
    /// says why. Cancelling stops between commits; everything saved stays consistent and the next update continues from it.
    /// </summary>
    public LiveUpdateResult Update(string repoPath, string? stateDirectory = null, string? adapterDirectory = null,
        IProgress<LiveUpdateProgress>? progress = null, CancellationToken cancel = default)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(repoPath));
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{repoPath} does not exist.");
        if (!Repository.IsValid(full))
            throw new InvalidOperationException($"{full} is not a git repository (no .git there); pass the top folder of a git work tree.");
        using var repo = new Repository(full);
        if (repo.Info.IsBare)
            throw new InvalidOperationException($"{full} is a bare repository; live adapters follow a work tree's HEAD: clone it (git clone {full}) and update the clone.");
        var tip = repo.Head.Tip
                  ?? throw new InvalidOperationException($"{full} has no commits yet ({repo.Head.CanonicalName} is unborn); commit something, then update.");

        var stateDir = Path.GetFullPath(stateDirectory ?? DefaultStateDirectory(repo.Info.Path, Config.Name));
        var outDir = Path.GetFullPath(adapterDirectory ?? Path.Combine(stateDir, "adapter"));
        Directory.CreateDirectory(stateDir);
        using var held = RunLock.Acquire(stateDir, "evo update");

        var (loaded, rebuild) = LoadState(stateDir);
        var pending = new List<Commit>();
        var lastSeen = loaded?.State.LastSeenSha;
        var reached = false;
        for (var c = tip; c is not null; c = c.Parents.FirstOrDefault())
        {
            if (c.Sha == lastSeen) { reached = true; break; }
            pending.Add(c);
        }
        if (lastSeen is not null && !reached)
        {
            rebuild = $"history was rewritten since {Short(lastSeen)} (it is no longer on HEAD's first-parent chain): rebuilding from scratch";
            loaded = null;
        }
        pending.Reverse();

        var state = loaded?.State ?? LiveAdapterState.Empty(Config.Name, EncoderId, ModelId);
        var h = loaded?.H;
        var ledger = loaded?.Ledger ?? new AssertionLedger();
        var timings = new List<LiveCommitTiming>();
        int diffEncodings = 0, stateEncodings = 0, steps = 0, walkedSinceSave = 0, keptSinceSave = 0;
        var dirty = loaded is null;            // a first run or a rebuild saves even an empty walk
        RepoSource? stateSource = null;
        try
        {
            using var source = RepoSource.Open(full, null, _mining);
            for (var i = 0; i < pending.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var commit = pending[i];
                var info = new CommitInfo(commit.Sha, state.CommitsWalked, commit.Committer.When, commit.Message, commit.Parents.FirstOrDefault()?.Sha);
                var clock = Stopwatch.StartNew();
                var added = ledger.Scan(source, info, _mining);
                state = state with { LastSeenSha = commit.Sha, CommitsWalked = state.CommitsWalked + 1 };
                (dirty, walkedSinceSave) = (true, walkedSinceSave + 1);
                if (added.Count == 0)
                {
                    if (walkedSinceSave >= SaveEveryWalked) (state, dirty, walkedSinceSave) = (state.Save(stateDir, h, ledger), false, 0);
                    progress?.Report(new LiveUpdateProgress(i + 1, pending.Count, state.KeptCommits, commit.Sha));
                    continue;
                }

                var diff = source.ProductionDiff(state.LastKeptSha, commit.Sha, _mining);
                var mineMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                float[]? stateVector = null;
                if (h is null || _gru.Config.NeedsStatePerCommit)
                {
                    stateSource ??= RepoSource.Open(full, null, Config.Encoder.State.Files.Rules);
                    stateVector = EncodeState(stateSource, commit.Sha);
                    stateEncodings++;
                }
                var stateMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var diffVector = new DiffEncoder(_embedder, Config.Encoder.Diff).Encode(diff);
                diffEncodings++;
                DiffEncodings++;
                var encodeMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                h = Advance(h, stateVector, diffVector);
                steps++;
                GruSteps++;
                var gruMs = clock.Elapsed.TotalMilliseconds;
                state = state with
                {
                    KeptCommits = state.KeptCommits + 1, LastKeptSha = commit.Sha, KeptChain = LiveAdapterState.Extend(state.KeptChain, commit.Sha),
                    InitialStateSha = state.InitialStateSha ?? commit.Sha,
                };
                clock.Restart();
                if (++keptSinceSave >= SaveEveryKept) (state, dirty, walkedSinceSave, keptSinceSave) = (state.Save(stateDir, h, ledger), false, 0, 0);
                timings.Add(new LiveCommitTiming(commit.Sha, mineMs, encodeMs, stateMs, gruMs, clock.Elapsed.TotalMilliseconds));
                progress?.Report(new LiveUpdateProgress(i + 1, pending.Count, state.KeptCommits, commit.Sha));
            }
        }
        finally
        {
            stateSource?.Dispose();
        }
        if (dirty) state = state.Save(stateDir, h, ledger);

        double headMs = 0;
        var exported = false;
        string message;
        var news = $"{Reporting.Counts.Of(pending.Count, "new commit")}, {steps} kept";
        if (h is null)
        {
            RemoveExport(outDir);
            message = $"{news}: no kept commit yet (none adds or changes an assertion in a test file), so there is no adapter to export.";
        }
        else if (IsExported(outDir, state))
            message = $"{news}: the adapter in {outDir} is up to date ({Reporting.Counts.Of(state.KeptCommits, "kept commit")}).";
        else
        {
            headMs = Export(outDir, full, state, h);
            exported = true;
            message = $"{news}: adapter after {Reporting.Counts.Of(state.KeptCommits, "kept commit")} → {outDir}";
        }
        if (rebuild is not null) message = rebuild + ". " + message;
        return new LiveUpdateResult(full, stateDir, outDir, tip.Sha, rebuild, pending.Count, steps, diffEncodings, stateEncodings, steps,
            state.KeptCommits, exported, headMs, timings, message);
    }

    private (LiveAdapterState.Loaded? Loaded, string? Rebuild) LoadState(string stateDir)
    {
        var loaded = LiveAdapterState.TryLoad(stateDir, out var problem);
        if (problem is not null) return (null, problem + ": rebuilding from scratch");
        if (loaded is null) return (null, null);
        var s = loaded.State;
        if (s.ModelId != ModelId || s.EncoderId != EncoderId || s.Preset != Config.Name)
            return (null, $"the state in {stateDir} was made by model {s.ModelId} (preset {s.Preset}, encoder {s.EncoderId}), " +
                          $"not by {ModelId} (preset {Config.Name}, encoder {EncoderId}): rebuilding from scratch");
        return (loaded, null);
    }

    private float[] EncodeState(RepoSource source, string sha)
    {
        var snapshot = source.ReadSnapshot(sha, Config.Encoder.State.Files.Includes);
        return new RepoStateEncoder(_embedder, Config.Encoder.State).Encode(snapshot.Files, out _);
    }

    /// <summary>One kept commit: h₀ = repo_init_proj(<paramref name="state"/>) when <paramref name="h"/> is null (the first kept
    /// commit, as the trainer walks), then one GRU step with the commit's input; returns h'.</summary>
    public float[] Advance(float[]? h, float[]? state, float[] diff)
    {
        if (h is null && state is null) throw new ArgumentException("the first kept commit needs its repository-state vector (h₀).");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var current = h is null ? _gru.InitialState(HistoryWalk.Row(state!, _device)) : HistoryWalk.Row(h, _device);
        var next = _gru.Step(current, HistoryWalk.Row(_gru.Config.StepInput(diff, state), _device));
        return next.to(torch.ScalarType.Float32).cpu().data<float>().ToArray();
    }

    /// <summary>The adapter of state <paramref name="h"/>: head(output_norm(h)), one example (dispose it).</summary>
    public GeneratedAdapter Adapter(float[] h)
    {
        using var noGrad = torch.no_grad();
        using var context = _gru.Context(HistoryWalk.Row(h, _device));
        return _head.forward(context);
    }

    private double Export(string outDir, string repoPath, LiveAdapterState state, float[] h)
    {
        var clock = Stopwatch.StartNew();
        using var adapter = Adapter(h);
        using (torch.NewDisposeScope())
            foreach (var a in adapter.A.Values) a.sum().item<float>();     // wait for asynchronous devices before reading the clock
        var headMs = clock.Elapsed.TotalMilliseconds;
        PeftAdapterFiles.Save(outDir, adapter, _head.Config.Lora, _base.Config, _base.NameOrPath);
        var provenance = new
        {
            repo = repoPath, head_sha = state.LastSeenSha, commits_walked = state.CommitsWalked, kept_commits = state.KeptCommits,
            kept_chain = state.KeptChain, initial_state_sha = state.InitialStateSha, last_kept_sha = state.LastKeptSha,
            preset = Config.Name, model_id = ModelId, encoder_id = EncoderId, base_model = Config.BaseModel, h_sha256 = state.HSha256,
            provenance = Provenance.Capture("c2l evo update"),
        };
        AtomicFile.WriteText(Path.Combine(outDir, ProvenanceFile), JsonSerializer.Serialize(provenance, Provenance.Json));
        return headMs;
    }

    // The adapter on disk is current when its provenance names this state's h and model and both PEFT files exist.
    private bool IsExported(string outDir, LiveAdapterState state)
    {
        var path = Path.Combine(outDir, ProvenanceFile);
        if (!File.Exists(path) || !File.Exists(Path.Combine(outDir, PeftAdapterFiles.WeightsFile)) || !File.Exists(Path.Combine(outDir, PeftAdapterFiles.ConfigFile)))
            return false;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            return node?["h_sha256"]?.GetValue<string>() == state.HSha256 && node?["model_id"]?.GetValue<string>() == ModelId
                   && node?["head_sha"]?.GetValue<string>() == state.LastSeenSha;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return false; }
    }

    // After a rebuild that finds no kept commit, an adapter of the old history would be stale: remove the files this class wrote.
    private static void RemoveExport(string outDir)
    {
        if (!File.Exists(Path.Combine(outDir, ProvenanceFile))) return;
        foreach (var name in new[] { PeftAdapterFiles.WeightsFile, PeftAdapterFiles.ConfigFile, ProvenanceFile })
            File.Delete(Path.Combine(outDir, name));
    }

    // One update per state folder at a time; the OS releases the lock when the process dies, so a killed update never blocks the next.
    private static string Short(string sha) => sha[..Math.Min(12, sha.Length)];
}
