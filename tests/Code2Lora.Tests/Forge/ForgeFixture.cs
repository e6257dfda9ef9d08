using Code2Lora.Forge;

namespace Code2Lora.Tests.Forge;

/// <summary>Small forge runs shared by the tests of a class (generated once, deleted at the end).</summary>
public sealed class ForgeFixture : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>The brief's test size: 2 repositories of 8 commits.</summary>
    public static readonly ForgeConfig Small = new() { Repos = 2, Commits = 8, FactsPerRepo = 6 };

    /// <summary>A longer, change-heavy history so renames, moves and deprecations all occur.</summary>
    public static readonly ForgeConfig Busy = new() { Repos = 2, Commits = 40, FactsPerRepo = 10, ChangeRate = 0.5, Seed = 11 };

    public ForgeFixture()
    {
        SmallRepos = RepoForge.Generate(_dir.Sub("small"), Small);
        BusyRepos = RepoForge.Generate(_dir.Sub("busy"), Busy);
    }

    public IReadOnlyList<ForgedRepo> SmallRepos { get; }
    public IReadOnlyList<ForgedRepo> BusyRepos { get; }
    public string Root => _dir.Path;

    public void Dispose() => _dir.Dispose();
}
