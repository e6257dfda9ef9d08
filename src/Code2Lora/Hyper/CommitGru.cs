using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Hyper;

/// <summary>The Evo recurrence (paper-notes §1.5): h₀ = LN(GELU(W_init · state₀)); h_t = GRU(LN(W_diff · x_t), h_{t−1}) once per
/// kept commit; the adapter context is output_norm(h_t), fed to the same <see cref="Code2LoraHead"/> as Static.
/// The GRU is torch's (gate order r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))) and LayerNorm eps is 1e-5.
/// Parameter names are the authors' gru_state keys: diff_proj.{0,1}.*, repo_init_proj.{0,2}.*, gru.{weight,bias}_{ih,hh}_l0,
/// output_norm.*. States are [batch, G]; <see cref="Step"/> and <see cref="Context"/> are what a live per-commit update uses.</summary>
public sealed class CommitGru : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential diff_proj, repo_init_proj;
    private readonly GruLayer gru;
    private readonly MetaSafeLayerNorm output_norm;

    /// <summary>Builds the module with PyTorch's default initialisation from torch's current seed.</summary>
    public CommitGru(CommitGruConfig config, Device? device = null) : base(nameof(CommitGru))
    {
        Config = config.Validate();
        long g = config.HiddenDim;
        diff_proj = nn.Sequential(nn.Linear(config.StepInputDim, g, device: device), new MetaSafeLayerNorm(g, 1e-5, device));
        repo_init_proj = nn.Sequential(nn.Linear(config.StateDim, g, device: device), nn.GELU(), new MetaSafeLayerNorm(g, 1e-5, device));
        gru = new GruLayer(g, g, device);
        output_norm = new MetaSafeLayerNorm(g, 1e-5, device);
        RegisterComponents();
    }

    /// <summary>The configuration the module was built from.</summary>
    public CommitGruConfig Config { get; }

    /// <summary>h₀ [B, G] from the repository-state vectors [B, StateDim] of each repository's first kept commit (zeros when
    /// <see cref="CommitGruConfig.Init"/> is zero; repo_init_proj then stays as initialised, so files keep the authors' keys).</summary>
    public Tensor InitialState(Tensor repoState)
    {
        Checked(repoState, Config.StateDim, "repository state");
        return Config.Init == CommitGruConfig.InitZero
            ? torch.zeros(repoState.shape[0], Config.HiddenDim, dtype: ScalarType.Float32, device: repoState.device)
            : repo_init_proj.forward(repoState.to(ScalarType.Float32));
    }

    /// <summary>One commit: h [B, G] and the per-step inputs [B, StepInputDim] (see <see cref="CommitGruConfig.StepInput"/>) → h' [B, G].</summary>
    public Tensor Step(Tensor h, Tensor stepInput)
    {
        Checked(h, Config.HiddenDim, "hidden state");
        using var x = diff_proj.forward(Checked(stepInput, Config.StepInputDim, "per-step input").to(ScalarType.Float32));
        return gru.Step(x, h);
    }

    /// <summary>The head's input for states h [B, G]: output_norm(h).</summary>
    public Tensor Context(Tensor h) => output_norm.forward(Checked(h, Config.HiddenDim, "hidden state"));

    /// <inheritdoc cref="Step"/>
    public override Tensor forward(Tensor h, Tensor stepInput) => Step(h, stepInput);

    /// <summary>Counts the parameters by building the module on the "meta" device (shapes only); null when LibTorch cannot.</summary>
    public static long? CountOnMetaDevice(CommitGruConfig config)
    {
        try
        {
            var meta = torch.device("meta");
            using (var probe = nn.Linear(2, 2, device: meta))
                if (probe.weight!.device.type != DeviceType.META) return null;
            using var module = new CommitGru(config, meta);
            if (module.parameters().Any(p => p.device.type != DeviceType.META)) return null;
            return module.parameters().Sum(p => p.numel());
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    private static Tensor Checked(Tensor t, int width, string what) =>
        t.dim() == 2 && t.shape[1] == width ? t
            : throw new ArgumentException($"CommitGru expects a {what} [batch,{width}], got [{string.Join(",", t.shape)}].");
}
