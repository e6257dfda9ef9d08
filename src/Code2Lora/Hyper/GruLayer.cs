using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Hyper;

/// <summary>One step of a single-layer torch.nn.GRU, with its parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0),
/// its initialisation (U(−1/√H, 1/√H) drawn in that order) and ATen's gru_cell arithmetic, op for op: r = σ(W_hr h + b_hr + W_ir x + b_ir),
/// z likewise, n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (h − n) ⊙ z + n. Written out rather than taken from TorchSharp's
/// native GRU module, whose parameters stay on the CPU when it is built for another device ("meta"), so the device is explicit.</summary>
public sealed class GruLayer : nn.Module
{
    private readonly Parameter weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0;

    /// <summary>A GRU from <paramref name="inputSize"/> to <paramref name="hiddenSize"/> features on <paramref name="device"/>, fp32.</summary>
    public GruLayer(long inputSize, long hiddenSize, Device? device = null) : base(nameof(GruLayer))
    {
        weight_ih_l0 = nn.Parameter(torch.empty(3 * hiddenSize, inputSize, device: device));
        weight_hh_l0 = nn.Parameter(torch.empty(3 * hiddenSize, hiddenSize, device: device));
        bias_ih_l0 = nn.Parameter(torch.empty(3 * hiddenSize, device: device));
        bias_hh_l0 = nn.Parameter(torch.empty(3 * hiddenSize, device: device));
        var bound = 1.0 / Math.Sqrt(hiddenSize);
        using (torch.no_grad())
            foreach (var p in new[] { weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 }) nn.init.uniform_(p, -bound, bound);
        RegisterComponents();
    }

    /// <summary>h' [B,H] from the input x [B,in] and the state h [B,H].</summary>
    public Tensor Step(Tensor x, Tensor h)
    {
        using var scope = torch.NewDisposeScope();
        var gi = F.linear(x, weight_ih_l0, bias_ih_l0).chunk(3, 1);
        var gh = F.linear(h, weight_hh_l0, bias_hh_l0).chunk(3, 1);
        var reset = (gh[0] + gi[0]).sigmoid();
        var update = (gh[1] + gi[1]).sigmoid();
        var candidate = (gi[2] + gh[2] * reset).tanh();
        return ((h - candidate) * update + candidate).MoveToOuterDisposeScope();
    }
}
