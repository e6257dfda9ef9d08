using System.Security.Cryptography;
using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>
/// What a live Evo adapter remembers about one repository (state.json). The GRU state h and the kept-commit rule's
/// <see cref="AssertionLedger"/> live beside it in files numbered by <see cref="Generation"/>: a save writes the new
/// generation's files first and state.json last (each atomically), so state.json always names a complete generation and
/// a process killed mid-save leaves the previous one in force.
/// </summary>
public sealed record LiveAdapterState
{
    /// <summary>Version of this layout; a state of another version is rebuilt (2: the ledger's keys are 128-bit).</summary>
    public const int CurrentSchema = 2;

    /// <summary>The file that commits a save.</summary>
    public const string StateFile = "state.json";

    /// <summary>Layout version.</summary>
    public int Schema { get; init; } = CurrentSchema;
    /// <summary>Evo preset whose model advanced the state.</summary>
    public required string Preset { get; init; }
    /// <summary>Encoder of the diff and state vectors (<see cref="Encoders.EncoderId"/>).</summary>
    public required string EncoderId { get; init; }
    /// <summary>Hash of the trained GRU and head files (<see cref="LiveAdapter.ModelId"/>).</summary>
    public required string ModelId { get; init; }
    /// <summary>Newest first-parent commit walked (null: nothing walked yet).</summary>
    public string? LastSeenSha { get; init; }
    /// <summary>First-parent commits walked from the root up to <see cref="LastSeenSha"/>.</summary>
    public int CommitsWalked { get; init; }
    /// <summary>The commit whose repository state gave h₀ (the first kept commit).</summary>
    public string? InitialStateSha { get; init; }
    /// <summary>Kept commits consumed (GRU steps taken).</summary>
    public int KeptCommits { get; init; }
    /// <summary>The newest kept commit: the "from" side of the next kept commit's production diff.</summary>
    public string? LastKeptSha { get; init; }
    /// <summary>Rolling SHA-256 over the kept commits' shas in order: equal chains, equal hashes (state.json stays small).</summary>
    public string KeptChain { get; init; } = "";
    /// <summary>Number of the data files in force.</summary>
    public int Generation { get; init; }
    /// <summary>SHA-256 of h.&lt;generation&gt;.safetensors (null before the first kept commit).</summary>
    public string? HSha256 { get; init; }
    /// <summary>SHA-256 of ledger.&lt;generation&gt;.json.</summary>
    public string LedgerSha256 { get; init; } = "";
    /// <summary>When the state was first made.</summary>
    public DateTime CreatedUtc { get; init; }
    /// <summary>When it was last saved.</summary>
    public DateTime UpdatedUtc { get; init; }

    /// <summary>The chain hash after appending <paramref name="sha"/>.</summary>
    public static string Extend(string chain, string sha) => Hex(System.Text.Encoding.UTF8.GetBytes(chain + "\n" + sha));

    /// <summary>A state that has seen nothing.</summary>
    public static LiveAdapterState Empty(string preset, string encoderId, string modelId) => new()
    {
        Preset = preset, EncoderId = encoderId, ModelId = modelId, CreatedUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow,
    };

    /// <summary>A loaded state with its data: h (null before the first kept commit) and the ledger.</summary>
    public sealed record Loaded(LiveAdapterState State, float[]? H, AssertionLedger Ledger);

    /// <summary>Reads the state in <paramref name="dir"/>; null when there is none, or when it cannot be used, with the reason
    /// in <paramref name="problem"/> (a damaged or foreign state is rebuilt, never half-trusted).</summary>
    public static Loaded? TryLoad(string dir, out string? problem)
    {
        problem = null;
        var path = Path.Combine(dir, StateFile);
        if (!File.Exists(path)) return null;
        try
        {
            var state = JsonSerializer.Deserialize<LiveAdapterState>(File.ReadAllText(path), Provenance.Json)
                        ?? throw new InvalidDataException("empty document");
            if (state.Schema != CurrentSchema) { problem = $"{path} has layout version {state.Schema}, this code writes {CurrentSchema}"; return null; }
            var ledgerPath = Path.Combine(dir, LedgerFile(state.Generation));
            var ledgerBytes = File.ReadAllBytes(ledgerPath);
            if (Hex(ledgerBytes) != state.LedgerSha256) { problem = $"{ledgerPath} does not match the checksum in {path}"; return null; }
            float[]? h = null;
            if (state.HSha256 is not null)
            {
                var hPath = Path.Combine(dir, HFile(state.Generation));
                if (Hex(File.ReadAllBytes(hPath)) != state.HSha256) { problem = $"{hPath} does not match the checksum in {path}"; return null; }
                using var scope = torch.NewDisposeScope();
                var tensors = SafeTensors.Load(hPath);
                h = tensors.TryGetValue("h", out var t) ? t.to(torch.ScalarType.Float32).data<float>().ToArray()
                    : throw new InvalidDataException($"{hPath} has no tensor 'h'");
            }
            return new Loaded(state, h, AssertionLedger.FromJson(System.Text.Encoding.UTF8.GetString(ledgerBytes)));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException or CheckpointException)
        {
            problem = $"the state in {dir} cannot be read ({e.Message})";
            return null;
        }
    }

    /// <summary>Saves <paramref name="h"/> and <paramref name="ledger"/> as the next generation, then state.json (the commit
    /// point), then removes every other generation's files. Returns the state as saved.</summary>
    public LiveAdapterState Save(string dir, float[]? h, AssertionLedger ledger)
    {
        Directory.CreateDirectory(dir);
        var generation = Math.Max(Generation, NewestGeneration(dir)) + 1;   // never reuse a number a damaged state may still name
        string? hSha = null;
        if (h is not null)
        {
            var hPath = Path.Combine(dir, HFile(generation));
            using (var scope = torch.NewDisposeScope())
                SafeTensors.Save(hPath, new Dictionary<string, torch.Tensor> { ["h"] = torch.tensor(h, [1, h.Length]) },
                    new Dictionary<string, string> { ["model_id"] = ModelId, ["encoder_id"] = EncoderId });
            hSha = Hex(File.ReadAllBytes(hPath));
        }
        var ledgerBytes = System.Text.Encoding.UTF8.GetBytes(ledger.ToJson());
        AtomicFile.Write(Path.Combine(dir, LedgerFile(generation)), s => s.Write(ledgerBytes));
        var saved = this with { Generation = generation, HSha256 = hSha, LedgerSha256 = Hex(ledgerBytes), UpdatedUtc = DateTime.UtcNow };
        AtomicFile.WriteText(Path.Combine(dir, StateFile), JsonSerializer.Serialize(saved, Provenance.Json));
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            var name = Path.GetFileName(file);
            var stale = (name.StartsWith("h.", StringComparison.Ordinal) || name.StartsWith("ledger.", StringComparison.Ordinal))
                        && name != HFile(generation) && name != LedgerFile(generation);
            if (stale) File.Delete(file);    // older generations and temporaries of a killed save
        }
        return saved;
    }

    /// <summary>The h file of a generation.</summary>
    public static string HFile(int generation) => $"h.{generation}.safetensors";

    /// <summary>The ledger file of a generation.</summary>
    public static string LedgerFile(int generation) => $"ledger.{generation}.json";

    private static int NewestGeneration(string dir) => Directory.EnumerateFiles(dir)
        .Select(f => Path.GetFileName(f).Split('.'))
        .Where(p => p.Length >= 3 && p[0] is "h" or "ledger")
        .Select(p => int.TryParse(p[1], out var g) ? g : 0)
        .DefaultIfEmpty(0).Max();

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
