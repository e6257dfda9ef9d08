using Code2Lora.Adapters;
using Code2Lora.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>The Text2LoRA-style baseline head (paper-notes §4.1, after Sakana's T2L HyperModulator): a task encoder
/// Linear(in → task) + LayerNorm, learned layer-depth and layer-type embeddings (each + LayerNorm), an MLP trunk over
/// task ⊕ depth ⊕ type (mixer, two pre-norm residual blocks, an output block) and one Linear head per module type that emits
/// the flattened (A [r,in], B [out,r]) of that type for every layer. Unlike Code2LoRA's head it conditions every (layer, type)
/// separately, so its adapters are per layer: A [batch,L,r,in], B [batch,L,out,r]. Dropout of the original is left out.</summary>
public sealed class Text2LoraHead : nn.Module<Tensor, GeneratedAdapter>
{
    private readonly Sequential task_encoder, layer_depth_encoder, layer_type_encoder, mixer, mlp3;
    private readonly ResidualMlp mlp1, mlp2;
    private readonly ModuleDict<Linear> heads;
    private readonly IReadOnlyList<string> types;
    private readonly Dictionary<string, (int In, int Out)> dims;
    private readonly int rank, layers;

    /// <summary>Builds the head for <paramref name="model"/>'s projection shapes from torch's current seed.</summary>
    public Text2LoraHead(Text2LoraHeadConfig config, ModelConfig model, Device? device = null) : base(nameof(Text2LoraHead))
    {
        Config = config.Validate();
        (types, rank, layers) = (config.Lora.SortedTargets, config.Lora.Rank, model.NumHiddenLayers);
        dims = types.ToDictionary(t => t, t => LoraTargets.Dims(model, t));
        int w = config.TrunkDim, e = config.LayerEmbeddingDim;
        task_encoder = nn.Sequential(nn.Linear(config.InputDim, config.TaskDim, device: device), new MetaSafeLayerNorm(config.TaskDim, device: device));
        layer_depth_encoder = nn.Sequential(nn.Embedding(layers, e, device: device), new MetaSafeLayerNorm(e, device: device));
        layer_type_encoder = nn.Sequential(nn.Embedding(types.Count, e, device: device), new MetaSafeLayerNorm(e, device: device));
        mixer = nn.Sequential(nn.Linear(w, 4 * w, device: device), nn.SiLU(), nn.Linear(4 * w, w, device: device), nn.SiLU());
        mlp1 = new ResidualMlp(w, device);
        mlp2 = new ResidualMlp(w, device);
        mlp3 = nn.Sequential(new MetaSafeLayerNorm(w, device: device), nn.Linear(w, 4 * w, device: device), nn.SiLU(),
            nn.Linear(4 * w, config.HeadInputDim, device: device), nn.SiLU());
        heads = nn.ModuleDict(types.Select(t => (t, Head(config, dims[t], device))).ToArray());
        RegisterComponents();
    }

    /// <summary>The configuration the head was built from.</summary>
    public Text2LoraHeadConfig Config { get; }

    /// <summary>Per-layer adapters for a batch of contexts [B, InputDim] (any float dtype; computed in fp32). Nothing is detached.</summary>
    public override GeneratedAdapter forward(Tensor context)
    {
        if (context.dim() != 2 || context.shape[1] != Config.InputDim)
            throw new ArgumentException($"Text2LoraHead expects a context [batch,{Config.InputDim}], got [{string.Join(",", context.shape)}].");
        using var scope = torch.NewDisposeScope();
        var device = context.device;
        long n = context.shape[0], t = types.Count, l = layers;
        var task = task_encoder.forward(context.to(ScalarType.Float32));                                      // [B,task]
        var depth = layer_depth_encoder.forward(torch.arange(l, dtype: ScalarType.Int64, device: device));     // [L,e]
        var type = layer_type_encoder.forward(torch.arange(t, dtype: ScalarType.Int64, device: device));       // [T,e]
        // One trunk row per (example, type, layer): T2L's [task, depth, type] concatenation.
        var x = torch.cat([
            task.view(n, 1, 1, -1).expand(n, t, l, -1),
            depth.view(1, 1, l, -1).expand(n, t, l, -1),
            type.view(1, t, 1, -1).expand(n, t, l, -1)], dim: -1);
        var h = mlp3.forward(mlp2.forward(mlp1.forward(mixer.forward(x))));                                   // [B,T,L,head_in]
        var a = new Dictionary<string, Tensor>();
        var b = new Dictionary<string, Tensor>();
        for (var k = 0; k < types.Count; k++)
        {
            var name = types[k];
            var (i, o) = dims[name];
            var flat = heads[name].forward(h.select(1, k));                                                  // [B,L,r(in+out)]
            a[name] = flat.narrow(-1, 0, (long)rank * i).reshape(n, l, rank, i).MoveToOuterDisposeScope();
            b[name] = flat.narrow(-1, (long)rank * i, (long)o * rank).reshape(n, l, o, rank).MoveToOuterDisposeScope();
        }
        return new GeneratedAdapter(a, b);
    }

    /// <summary>A type's output head: small random weights, bias = a PEFT-initialised LoRA of that type (A kaiming-uniform, B zero).</summary>
    private static Linear Head(Text2LoraHeadConfig config, (int In, int Out) dim, Device? device)
    {
        var r = config.Lora.Rank;
        var head = nn.Linear(config.HeadInputDim, (long)r * (dim.In + dim.Out), device: device);
        using var noGrad = torch.no_grad();
        nn.init.normal_(head.weight!, 0.0, config.HeadInitStd);
        using var a = torch.empty(r, dim.In, device: device);
        nn.init.kaiming_uniform_(a, a: Math.Sqrt(5));
        head.bias!.zero_();
        head.bias!.narrow(0, 0, (long)r * dim.In).copy_(a.flatten());
        return head;
    }

    /// <summary>T2L's pre-norm residual MLP block: x + SiLU(W₂ SiLU(W₁ LN(x))).</summary>
    private sealed class ResidualMlp : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential mlp;

        public ResidualMlp(int width, Device? device) : base(nameof(ResidualMlp))
        {
            mlp = nn.Sequential(new MetaSafeLayerNorm(width, device: device), nn.Linear(width, 4 * width, device: device), nn.SiLU(),
                nn.Linear(4 * width, width, device: device), nn.SiLU());
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x + mlp.forward(x);
    }
}
