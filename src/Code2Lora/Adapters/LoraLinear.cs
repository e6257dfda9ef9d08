using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Adapters;

/// <summary>A frozen projection plus an optional low-rank delta: y = x Wᵀ + b + (α/r)·((x Aᵀ) Bᵀ).
/// It takes over the wrapped Linear's own weight and bias parameters under the same names, so the model's state-dict keys
/// stay "…q_proj.weight"; A and B are not parameters of this module (they belong to whatever supplies them).</summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private Parameter? bias;
    private readonly double scaling;
    private readonly bool detachInput, deltaInFp32;
    private LoraWeights? weights;

    /// <summary>Wraps <paramref name="linear"/> (its parameters are shared, not copied) with the delta settings of <paramref name="config"/>.</summary>
    public LoraLinear(Linear linear, LoraConfig config, string path) : base(nameof(LoraLinear))
    {
        weight = linear.weight ?? throw new ArgumentException($"{path}: the Linear has no weight.");
        bias = linear.bias;
        (scaling, detachInput, deltaInFp32) = (config.Scaling, config.DetachInput, config.DeltaInFp32);
        (Path, Rank) = (path, config.Rank);
        register_parameter("weight", weight);
        if (bias is not null) register_parameter("bias", bias);
    }

    /// <summary>The HF module path, e.g. "model.layers.0.self_attn.q_proj" (used in error messages and exports).</summary>
    public string Path { get; }

    /// <summary>The adapter rank this slot accepts.</summary>
    public long Rank { get; }

    /// <summary>Input features.</summary>
    public long InFeatures => weight.shape[1];

    /// <summary>Output features.</summary>
    public long OutFeatures => weight.shape[0];

    /// <summary>The frozen base weight [out,in] (the same Parameter as the model's "…weight" key).</summary>
    public Parameter Weight => weight;

    /// <summary>True while the current weights are folded into <see cref="Weight"/>.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>The installed pair, or null for the plain base projection.</summary>
    public LoraWeights? Weights
    {
        get => weights;
        set
        {
            if (IsMerged) throw new InvalidOperationException($"{Path}: the adapter is merged into the base weight; unmerge it before changing it.");
            value?.Check(Path, InFeatures, OutFeatures, Rank);
            if (value is not null && (!SameDevice(value.A.device, weight.device) || !SameDevice(value.B.device, weight.device)))
                throw new ArgumentException($"{Path}: LoRA weights are on {value.A.device}/{value.B.device} but the base weight is on {weight.device}.");
            weights = value;
        }
    }

    private static bool SameDevice(Device a, Device b) => a.type == b.type && a.index == b.index;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = F.linear(x, weight, bias);
        if (weights is null || IsMerged) return y;
        // Greedy decoding runs thousands of one-token steps where the count of native calls, not FLOPs, sets the pace: every
        // call below is skipped when it would be a no-op (detach outside autograd, casts to the same dtype), and no dispose scope.
        var deltaType = deltaInFp32 ? ScalarType.Float32 : x.dtype;
        var owned = new List<Tensor>(6);
        try
        {
            var input = detachInput && x.requires_grad ? Own(owned, x.detach()) : x;
            if (input.dtype != deltaType) input = Own(owned, input.to(deltaType));
            var (a, b) = (weights.A, weights.B);
            if (a.dtype != deltaType) a = Own(owned, a.to(deltaType));
            if (b.dtype != deltaType) b = Own(owned, b.to(deltaType));
            Tensor delta;
            if (!weights.IsBatched) delta = Own(owned, F.linear(Own(owned, F.linear(input, a)), b));
            else
            {
                if (x.dim() != 3 || x.shape[0] != a.shape[0])
                    throw new ArgumentException($"{Path}: per-example LoRA weights are for a batch of {a.shape[0]}, but the input is [{string.Join(",", x.shape)}] (expected [{a.shape[0]},T,{InFeatures}]).");
                var down = Own(owned, torch.bmm(input, Own(owned, a.transpose(1, 2))));
                delta = Own(owned, torch.bmm(down, Own(owned, b.transpose(1, 2))));
            }
            // y is the fresh output of linear, which autograd does not keep, so the delta goes in place (cast to y's dtype once).
            return y.add_(delta, scaling);
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    private static Tensor Own(List<Tensor> owned, Tensor t)
    {
        owned.Add(t);
        return t;
    }

    /// <summary>Folds (α/r)·B A into the base weight (computed in fp32, added in the weight's dtype); the forward then skips the delta.</summary>
    public void Merge()
    {
        if (IsMerged) return;
        using var noGrad = torch.no_grad();
        using var delta = MergeDelta();
        weight.add_(delta);
        IsMerged = true;
    }

    /// <summary>Subtracts the merged delta again. Exact up to rounding: (W + d) − d can differ from W by one ulp of W's dtype.</summary>
    public void Unmerge()
    {
        if (!IsMerged) return;
        using var noGrad = torch.no_grad();
        using var delta = MergeDelta();
        weight.sub_(delta);
        IsMerged = false;
    }

    private Tensor MergeDelta()
    {
        var w = weights ?? throw new InvalidOperationException($"{Path}: no adapter is installed, nothing to merge.");
        var (a, b) = (w.A, w.B);
        if (w.IsBatched)
        {
            if (a.shape[0] != 1)
                throw new InvalidOperationException($"{Path}: cannot merge per-example weights for a batch of {a.shape[0]}; merge one example's adapter (e.g. GeneratedAdapter.Row).");
            (a, b) = (a[0], b[0]);
        }
        using var scope = torch.NewDisposeScope();
        var d = torch.matmul(b.detach().to(ScalarType.Float32), a.detach().to(ScalarType.Float32)) * scaling;
        return d.to(weight.dtype).MoveToOuterDisposeScope();
    }
}
