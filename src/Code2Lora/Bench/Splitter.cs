using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>Seeded splits: cross-repo (tercile-stratified), in-repo random (static) and in-repo chronological (evolution).</summary>
public static class Splitter
{
    /// <summary>
    /// Assigns each repository to train / cr_val / cr_test. Repositories are stratified into terciles of task count.
    /// Totals: train = floor(n · train fraction), val = floor(n · val fraction), test = the rest (at least one val and
    /// one test repository from three repositories on), which reproduces the paper's 512 → 409 / 51 / 52; the val
    /// and test totals are spread over the terciles by largest remainders.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CrossRepo(IReadOnlyDictionary<string, int> tasksPerRepo, BenchConfig config)
    {
        var repos = tasksPerRepo.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
        int n = repos.Count;
        var result = new Dictionary<string, string>();
        if (n == 0) return result;
        int nVal = 0, nTest = 0;
        if (n >= 3)
        {
            int nTrain = Math.Min(n - 2, (int)Math.Floor(n * (1 - config.CrossRepoValFraction - config.CrossRepoTestFraction) + 1e-9));
            nVal = Math.Max(1, (int)Math.Floor(n * config.CrossRepoValFraction + 1e-9));
            nTest = Math.Max(1, n - nTrain - nVal);
        }

        var terciles = Enumerable.Range(0, 3).Select(t => repos.Skip(t * n / 3).Take((t + 1) * n / 3 - t * n / 3).ToList()).ToList();
        var valPer = Spread(nVal, terciles.Select(t => t.Count).ToArray());
        var testPer = Spread(nTest, terciles.Select(t => t.Count).ToArray());
        var rng = new SeededRandom(config.Seed);
        for (int t = 0; t < 3; t++)
        {
            var tercile = terciles[t];
            rng.Shuffle(tercile);
            for (int i = 0; i < tercile.Count; i++)
                result[tercile[i]] = i < testPer[t] ? SplitNames.CrTest : i < testPer[t] + valPer[t] ? SplitNames.CrVal : SplitNames.Train;
        }
        return result;
    }

    /// <summary>Splits <paramref name="total"/> over groups in proportion to their sizes (largest remainders), never above a group's size.</summary>
    internal static int[] Spread(int total, int[] sizes)
    {
        int all = sizes.Sum();
        var take = new int[sizes.Length];
        if (all == 0 || total == 0) return take;
        var quota = sizes.Select(s => (double)s * total / all).ToArray();
        for (int i = 0; i < sizes.Length; i++) take[i] = (int)Math.Floor(quota[i]);
        foreach (int i in Enumerable.Range(0, sizes.Length).OrderByDescending(i => quota[i] - take[i]).ThenByDescending(i => sizes[i]))
        {
            if (take.Sum() >= total) break;
            if (take[i] < sizes[i]) take[i]++;
        }
        return take;
    }

    /// <summary>Random 80/10/10 split of one train repository's tasks into train / ir_val / ir_test (static track).</summary>
    public static string[] InRepoRandom(int count, string repoId, BenchConfig config)
    {
        var order = Enumerable.Range(0, count).ToList();
        SeededRandom.For(config.Seed, repoId).Shuffle(order);
        var (nVal, nTest) = InRepoCounts(count, config);
        var split = new string[count];
        for (int r = 0; r < count; r++)
            split[order[r]] = r < nTest ? SplitNames.IrTest : r < nTest + nVal ? SplitNames.IrVal : SplitNames.Train;
        return split;
    }

    /// <summary>Chronological 80/10/10 split of a repository's kept commits into train / val / test (Nie et al. 2022).</summary>
    public static string[] InRepoChronological(int commits, BenchConfig config)
    {
        var split = new string[commits];
        if (commits < config.MinCommitsForInRepoSplit)
        {
            Array.Fill(split, SplitNames.InRepoTrain);
            return split;
        }
        var (nVal, nTest) = InRepoCounts(commits, config);
        for (int i = 0; i < commits; i++)
            split[i] = i >= commits - nTest ? SplitNames.InRepoTest : i >= commits - nTest - nVal ? SplitNames.InRepoVal : SplitNames.InRepoTrain;
        return split;
    }

    private static (int val, int test) InRepoCounts(int n, BenchConfig config)
    {
        if (n < 3) return (0, 0);
        int val = Math.Max(1, (int)Math.Round(n * config.InRepoValFraction, MidpointRounding.AwayFromZero));
        int test = Math.Max(1, (int)Math.Round(n * config.InRepoTestFraction, MidpointRounding.AwayFromZero));
        return (val, test);
    }
}
