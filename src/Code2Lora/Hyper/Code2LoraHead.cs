using Code2Lora.Adapters;
using Code2Lora.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Hyper;

/// <summary>The Code2LoRA hypernetwork head (paper-notes §1.3): context [B,in] → one (A, B) pair per target type, shared by all layers.
/// h = L2norm(GELU(W₂ GELU(W₁ ctx))) · √H; A_t = tanh(head_A_t(h) as [B,r,in]) · clamp(exp(sA_t), 1e-5, 0.3), likewise B_t [B,out,r].
/// Parameter names are the authors' checkpoint keys: trunk.0.*, trunk.2.*, heads_A.&lt;type&gt;.*, heads_B.&lt;type&gt;.*,
/// log_scale_A.&lt;type&gt;, log_scale_B.&lt;type&gt; (plus layer_embedding.weight when per-layer conditioning is on).</summary>
public sealed class Code2LoraHead : nn.Module<Tensor, GeneratedAdapter>
{
    private readonly Sequential trunk;
    private readonly ModuleDict<Linear> heads_A, heads_B;
    private readonly ParameterDict log_scale_A, log_scale_B;
    private readonly Embedding? layer_embedding;
    private readonly Tensor? input_mean, input_std;
    private readonly IReadOnlyList<string> types;
    private readonly Dictionary<string, (int In, int Out)> dims;
    private readonly int rank, layers;

    /// <summary>Builds the head for <paramref name="model"/>'s projection shapes, with PyTorch's default Linear init from torch's
    /// current seed (B's head is not zero-initialised; the small start comes from the log-scales).</summary>
    public Code2LoraHead(Code2LoraHeadConfig config, ModelConfig model, Device? device = null) : base(nameof(Code2LoraHead))
    {
        Config = config.Validate();
        (types, rank, layers) = (config.Lora.SortedTargets, config.Lora.Rank, model.NumHiddenLayers);
        dims = types.ToDictionary(t => t, t => LoraTargets.Dims(model, t));
        int h = config.HiddenDim;
        trunk = nn.Sequential(
            nn.Linear(config.InputDim, h, device: device), nn.GELU(),
            nn.Linear(h, h, device: device), nn.GELU());
        heads_A = nn.ModuleDict(types.Select(t => (t, nn.Linear(h, (long)rank * dims[t].In, device: device))).ToArray());
        heads_B = nn.ModuleDict(types.Select(t => (t, nn.Linear(h, (long)dims[t].Out * rank, device: device))).ToArray());
        log_scale_A = nn.ParameterDict(types.Select(t => (t, LogScale(config.InitLogScale, device))).ToArray());
        log_scale_B = nn.ParameterDict(types.Select(t => (t, LogScale(config.InitLogScale, device))).ToArray());
        if (config.PerLayer)
        {
            layer_embedding = nn.Embedding(model.NumHiddenLayers, h, device: device);
            using (torch.no_grad()) nn.init.normal_(layer_embedding.weight!, 0.0, 0.02);
        }
        if (config.StandardizeInput)
        {
            input_mean = torch.zeros(config.InputDim, device: device);
            input_std = torch.ones(config.InputDim, device: device);
        }
        RegisterComponents();
    }

    /// <summary>Sets the standardisation statistics from the training repositories' contexts [n, InputDim] (per-dimension
    /// mean and population std, floored at 1e-6); only for heads built with StandardizeInput.</summary>
    public void SetInputStatistics(Tensor contexts)
    {
        if (input_mean is null || input_std is null) throw new InvalidOperationException("this head was built without StandardizeInput.");
        if (contexts.dim() != 2 || contexts.shape[1] != Config.InputDim || contexts.shape[0] < 2)
            throw new ArgumentException($"input statistics need at least two contexts [n,{Config.InputDim}], got [{string.Join(",", contexts.shape)}].");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = contexts.to(ScalarType.Float32).to(input_mean.device);
        input_mean.copy_(x.mean([0]));
        input_std.copy_(x.std(0, unbiased: false).clamp_min(1e-6));
    }

    /// <summary>The configuration the head was built from.</summary>
    public Code2LoraHeadConfig Config { get; }

    /// <summary>Adapters for a batch of contexts [B, InputDim] (any float dtype; computed in fp32). Nothing is detached.</summary>
    public override GeneratedAdapter forward(Tensor context)
    {
        if (context.dim() != 2 || context.shape[1] != Config.InputDim)
            throw new ArgumentException($"Code2LoraHead expects a context [batch,{Config.InputDim}], got [{string.Join(",", context.shape)}].");
        using var scope = torch.NewDisposeScope();
        var ctx = context.to(ScalarType.Float32);
        if (input_mean is not null) ctx = (ctx - input_mean) / input_std!;
        if (Config.NormalizeInput) ctx = MetaSafe.Normalize(ctx);
        var h = trunk.forward(ctx);                                                        // [B,H]
        if (layer_embedding is not null) h = h.unsqueeze(1) + layer_embedding.weight!.unsqueeze(0);   // [B,L,H]
        h = MetaSafe.Normalize(h) * Math.Sqrt(Config.HiddenDim);
        var lead = layer_embedding is null ? new[] { context.shape[0] } : new[] { context.shape[0], (long)layers };
        var a = new Dictionary<string, Tensor>();
        var b = new Dictionary<string, Tensor>();
        foreach (var t in types)
        {
            var (i, o) = dims[t];
            var scaleA = MetaSafe.Clamp(log_scale_A[t].exp(), 1e-5, 0.3);
            var scaleB = MetaSafe.Clamp(log_scale_B[t].exp(), 1e-5, 0.3);
            a[t] = (heads_A[t].forward(h).view([.. lead, rank, i]).tanh() * scaleA).MoveToOuterDisposeScope();
            b[t] = (heads_B[t].forward(h).view([.. lead, o, rank]).tanh() * scaleB).MoveToOuterDisposeScope();
        }
        return new GeneratedAdapter(a, b);
    }

    /// <summary>Counts the parameters by building the head on the "meta" device (shapes only); null when LibTorch cannot.</summary>
    public static long? CountOnMetaDevice(Code2LoraHeadConfig config, ModelConfig model)
    {
        try
        {
            var meta = torch.device("meta");
            // Probe first: a LibTorch that silently ignored "meta" would otherwise allocate the real head.
            using (var probe = nn.Linear(2, 2, device: meta))
                if (probe.weight!.device.type != DeviceType.META) return null;
            using var head = new Code2LoraHead(config, model, meta);
            if (head.parameters().Any(p => p.device.type != DeviceType.META)) return null;
            return head.parameters().Sum(p => p.numel());
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    private static Parameter LogScale(double value, Device? device) =>
        nn.Parameter(torch.full(Array.Empty<long>(), value, dtype: ScalarType.Float32, device: device));
}
