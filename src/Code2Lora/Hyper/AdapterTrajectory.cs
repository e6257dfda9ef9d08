using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>How Evo's adapter moves along one repository's history: per kept commit, the cosine of the GRU context and of the
/// generated adapter to those of the previous commit and of the first one. The public audit found the GRU state moving (step
/// cosine 0.977) while the adapters stayed almost constant (0.9999); this measures the same two things here.</summary>
public sealed record AdapterTrajectory(string RepoId, IReadOnlyList<string> Shas, double[] ContextToPrevious, double[] AdapterToPrevious,
    double[] AdapterToFirst)
{
    /// <summary>Walks <paramref name="history"/> with <paramref name="gru"/> and generates every commit's adapter with <paramref name="head"/>.</summary>
    public static AdapterTrajectory Measure(CommitGru gru, Code2LoraHead head, CommitHistory history, Device device)
    {
        var contexts = HistoryWalk.Contexts(gru, history, device).Contexts;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var n = contexts.Count;
        var ctx = torch.tensor(contexts.SelectMany(c => c).ToArray(), [n, contexts[0].Length], device: device);
        using var adapters = head.forward(ctx);
        var flat = torch.cat(adapters.A.Keys.Order(StringComparer.Ordinal)
            .SelectMany(t => new[] { adapters.A[t].reshape(n, -1), adapters.B[t].reshape(n, -1) }).ToArray(), 1).to(ScalarType.Float64);
        return new AdapterTrajectory(history.RepoId, history.Commits.Select(c => c.Sha).ToList(),
            Cosines(ctx.to(ScalarType.Float64), previous: true), Cosines(flat, previous: true), Cosines(flat, previous: false));
    }

    // Row i against row i − 1 (the first row against itself: 1) or against row 0.
    private static double[] Cosines(Tensor rows, bool previous)
    {
        var unit = torch.nn.functional.normalize(rows, p: 2, dim: 1);
        var reference = previous ? torch.cat([unit[..1], unit[..^1]], 0) : unit[..1].expand_as(unit);
        return (unit * reference).sum(1).cpu().data<double>().ToArray();
    }
}
