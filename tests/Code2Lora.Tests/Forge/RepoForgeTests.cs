using Code2Lora.Forge;
using LibGit2Sharp;

namespace Code2Lora.Tests.Forge;

/// <summary>Determinism, manifests, history shape and folder handling of <see cref="RepoForge"/>.</summary>
public class RepoForgeTests(ForgeFixture forge) : IClassFixture<ForgeFixture>
{
    [Fact]
    public void SameConfigGivesIdenticalCommitShasAndManifests()
    {
        using var other = new TempDir();
        var again = RepoForge.Generate(other.Path, ForgeFixture.Small);
        Assert.Equal(forge.SmallRepos.Select(r => r.RepoId), again.Select(r => r.RepoId));
        for (int i = 0; i < again.Count; i++)
        {
            using var a = new Repository(forge.SmallRepos[i].Path);
            using var b = new Repository(again[i].Path);
            Assert.Equal(a.Head.Tip.Sha, b.Head.Tip.Sha);
            Assert.Equal(File.ReadAllText(Path.Combine(a.Info.Path, GenomeManifest.FileName)),
                File.ReadAllText(Path.Combine(b.Info.Path, GenomeManifest.FileName)));
        }
    }

    [Fact]
    public void AnotherSeedGivesOtherRepositories()
    {
        using var other = new TempDir();
        var reseeded = RepoForge.Generate(other.Path, ForgeFixture.Small with { Seed = 1 });
        using var a = new Repository(forge.SmallRepos[0].Path);
        using var b = new Repository(reseeded[0].Path);
        Assert.NotEqual(a.Head.Tip.Sha, b.Head.Tip.Sha);
    }

    [Fact]
    public void ManifestDescribesTheGitHistory()
    {
        foreach (var forged in forge.BusyRepos)
        {
            var manifest = ForgeGenome.Load(forged.Path);
            using var repo = new Repository(forged.Path);
            var chain = ForgedRepoFiles.FirstParentChain(repo);
            Assert.Equal(ForgeFixture.Busy.Commits, chain.Count);
            Assert.Equal(chain.Select(c => c.Sha), manifest.Commits.Select(c => c.Sha));
            Assert.Equal(forged.RepoId, manifest.RepoId);
            Assert.Equal("main", repo.Head.FriendlyName);
            Assert.True(repo.RetrieveStatus().IsDirty is false, "the working tree is HEAD, checked out");
            Assert.All(chain.Zip(chain.Skip(1)), p => Assert.True(p.First.Author.When < p.Second.Author.When));
            Assert.Equal(ForgeFixture.Busy.Start, chain[0].Author.When);
            Assert.InRange(manifest.Facts.Count, 1, ForgeFixture.Busy.FactsPerRepo);
            Assert.DoesNotContain(ForgedRepoFiles.At(repo, chain[^1]).Keys, k => k.Contains("c2l-forge"));
            foreach (var fact in manifest.Facts)
            {
                Assert.NotEmpty(fact.History);
                Assert.Equal(ForgeFixture.Busy.Commits - 1, fact.History[^1].ToCommit);
                Assert.All(fact.History.Zip(fact.History.Skip(1)), p => Assert.Equal(p.First.ToCommit + 1, p.Second.FromCommit));
            }
            var kinds = manifest.Commits.Select(c => c.Kind).ToHashSet();
            Assert.Contains("change", kinds);
            Assert.Contains("growth", kinds);
        }
    }

    [Fact]
    public void ChangesCoverRenamesValuesMovesAndDeprecations()
    {
        var changes = forge.BusyRepos.SelectMany(r => ForgeGenome.Load(r.Path).Commits).Where(c => c.Kind == "change").Select(c => c.Change).ToHashSet();
        Assert.Contains("move", changes);
        Assert.Contains("rename", changes);
        Assert.True(changes.Overlaps(["value", "default", "style", "bump", "attribute", "message", "values"]), string.Join(",", changes));
        Assert.Contains("deprecate", changes);
    }

    [Fact]
    public void DocsCommitsTouchOnlyDocsAndProductionCommitsOnlyCode()
    {
        int docs = 0, production = 0;
        foreach (var forged in forge.BusyRepos)
        {
            var manifest = ForgeGenome.Load(forged.Path);
            using var repo = new Repository(forged.Path);
            var chain = ForgedRepoFiles.FirstParentChain(repo);
            foreach (var record in manifest.Commits.Where(c => c.Index > 0))
            {
                var paths = repo.Diff.Compare<TreeChanges>(chain[record.Index - 1].Tree, chain[record.Index].Tree).Select(c => c.Path).ToList();
                Assert.NotEmpty(paths);
                if (record.Kind == "docs")
                {
                    docs++;
                    Assert.All(paths, p => Assert.True(p.EndsWith(".md") || p.EndsWith(".rst"), $"{record.Message}: {p}"));
                }
                else if (record.Kind == "production")
                {
                    production++;
                    Assert.All(paths, p => Assert.True(p.EndsWith(".py") && !p.StartsWith("tests/"), $"{record.Message}: {p}"));
                }
                else if (record.Kind == "change")
                {
                    Assert.Contains(paths, p => p.StartsWith("tests/"));
                    Assert.Contains(paths, p => p.EndsWith(".py") && !p.StartsWith("tests/"));
                }
            }
        }
        Assert.True(docs > 0 && production > 0, $"docs {docs}, production {production}");
    }

    [Fact]
    public void RerunReusesItsOwnOutputAndRefusesForeignFolders()
    {
        var again = RepoForge.Generate(Path.GetDirectoryName(forge.SmallRepos[0].Path)!, ForgeFixture.Small);
        Assert.Equal(forge.SmallRepos.Select(r => r.Path), again.Select(r => r.Path));

        var e = Assert.Throws<InvalidOperationException>(() =>
            RepoForge.Generate(Path.GetDirectoryName(forge.SmallRepos[0].Path)!, ForgeFixture.Small with { ChangeRate = 0.9 }));
        Assert.Contains("already exists", e.Message);
        using var repo = new Repository(forge.SmallRepos[0].Path);
        Assert.Equal(ForgeGenome.Load(forge.SmallRepos[0].Path).Commits[^1].Sha, repo.Head.Tip.Sha);
    }

    [Fact]
    public void LoadingAFolderTheForgeDidNotMakeSaysSo()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => ForgeGenome.Load(dir.Path));
        Assert.Contains("not generated by the Code2Lora forge", e.Message);
    }

    [Theory]
    [InlineData(0, 8, 4, 0.25, 0.25)]
    [InlineData(1, 0, 4, 0.25, 0.25)]
    [InlineData(1, 8, 0, 0.25, 0.25)]
    [InlineData(1, 8, 4, 1.5, 0.25)]
    [InlineData(1, 8, 4, 0.25, 1.0)]
    public void OutOfRangeKnobsAreRefused(int repos, int commits, int facts, double change, double generic)
    {
        using var dir = new TempDir();
        var config = new ForgeConfig { Repos = repos, Commits = commits, FactsPerRepo = facts, ChangeRate = change, GenericTaskShare = generic };
        Assert.Throws<ArgumentException>(() => RepoForge.Generate(dir.Path, config));
    }
}
