using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>How different the generated adapters of different repositories are (the public audit of the released
/// checkpoints found them nearly identical): pairwise cosine of the flattened adapters, raw and after subtracting their mean. The
/// centred matrix places repositories relative to each other (the t-SNE map); its mean is no measure of anything: n vectors that sum
/// to zero have pairwise cosines averaging about −1/(n − 1) (exactly, when their norms are equal).</summary>
public sealed record AdapterSimilarity(IReadOnlyList<string> Repos, double[,] Raw, double[,] Centred)
{
    /// <summary>Mean off-diagonal raw cosine (1.0 means one shared adapter, whatever the repository).</summary>
    public double MeanRaw => OffDiagonalMean(Raw);

    /// <summary>Generates one adapter per repository state and compares them.</summary>
    public static AdapterSimilarity Measure(Code2LoraHead head, RepoContexts contexts, IReadOnlyList<(string Repo, string Sha)> states, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var adapters = head.forward(contexts.Stack(states, device));
        var flat = torch.cat(adapters.A.Keys.Order(StringComparer.Ordinal)
            .SelectMany(t => new[] { adapters.A[t].reshape(states.Count, -1), adapters.B[t].reshape(states.Count, -1) }).ToArray(), 1).to(ScalarType.Float64);
        return new AdapterSimilarity(states.Select(s => s.Repo).ToList(), Cosines(flat), Cosines(flat - flat.mean([0], keepdim: true)));
    }

    private static double[,] Cosines(Tensor rows)
    {
        var unit = torch.nn.functional.normalize(rows, p: 2, dim: 1);
        var sims = unit.matmul(unit.t()).cpu();
        var n = (int)rows.shape[0];
        var result = new double[n, n];
        var data = sims.data<double>().ToArray();
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) result[i, j] = data[i * n + j];
        return result;
    }

    private static double OffDiagonalMean(double[,] m)
    {
        var n = m.GetLength(0);
        if (n < 2) return double.NaN;
        double sum = 0;
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) if (i != j) sum += m[i, j];
        return sum / (n * (n - 1));
    }
}
