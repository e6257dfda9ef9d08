using Code2Lora.Hyper;
using Code2Lora.Runtime;

namespace Code2Lora.Training.Recipes;

/// <summary>Where the Evo walk is at an optimizer step: repositories shuffled per epoch, each walked oldest-first, one step per
/// commit that has training tasks (an "update commit"). A pure function of (seed, step), so a resumed run finds its place.</summary>
public sealed class EvoSchedule
{
    private readonly IReadOnlyList<CommitHistory> _repos;
    private readonly IReadOnlyList<int[]> _updates;    // per repository: positions of its update commits, ascending
    private readonly long _seed;
    private int _cachedEpoch = -1;
    private (int Repo, int Position)[] _cached = [];

    /// <summary>The schedule over <paramref name="repos"/> where <paramref name="isUpdate"/> says which commits carry training tasks.</summary>
    public EvoSchedule(IReadOnlyList<CommitHistory> repos, Func<CommitHistory, CommitStep, bool> isUpdate, long seed)
    {
        _repos = repos;
        _updates = repos.Select(r => Enumerable.Range(0, r.Commits.Count).Where(i => isUpdate(r, r.Commits[i])).ToArray()).ToList();
        _seed = seed;
        UpdatesPerEpoch = _updates.Sum(u => u.Length);
        if (UpdatesPerEpoch == 0) throw new ArgumentException("no commit of the training repositories has training tasks: nothing to train Evo on.");
    }

    /// <summary>Optimizer steps in one pass over every training repository.</summary>
    public int UpdatesPerEpoch { get; }

    /// <summary>Steps for <paramref name="epochs"/> passes.</summary>
    public int StepsFor(double epochs) => (int)Math.Ceiling(UpdatesPerEpoch * epochs);

    /// <summary>The repository, the update commit's position in its history, and the previous update commit's position in
    /// the same repository (−1 when this is the repository's first) at <paramref name="step"/>.</summary>
    public (CommitHistory Repo, int Position, int PreviousUpdate, int Epoch) At(int step)
    {
        var epoch = step / UpdatesPerEpoch;
        if (epoch != _cachedEpoch)
        {
            var order = Enumerable.Range(0, _repos.Count).ToList();
            SeededRandom.For(_seed, $"evo/epoch/{epoch}").Shuffle(order);
            _cached = order.SelectMany(r => _updates[r].Select(p => (r, p))).ToArray();
            _cachedEpoch = epoch;
        }
        var (repo, position) = _cached[step % UpdatesPerEpoch];
        var k = Array.IndexOf(_updates[repo], position);
        return (_repos[repo], position, k == 0 ? -1 : _updates[repo][k - 1], epoch);
    }

    /// <summary>Where the gradient window of an update at <paramref name="position"/> starts: the last point before it where the
    /// walk detaches h (after the previous update, then every <paramref name="window"/> steps without one: truncated BPTT).
    /// −1 means the window reaches back to h₀.</summary>
    public static int WindowStart(int position, int previousUpdate, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        return previousUpdate + window * ((position - 1 - previousUpdate) / window);
    }
}
