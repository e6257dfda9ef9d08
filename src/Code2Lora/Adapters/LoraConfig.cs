namespace Code2Lora.Adapters;

/// <summary>How LoRA deltas are applied to a frozen decoder (paper-notes §1.4): y = base(x) + (α/r)·((x Aᵀ) Bᵀ).</summary>
public sealed record LoraConfig
{
    /// <summary>Rank r of every adapter (the paper: 16).</summary>
    public int Rank { get; init; } = 16;
    /// <summary>α; the delta is scaled by α/r (the paper: 32/16 = 2.0).</summary>
    public double Alpha { get; init; } = 32;
    /// <summary>HF projection names that get a delta (default: all seven of Qwen2's per-layer linears).</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = LoraTargets.All;
    /// <summary>Use x.detach() inside the delta, as both official wrappers do: A and B get exact gradients, earlier layers
    /// ignore later LoRA paths. Parity default for generated adapters; set false for PEFT-style trainable adapters.</summary>
    public bool DetachInput { get; init; } = true;
    /// <summary>Compute the delta in fp32 and cast it back to the base dtype (official code); false keeps the base dtype.</summary>
    public bool DeltaInFp32 { get; init; } = true;

    /// <summary>α/r.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>Throws a readable error for a rank, α or target list that cannot work.</summary>
    public LoraConfig Validate()
    {
        if (Rank <= 0) throw new ArgumentException($"LoRA rank must be positive, got {Rank}.");
        if (!double.IsFinite(Alpha)) throw new ArgumentException($"LoRA alpha must be finite, got {Alpha}.");
        if (TargetModules.Count == 0) throw new ArgumentException("LoRA target_modules is empty.");
        foreach (var t in TargetModules) LoraTargets.CheckName(t);
        if (TargetModules.Distinct(StringComparer.Ordinal).Count() != TargetModules.Count)
            throw new ArgumentException($"LoRA target_modules lists a module twice: {string.Join(", ", TargetModules)}.");
        return this;
    }

    /// <summary>Value equality, target list included: configs read from two JSON files hold two lists with the same names, and
    /// a record's generated equality would compare the list references (the evolution table then dropped its static rows).</summary>
    public bool Equals(LoraConfig? other) =>
        other is not null && Rank == other.Rank && Alpha.Equals(other.Alpha) && DetachInput == other.DetachInput
        && DeltaInFp32 == other.DeltaInFp32 && TargetModules.SequenceEqual(other.TargetModules, StringComparer.Ordinal);

    /// <summary>A hash that agrees with <see cref="Equals(LoraConfig?)"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Rank);
        hash.Add(Alpha);
        hash.Add(DetachInput);
        hash.Add(DeltaInFp32);
        foreach (var t in TargetModules) hash.Add(t, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>The targets in sorted (ordinal) order: the head's and the checkpoints' iteration order.</summary>
    public IReadOnlyList<string> SortedTargets => TargetModules.OrderBy(t => t, StringComparer.Ordinal).ToList();
}
