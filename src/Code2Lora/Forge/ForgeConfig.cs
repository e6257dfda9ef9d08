namespace Code2Lora.Forge;

/// <summary>Knobs of the forge; the same config (seed included) always produces the same repositories, byte for byte.</summary>
public sealed record ForgeConfig
{
    /// <summary>Number of repositories to generate.</summary>
    public int Repos { get; init; } = 12;

    /// <summary>Commits per repository (a linear first-parent history).</summary>
    public int Commits { get; init; } = 60;

    /// <summary>Genome size: repository-specific facts drawn per repository (introduced over the history).</summary>
    public int FactsPerRepo { get; init; } = 16;

    /// <summary>Expected fraction of commits that change a fact (rename, new default, moved function, deprecation...).</summary>
    public double ChangeRate { get; init; } = 0.25;

    /// <summary>Share of generated assertions that are generic Python, drawn per repository (the control).</summary>
    public double GenericTaskShare { get; init; } = 0.25;

    /// <summary>Master seed; each repository derives its own stream from it.</summary>
    public int Seed { get; init; } = 3407;

    /// <summary>Timestamp of every repository's first commit; later ones follow by seeded gaps.</summary>
    public DateTimeOffset Start { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Throws a clear <see cref="ArgumentException"/> when a knob is out of range.</summary>
    public void Validate()
    {
        if (Repos < 1) throw new ArgumentException($"ForgeConfig.Repos must be at least 1 (got {Repos}).");
        if (Commits < 1) throw new ArgumentException($"ForgeConfig.Commits must be at least 1 (got {Commits}).");
        if (FactsPerRepo < 1) throw new ArgumentException($"ForgeConfig.FactsPerRepo must be at least 1 (got {FactsPerRepo}).");
        if (FactsPerRepo > 64) throw new ArgumentException($"ForgeConfig.FactsPerRepo is capped at 64 so names stay unique (got {FactsPerRepo}).");
        if (ChangeRate is < 0 or > 1 || double.IsNaN(ChangeRate)) throw new ArgumentException($"ForgeConfig.ChangeRate must be in [0, 1] (got {ChangeRate}).");
        if (GenericTaskShare is < 0 or >= 1 || double.IsNaN(GenericTaskShare)) throw new ArgumentException($"ForgeConfig.GenericTaskShare must be in [0, 1) (got {GenericTaskShare}).");
    }

    /// <summary>A stable text form of every knob, stored in each manifest so a re-run can recognise its own output.</summary>
    public string Fingerprint() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"forge-v1;repos={Repos};commits={Commits};facts={FactsPerRepo};change={ChangeRate:R};generic={GenericTaskShare:R};seed={Seed};start={Start.ToUnixTimeSeconds()}");
}

/// <summary>One generated repository: its id, the folder holding it (working tree + .git), and its commit count.</summary>
public sealed record ForgedRepo(string RepoId, string Path, int Commits);
