using System.Globalization;
using Code2Lora.Adapters;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using static TorchSharp.torch;

namespace Code2Lora.Hyper.Released;

/// <summary>The three layouts of the authors' <c>.pt</c> checkpoints (paper-notes §1.9).</summary>
public enum ReleasedCheckpointFormat
{
    /// <summary>The Table-2 static trainer: {hypernet_state_dict, module_specs, hypernet_config}; the context is L2-normalised first.</summary>
    V1,
    /// <summary>The V2 static trainer (the released code2lora-direct): {state_dict, config, type_dims, args}.</summary>
    V2Static,
    /// <summary>The V2 GRU trainer (the released code2lora-gru): {gru_state, head_state, head_config, gru_config, type_dims, args, per_step_input}.</summary>
    Gru,
}

/// <summary>
/// An authors' checkpoint read from its <c>.pt</c> file: the head's configuration and weights, and for the GRU layout the
/// recurrence's too. <see cref="CreateHead"/> and <see cref="CreateGru"/> build this package's modules and load the weights with
/// a strict key and shape check (the head's key names are the authors', so nothing is renamed).
/// </summary>
public sealed class ReleasedCheckpoint
{
    private readonly IReadOnlyDictionary<string, Tensor> headState;
    private readonly IReadOnlyDictionary<string, Tensor>? gruState;

