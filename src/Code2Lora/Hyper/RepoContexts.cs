using Code2Lora.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>The conditioning vectors of repository states (repo, commit) → e, read from an embedding store.</summary>
public sealed class RepoContexts
{
    private readonly Dictionary<(string Repo, string Sha), float[]> _vectors;

    /// <summary>Width of every vector.</summary>
    public int Dimension { get; }

    /// <summary>The encoder that produced the vectors.</summary>
    public string EncoderId { get; }

    private RepoContexts(Dictionary<(string, string), float[]> vectors, int dimension, string encoderId) =>
        (_vectors, Dimension, EncoderId) = (vectors, dimension, encoderId);

    /// <summary>Every repository-state vector of <paramref name="store"/>.</summary>
    public static RepoContexts FromStore(EmbeddingStore store)
    {
        var states = store.Keys.Where(k => k.Kind == EmbeddingKey.State).ToDictionary(k => (k.RepoId, k.CommitSha), k => store.Get(k)!);
        if (states.Count == 0) throw new InvalidOperationException($"{store.Location} holds no repository-state vectors; run: c2l embed");
        var dims = states.Values.Select(v => v.Length).Distinct().ToList();
        if (dims.Count != 1) throw new InvalidDataException($"{store.Location} mixes vector widths {string.Join(", ", dims)}.");
        return new RepoContexts(states, dims[0], store.EncoderId);
    }

    /// <summary>A context map from explicit vectors (tests, ablations).</summary>
    public static RepoContexts From(IReadOnlyDictionary<(string Repo, string Sha), float[]> vectors, string encoderId = "explicit") =>
        new(vectors.ToDictionary(), vectors.Values.First().Length, encoderId);

    /// <summary>The repository-ID control: the same states, each with a random vector drawn once per repository (every state of a
    /// repository shares it), N(0, 1) in every dimension, seeded by <paramref name="seed"/> and the repository id. A head trained on
    /// these can tell repositories apart but learns nothing from their code; the encoder id records the substitution.</summary>
    public RepoContexts RandomPerRepository(int seed)
    {
        var byRepo = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] Draw(string repo)
        {
            if (byRepo.TryGetValue(repo, out var v)) return v;
            var rng = Runtime.SeededRandom.For(seed, "repository-id/" + repo);
            v = new float[Dimension];
            for (var d = 0; d < Dimension; d++)   // Box–Muller
                v[d] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            return byRepo[repo] = v;
        }
        return new RepoContexts(_vectors.Keys.ToDictionary(k => k, k => Draw(k.Repo)), Dimension, $"random-per-repository-{seed}-of-{EncoderId}");
    }

    /// <summary>True when a vector exists for the state.</summary>
    public bool Contains(string repo, string sha) => _vectors.ContainsKey((repo, sha));

    /// <summary>The vector of one repository state; a missing one is a clear error naming it.</summary>
    public float[] Get(string repo, string sha) => _vectors.TryGetValue((repo, sha), out var v) ? v
        : throw new KeyNotFoundException($"no repository-state vector for {repo} at {sha[..Math.Min(12, sha.Length)]} (encoder {EncoderId}); run: c2l embed");

    /// <summary>Stacks the vectors of <paramref name="states"/> into a [count, Dimension] fp32 tensor.</summary>
    public Tensor Stack(IReadOnlyList<(string Repo, string Sha)> states, Device device)
    {
        var flat = new float[states.Count * Dimension];
        for (var i = 0; i < states.Count; i++) Get(states[i].Repo, states[i].Sha).CopyTo(flat, i * Dimension);
        return torch.tensor(flat, [states.Count, Dimension], device: device);
    }

    /// <summary>The element-wise mean of the given states' vectors (the mean-context ablation).</summary>
    public float[] Mean(IEnumerable<(string Repo, string Sha)> states)
    {
        var list = states.Distinct().Select(s => Get(s.Repo, s.Sha)).ToList();
        var mean = new float[Dimension];
        foreach (var v in list) for (var d = 0; d < Dimension; d++) mean[d] += v[d] / list.Count;
        return mean;
    }
}
