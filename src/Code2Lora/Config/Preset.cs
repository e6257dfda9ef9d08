using Code2Lora.Bench;
using Code2Lora.Forge;
using Code2Lora.Mining;

namespace Code2Lora.Config;

/// <summary>A named configuration of the whole pipeline. Change one field with <c>with { … }</c> or a JSON override.</summary>
public sealed record Preset
{
    /// <summary>Registry name: smoke, tiny or paper.</summary>
    public required string Name { get; init; }
    /// <summary>Benchmark thresholds (caps, splits, smart cap).</summary>
    public required BenchConfig Bench { get; init; }
    /// <summary>Test-file rule, skip directories and file limits.</summary>
    public MiningRules Mining { get; init; } = new();
    /// <summary>The forge world of the evolution track; null means no forge (real histories only).</summary>
    public ForgeConfig? Forge { get; init; }
    /// <summary>Debian package list of the static track, relative to data/ (null: none).</summary>
    public string? StaticPackages { get; init; } = "corpora/static-packages.txt";
    /// <summary>A manifest of shipped real git histories, relative to data/ (e.g. histories/manifest.tsv): each joins both tracks,
    /// the static one at HEAD. Bundles are verified and cloned into data/work/histories. null: none.</summary>
    public string? Histories { get; init; }
    /// <summary>The controlled (forge) evolution track that `c2l reproduce --controlled` runs after this one, as its own experiment and table
    /// (configs/{bench,evo}/&lt;name&gt;.json); null: none.</summary>
    public string? ControlledTrack { get; init; }
    /// <summary>Use at most this many packages of the list (0 = all), in list order.</summary>
    public int MaxPackages { get; init; }
    /// <summary>Seed of everything downstream that is random.</summary>
    public int Seed { get; init; } = 3407;
}

/// <summary>The registry of bench presets: <c>configs/bench/{smoke,tiny,paper}.json</c> (smoke: tests and CI; tiny: the embedded
/// default; paper: the paper's thresholds for repositories you give).</summary>
public static class Presets
{
    /// <summary>The tests' and CI notebooks' world: a few packages, a small forge. Runs in seconds.</summary>
    public static Preset Smoke => Get("smoke");

    /// <summary>The embedded default: the whole Debian list and the 20 shipped real histories (its controlled track, the forge, is <c>forge</c>). Minutes on 2 CPU cores.</summary>
    public static Preset Tiny => Get("tiny");

    /// <summary>The paper's thresholds, for real repositories given by path or clone list (no forge, no Debian list).</summary>
    public static Preset Paper => Get("paper");

    /// <summary>A shipped preset by name; a clear error lists the known ones.</summary>
    public static Preset Get(string name) => ConfigFiles.Preset<Preset>("bench", name);
}
