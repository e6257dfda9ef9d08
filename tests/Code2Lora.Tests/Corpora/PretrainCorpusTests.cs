using Code2Lora.Corpora;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Corpora;

/// <summary>The pretraining corpus never contains benchmark code, splits by path alone, and reports what it could not use.</summary>
public class PretrainCorpusTests
{
    // A package of the static list (installed by scripts/install.sh on every machine that runs the tests).
    private const string Package = "python3-workalendar";

    [Fact]
    public void Files_owned_by_a_benchmark_package_never_reach_pretraining()
    {
        var corpus = PretrainCorpus.Collect([Package], [Package], new MiningRules(), heldOutFraction: 0.1);
        Assert.Empty(corpus.Train);
        Assert.Empty(corpus.HeldOut);
        var expected = DebianPackage.Query(Package).PythonTreeFiles().Count(f => f.Relative.EndsWith(".py"));
        Assert.Equal(expected, corpus.Skipped.Counts[SkipReason.InBenchmark]);
    }

    [Fact]
    public void Split_is_by_path_hash_and_every_readable_file_lands_once()
    {
        var corpus = PretrainCorpus.Collect([Package, "python3-no-such-package-c2l"], [], new MiningRules(), heldOutFraction: 0.2);
        var files = DebianPackage.Query(Package).PythonTreeFiles().Count(f => f.Relative.EndsWith(".py"));
        Assert.Equal(files, corpus.Train.Count + corpus.HeldOut.Count + corpus.Skipped.Entries.Count);
        Assert.All(corpus.HeldOut, f => Assert.True(PretrainCorpus.IsHeldOut(f.Path, 0.2)));
        Assert.All(corpus.Train, f => Assert.False(PretrainCorpus.IsHeldOut(f.Path, 0.2)));
        Assert.InRange(corpus.HeldOut.Count, 1, files / 2);
        Assert.Equal(corpus.Train.Select(f => f.Path).Order(StringComparer.Ordinal), corpus.Train.Select(f => f.Path));
        Assert.Equal("python3-no-such-package-c2l", Assert.Single(corpus.MissingPackages).Package);
    }

    [Fact]
    public void Benchmark_production_code_has_no_test_files()
    {
        var code = PretrainCorpus.BenchmarkProductionCode([Package], new MiningRules());
        Assert.NotEmpty(code);
        Assert.All(code, f => Assert.False(FileRules.IsTestPath(f.Path, new MiningRules().TestRule)));
        Assert.DoesNotContain(code, f => f.Path.Contains("/tests/"));
    }
}
