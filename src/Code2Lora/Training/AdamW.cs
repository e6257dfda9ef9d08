using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training;

/// <summary>AdamW (torch.optim.AdamW's update, non-amsgrad) over named fp32 tensors, with its state as named tensors
/// so checkpoints are plain safetensors and a resumed run continues bit-identically.</summary>
public sealed class AdamW : IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Param, bool Decay)> _params;
    private readonly Dictionary<string, (Tensor M, Tensor V)> _moments = new();

    /// <summary>Updates taken so far (the bias corrections use it).</summary>
    public long StepCount { get; private set; }

    /// <summary>Tracks <paramref name="parameters"/>; <c>Decay</c> says whether weight decay applies to each.</summary>
    public AdamW(IReadOnlyList<(string Name, Tensor Param, bool Decay)> parameters)
    {
        _params = parameters;
        using var noGrad = torch.no_grad();
        foreach (var (name, p, _) in parameters)
            _moments[name] = (torch.zeros_like(p).DetachFromDisposeScope(), torch.zeros_like(p).DetachFromDisposeScope());
    }

    /// <summary>One update with learning rate <paramref name="lr"/>; tensors without a gradient are left alone.</summary>
    public void Step(TrainingConfig c, double lr)
    {
        StepCount++;
        var bias1 = 1 - Math.Pow(c.Beta1, StepCount);
        var bias2Sqrt = Math.Sqrt(1 - Math.Pow(c.Beta2, StepCount));
        using var noGrad = torch.no_grad();
        foreach (var (name, p, decay) in _params)
        {
            using var scope = torch.NewDisposeScope();
            var g = p.grad;
            if (g is null) continue;
            var (m, v) = _moments[name];
            if (decay && c.WeightDecay != 0) p.mul_(1 - lr * c.WeightDecay);
            m.lerp_(g, 1 - c.Beta1);
            v.mul_(c.Beta2).addcmul_(g, g, 1 - c.Beta2);
            var denom = v.sqrt().div_(bias2Sqrt).add_(c.Epsilon);
            p.addcdiv_(m, denom, -(lr / bias1));
        }
    }

    /// <summary>Clears every tracked gradient (set to none, like zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p, _) in _params)
        {
            var g = p.grad;
            if (g is null) continue;
            g.Dispose();
            p.grad = null;
        }
    }

    /// <summary>The moments as "name.exp_avg" / "name.exp_avg_sq" tensors (views of the live state).</summary>
    public Dictionary<string, Tensor> State()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, (m, v)) in _moments)
        {
            state[name + ".exp_avg"] = m;
            state[name + ".exp_avg_sq"] = v;
        }
        return state;
    }

    /// <summary>Restores moments and the step count saved by <see cref="State"/>; a missing or mis-shaped entry is an error.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, (m, v)) in _moments)
            foreach (var (suffix, target) in new[] { (".exp_avg", m), (".exp_avg_sq", v) })
            {
                if (!state.TryGetValue(name + suffix, out var saved))
                    throw new InvalidDataException($"optimizer state has no '{name + suffix}': the checkpoint belongs to a different model or recipe.");
                if (!saved.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"optimizer state '{name + suffix}' has shape [{string.Join(", ", saved.shape)}], expected [{string.Join(", ", target.shape)}].");
                target.copy_(saved);
            }
        StepCount = stepCount;
    }

    /// <summary>Frees the moment tensors.</summary>
    public void Dispose()
    {
        foreach (var (m, v) in _moments.Values) { m.Dispose(); v.Dispose(); }
        _moments.Clear();
    }
}