    private ReleasedCheckpoint(string path, ReleasedCheckpointFormat format, Code2LoraHeadConfig head, IReadOnlyDictionary<string, (int In, int Out)> typeDims,
        IReadOnlyDictionary<string, Tensor> headState, CommitGruConfig? gru, IReadOnlyDictionary<string, Tensor>? gruState, IReadOnlyList<string> notes)
    {
        (Path, Format, HeadConfig, TypeDims, this.headState, GruConfig, this.gruState, Notes) = (path, format, head, typeDims, headState, gru, gruState, notes);
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Which trainer wrote it.</summary>
    public ReleasedCheckpointFormat Format { get; }

    /// <summary>The head's shape (input width, H, rank and α, types; V1: L2-normalised input).</summary>
    public Code2LoraHeadConfig HeadConfig { get; }

    /// <summary>(in, out) features of each module type the head was trained for: the base model's projection shapes.</summary>
    public IReadOnlyDictionary<string, (int In, int Out)> TypeDims { get; }

    /// <summary>The recurrence's shape (GRU layout only).</summary>
    public CommitGruConfig? GruConfig { get; }

    /// <summary>What the file did not say and was assumed (e.g. V1 files do not record LoRA α).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The head's weights as stored (authors' key names).</summary>
    public IReadOnlyDictionary<string, Tensor> HeadState => headState;

    /// <summary>The GRU's weights as stored (GRU layout only).</summary>
    public IReadOnlyDictionary<string, Tensor>? GruState => gruState;

    /// <summary>Reads and checks <paramref name="path"/>: the layout is recognised by its top-level keys; a missing or
    /// ill-typed field, an unknown module type or a multi-task head is an error naming the file and the field.</summary>
    public static ReleasedCheckpoint Read(string path)
    {
        var root = TorchSaveFile.Read(path);
        var file = new Fields(path, root, "");
        if (root.ContainsKey("gru_state") && root.ContainsKey("head_state")) return ReadGru(file);
        if (root.ContainsKey("state_dict") && root.ContainsKey("config")) return ReadV2(file);
        if (root.ContainsKey("hypernet_state_dict")) return ReadV1(file);
        throw new CheckpointException(path, $"not one of the authors' checkpoint layouts (top-level keys: {string.Join(", ", root.Keys.Order(StringComparer.Ordinal))}); " +
                                            "expected {state_dict, config, …} (V2 static), {gru_state, head_state, …} (GRU) or {hypernet_state_dict, …} (V1).");
    }

    /// <summary>Builds the head for <paramref name="model"/> (eval mode) and loads the weights; the checkpoint's module shapes must
    /// be <paramref name="model"/>'s, and every key must match in name and shape.</summary>
    public Code2LoraHead CreateHead(ModelConfig model, Device? device = null)
    {
        var mismatched = TypeDims.Where(kv => LoraTargets.Dims(model, kv.Key) != kv.Value)
            .Select(kv => $"{kv.Key} {kv.Value.In}→{kv.Value.Out} in the checkpoint, {LoraTargets.Dims(model, kv.Key).In}→{LoraTargets.Dims(model, kv.Key).Out} in the base model")
            .ToList();
        if (mismatched.Count > 0)
            throw new CheckpointException(Path, $"the head was trained for another base model ({string.Join("; ", mismatched)}); pass the base model it was trained with (--base-model).");
        var head = new Code2LoraHead(HeadConfig, model, device);
        LoadStrict(head, headState, "head");
        head.eval();
        return head;
    }

    /// <summary>Builds the recurrence (eval mode) and loads its weights; only for the GRU layout.</summary>
    public CommitGru CreateGru(Device? device = null)
    {
        if (GruConfig is null || gruState is null)
            throw new CheckpointException(Path, $"a {Format} checkpoint has no GRU; only code2lora-gru files (gru_state, head_state) do.");
        var gru = new CommitGru(GruConfig, device);
        LoadStrict(gru, gruState, "gru_state");
        gru.eval();
        return gru;
    }

    /// <summary>Writes a GRU checkpoint as this package's trained-Evo files (<see cref="EvoFiles"/>), so the Evo evaluation and live
    /// adapters use it; <paramref name="encoderId"/> names the vectors it reads (the released ones: <c>ReleasedVectors.V2EncoderId</c>).</summary>
    public void SaveAsEvo(string dir, ModelConfig model, string encoderId)
    {
        using var gru = CreateGru();
        using var head = CreateHead(model);
        EvoFiles.Save(dir, gru, head, encoderId);
    }

    private void LoadStrict(TorchSharp.torch.nn.Module module, IReadOnlyDictionary<string, Tensor> state, string what)
    {
        try { StateDictLoader.Load(module, state, strict: true); }
        catch (CheckpointException e) { throw new CheckpointException(Path, $"{what}: {e.Message}", e); }
    }

    private static ReleasedCheckpoint ReadV2(Fields file)
    {
        var config = file.Dict("config");
        var (head, dims, notes) = HeadFrom(config, file.Dict("args", optional: true), normalizeInput: false);
        return new ReleasedCheckpoint(file.Path, ReleasedCheckpointFormat.V2Static, head, dims, file.Tensors("state_dict"), null, null, notes);
    }

    private static ReleasedCheckpoint ReadGru(Fields file)
    {
        var (head, dims, notes) = HeadFrom(file.Dict("head_config"), file.Dict("args", optional: true), normalizeInput: false);
        var g = file.Dict("gru_config");
        int stepDim = g.Int("diff_input_dim"), stateDim = g.Int("repo_state_dim"), hidden = g.Int("hidden_dim");
        var mode = file.Root.ContainsKey("per_step_input") ? file.String("per_step_input") : CommitGruConfig.Diff;
        var diffDim = mode switch
        {
            CommitGruConfig.Diff => stepDim,
            CommitGruConfig.RepoState when stepDim == stateDim => stepDim,
            CommitGruConfig.Concat when stepDim > stateDim => stepDim - stateDim,
            CommitGruConfig.RepoState or CommitGruConfig.Concat => throw new CheckpointException(file.Path,
                $"gru_config.diff_input_dim {stepDim} does not fit per_step_input '{mode}' with repo_state_dim {stateDim}."),
            _ => throw new CheckpointException(file.Path, $"per_step_input '{mode}' is not one of diff, repo_state, concat."),
        };
        if (head.InputDim != hidden)
            throw new CheckpointException(file.Path, $"head_config.input_dim {head.InputDim} differs from gru_config.hidden_dim {hidden}: the head reads the GRU state.");
        var gru = new CommitGruConfig { DiffDim = diffDim, StateDim = stateDim, HiddenDim = hidden, PerStepInput = mode };
        return new ReleasedCheckpoint(file.Path, ReleasedCheckpointFormat.Gru, head, dims, file.Tensors("head_state"), gru, file.Tensors("gru_state"), notes);
    }

    private static ReleasedCheckpoint ReadV1(Fields file)
    {
        var c = file.Dict("hypernet_config");
        var dims = DimsFrom(c, "type_shapes");
        var types = c.Strings("types");
        CheckTypes(file.Path, types, dims, "hypernet_config");
        var head = new Code2LoraHeadConfig
        {
            InputDim = c.Int("input_dim"), HiddenDim = c.Int("hidden_dim"), NormalizeInput = true,
            Lora = new LoraConfig { Rank = c.Int("rank"), Alpha = 2.0 * c.Int("rank"), TargetModules = types },
        };
        var notes = new[] { $"V1 files do not record LoRA α; assumed α = 2r = {head.Lora.Alpha} (the paper's α/r = 2)." };
        return new ReleasedCheckpoint(file.Path, ReleasedCheckpointFormat.V1, Validated(file.Path, head), dims, file.Tensors("hypernet_state_dict"), null, null, notes);
    }

    /// <summary>The head of a V2 config dict (config / head_config) and the trainer's args (α).</summary>
    private static (Code2LoraHeadConfig, IReadOnlyDictionary<string, (int, int)>, IReadOnlyList<string>) HeadFrom(Fields config, Fields? args, bool normalizeInput)
    {
        if (config.Root.ContainsKey("num_tasks") && config.Int("num_tasks") > 0)
            throw new CheckpointException(config.Path, $"{config.Where}num_tasks = {config.Int("num_tasks")}: a multi-task head (task_embedding, c2l-terminal) is not supported; " +
                                                       "only the single-task heads of the paper are.");
        var dims = DimsFrom(config, "type_dims");
        var types = config.Strings("types");
        CheckTypes(config.Path, types, dims, config.Where.TrimEnd('.'));
        var rank = config.Int("rank");
        var notes = new List<string>();
        double alpha;
        if (args is not null && args.Root.ContainsKey("alpha")) alpha = args.Double("alpha");
        else
        {
            alpha = 2.0 * rank;
            notes.Add($"the file records no args.alpha; assumed α = 2r = {alpha} (the paper's α/r = 2).");
        }
        var head = new Code2LoraHeadConfig
        {
            InputDim = config.Int("input_dim"), HiddenDim = config.Int("hidden_dim"), NormalizeInput = normalizeInput,
            Lora = new LoraConfig { Rank = rank, Alpha = alpha, TargetModules = types },
        };
        return (Validated(config.Path, head), dims, notes);
    }

    private static Code2LoraHeadConfig Validated(string path, Code2LoraHeadConfig head)
    {
        try { return head.Validate(); }
        catch (ArgumentException e) { throw new CheckpointException(path, e.Message, e); }
    }

    private static IReadOnlyDictionary<string, (int In, int Out)> DimsFrom(Fields parent, string key)
    {
        var dims = parent.Dict(key);
        return dims.Root.Keys.Order(StringComparer.Ordinal).ToDictionary(t => t, t =>
        {
            var pair = dims.Ints(t);
            return pair.Count == 2 ? (pair[0], pair[1]) : throw new CheckpointException(parent.Path, $"{dims.Where}{t} should be [in_features, out_features], found {pair.Count} numbers.");
        }, StringComparer.Ordinal);
    }

    private static void CheckTypes(string path, IReadOnlyList<string> types, IReadOnlyDictionary<string, (int, int)> dims, string where)
    {
        foreach (var t in types)
            if (!LoraTargets.All.Contains(t))
                throw new CheckpointException(path, $"{where}: module type '{t}' is not one this package can adapt ({string.Join(", ", LoraTargets.All)}).");
        if (!types.Order(StringComparer.Ordinal).SequenceEqual(dims.Keys.Order(StringComparer.Ordinal)))
            throw new CheckpointException(path, $"{where}: types [{string.Join(", ", types)}] differ from the types with dimensions [{string.Join(", ", dims.Keys)}].");
    }

    /// <summary>Typed access to one dict of the file, with errors that name the file and the field's path.</summary>
    private sealed class Fields(string path, IReadOnlyDictionary<string, object?> root, string where)
    {
        public string Path { get; } = path;
        public IReadOnlyDictionary<string, object?> Root { get; } = root;
        public string Where { get; } = where;

        private object? Get(string key) => Root.TryGetValue(key, out var v) ? v
            : throw new CheckpointException(Path, $"missing field '{Where}{key}' (fields here: {string.Join(", ", Root.Keys.Order(StringComparer.Ordinal))}).");

        private CheckpointException Wrong(string key, string expected, object? found) =>
            new(Path, $"field '{Where}{key}' should be {expected}, found {found?.GetType().Name ?? "None"} ({found}).");

        public Fields Dict(string key) => Get(key) is IReadOnlyDictionary<string, object?> d ? new Fields(Path, d, $"{Where}{key}.") : throw Wrong(key, "a dict", Root[key]);

        public Fields? Dict(string key, bool optional) => optional && !Root.ContainsKey(key) ? null : Dict(key);

        public int Int(string key) => Get(key) switch
        {
            int i => i,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            var other => throw Wrong(key, "an integer", other),
        };

        public double Double(string key) => Get(key) switch
        {
            double d => d,
            int i => i,
            long l => l,
            var other => throw Wrong(key, "a number", other),
        };

        public string String(string key) => Get(key) as string ?? throw Wrong(key, "a string", Root[key]);

        public IReadOnlyList<string> Strings(string key) => Get(key) is List<object?> l && l.All(x => x is string)
            ? l.Cast<string>().ToList() : throw Wrong(key, "a list of strings", Root[key]);

        public IReadOnlyList<int> Ints(string key) => Get(key) is List<object?> l && l.All(x => x is int or long)
            ? l.Select(x => Convert.ToInt32(x, CultureInfo.InvariantCulture)).ToList() : throw Wrong(key, "a list of integers", Root[key]);

        public IReadOnlyDictionary<string, Tensor> Tensors(string key)
        {
            var d = Dict(key);
            var notTensors = d.Root.Where(kv => kv.Value is not Tensor).Select(kv => kv.Key).ToList();
            if (notTensors.Count > 0)
                throw new CheckpointException(Path, $"'{Where}{key}' should map names to tensors; these are not: {string.Join(", ", notTensors.Take(10))}.");
            return d.Root.ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value!, StringComparer.Ordinal);
        }
    }
}
