using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Forge;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Evo;

/// <summary>CommitGru: torch's GRU equations with hand-set weights, the paper's parameter count, the authors' key names, files.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class CommitGruTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static void Set(CommitGru m, string name, float[] values)
    {
        var p = m.named_parameters().Single(p => p.name == name).parameter;
        using var noGrad = torch.no_grad();
        p.copy_(torch.tensor(values).reshape(p.shape));
    }

    [Fact]
    public void A_step_follows_torch_gate_order_r_z_n_with_r_inside_the_hidden_term()
    {
        var m = new CommitGru(new CommitGruConfig { DiffDim = 2, StateDim = 2, HiddenDim = 2 });
        // diff_proj: identity Linear, then LayerNorm with γ = [1, 2], β = [0.5, −0.5].
        Set(m, "diff_proj.0.weight", [1, 0, 0, 1]);
        Set(m, "diff_proj.0.bias", [0, 0]);
        Set(m, "diff_proj.1.weight", [1, 2]);
        Set(m, "diff_proj.1.bias", [0.5f, -0.5f]);
        // Distinct rows per gate, so a wrong gate order or a misplaced r changes the result.
        float[] wih = [0.1f, -0.2f, 0.3f, 0.4f, /* z */ -0.5f, 0.6f, 0.7f, -0.1f, /* n */ 0.2f, 0.9f, -0.3f, 0.5f];
        float[] whh = [0.3f, 0.1f, -0.4f, 0.2f, /* z */ 0.05f, -0.6f, 0.8f, 0.1f, /* n */ -0.7f, 0.4f, 0.6f, -0.2f];
        float[] bih = [0.01f, 0.02f, -0.03f, 0.04f, 0.05f, -0.06f];
        float[] bhh = [0.1f, -0.1f, 0.2f, -0.2f, 0.3f, -0.3f];
        Set(m, "gru.weight_ih_l0", wih);
        Set(m, "gru.weight_hh_l0", whh);
        Set(m, "gru.bias_ih_l0", bih);
        Set(m, "gru.bias_hh_l0", bhh);

        double[] diff = [1.0, 3.0], h = [0.5, -0.25];
        // LayerNorm of [1, 3]: mean 2, biased variance 1 → [−1, 1]/sqrt(1 + 1e-5), then γ, β.
        var s = Math.Sqrt(1 + 1e-5);
        double[] x = [-1 / s * 1 + 0.5, 1 / s * 2 - 0.5];
        double Lin(float[] w, float[] b, int row, double[] v) => w[2 * row] * v[0] + w[2 * row + 1] * v[1] + b[row];
        var expected = new double[2];
        for (var j = 0; j < 2; j++)
        {
            var r = Sigmoid(Lin(wih, bih, j, x) + Lin(whh, bhh, j, h));
            var z = Sigmoid(Lin(wih, bih, 2 + j, x) + Lin(whh, bhh, 2 + j, h));
            var n = Math.Tanh(Lin(wih, bih, 4 + j, x) + r * Lin(whh, bhh, 4 + j, h));
            expected[j] = (1 - z) * n + z * h[j];
        }
        using var next = m.Step(torch.tensor(h.Select(v => (float)v).ToArray(), [1, 2]), torch.tensor(diff.Select(v => (float)v).ToArray(), [1, 2]));
        var got = next.data<float>().ToArray();
        Assert.Equal(expected[0], got[0], 5);
        Assert.Equal(expected[1], got[1], 5);
    }

    [Fact]
    public void The_paper_sizes_give_33_583_104_parameters()
    {
        var paper = new CommitGruConfig();
        Assert.Equal(33_583_104, paper.CountParameters());
        if (CommitGru.CountOnMetaDevice(paper) is { } meta) Assert.Equal(33_583_104, meta);
        foreach (var mode in new[] { CommitGruConfig.Diff, CommitGruConfig.RepoState, CommitGruConfig.Concat })
        {
            var small = new CommitGruConfig { DiffDim = 12, StateDim = 10, HiddenDim = 8, PerStepInput = mode };
            using var m = new CommitGru(small);
            Assert.Equal(small.CountParameters(), m.parameters().Sum(p => p.numel()));
        }
        Assert.Throws<ArgumentException>(() => new CommitGruConfig { PerStepInput = "both" }.Validate());
    }

    [Fact]
    public void Parameter_names_are_the_authors_gru_state_keys()
    {
        using var m = new CommitGru(new CommitGruConfig { DiffDim = 6, StateDim = 4, HiddenDim = 3 });
        var shapes = m.named_parameters().ToDictionary(p => p.name, p => string.Join("x", p.parameter.shape));
        Assert.Equal(new Dictionary<string, string>
        {
            ["diff_proj.0.weight"] = "3x6", ["diff_proj.0.bias"] = "3", ["diff_proj.1.weight"] = "3", ["diff_proj.1.bias"] = "3",
            ["repo_init_proj.0.weight"] = "3x4", ["repo_init_proj.0.bias"] = "3", ["repo_init_proj.2.weight"] = "3", ["repo_init_proj.2.bias"] = "3",
            ["gru.weight_ih_l0"] = "9x3", ["gru.weight_hh_l0"] = "9x3", ["gru.bias_ih_l0"] = "9", ["gru.bias_hh_l0"] = "9",
            ["output_norm.weight"] = "3", ["output_norm.bias"] = "3",
        }, shapes);
    }

    [Fact]
    public void Saved_evo_files_reload_to_the_same_contexts_and_refuse_other_vectors()
    {
        using var dir = new TempDir();
        torch.manual_seed(3);
        var model = ModelConfigs.Get("tiny-qwen2") with { NumHiddenLayers = 1 };
        var gru = new CommitGru(new CommitGruConfig { DiffDim = 5, StateDim = 5, HiddenDim = 4, PerStepInput = CommitGruConfig.Concat });
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 4, HiddenDim = 8, Lora = new() { Rank = 2, Alpha = 4 } }, model);
        EvoFiles.Save(dir.Path, gru, head, "enc-a");
        var (gru2, head2) = EvoFiles.Load(dir.Path, model, "enc-a");
        Assert.Equal(CommitGruConfig.Concat, gru2.Config.PerStepInput);
        using var s0 = torch.randn(1, 5);
        using var x = torch.randn(1, 10);
        using var a = gru.Context(gru.Step(gru.InitialState(s0), x));
        using var b = gru2.Context(gru2.Step(gru2.InitialState(s0), x));
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        Assert.Equal(0f, (head.forward(a).A["q_proj"] - head2.forward(b).A["q_proj"]).abs().max().item<float>());
        Assert.Contains("enc-a", Assert.Throws<InvalidOperationException>(() => EvoFiles.Load(dir.Path, model, "enc-b")).Message);
    }

    [Fact]
    public void A_zero_initialised_GRU_starts_every_repository_at_zero_and_its_files_say_so()
    {
        using var dir = new TempDir();
        torch.manual_seed(3);
        var model = ModelConfigs.Get("tiny-qwen2") with { NumHiddenLayers = 1 };
        var zero = new CommitGru(new CommitGruConfig { DiffDim = 5, StateDim = 5, HiddenDim = 4, Init = CommitGruConfig.InitZero });
        using var states = torch.randn(3, 5);
        using var h0 = zero.InitialState(states);
        Assert.Equal(new long[] { 3, 4 }, h0.shape);
        Assert.Equal(0f, h0.abs().max().item<float>());
        torch.manual_seed(3);
        var paper = new CommitGru(new CommitGruConfig { DiffDim = 5, StateDim = 5, HiddenDim = 4 });
        using (var fromState = paper.InitialState(states)) Assert.True(fromState.abs().max().item<float>() > 0);
        Assert.Throws<ArgumentException>(() => zero.InitialState(torch.randn(3, 6)));   // the state's width is still checked
        Assert.Throws<ArgumentException>(() => new CommitGruConfig { Init = "random" }.Validate());

        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 4, HiddenDim = 8, Lora = new() { Rank = 2, Alpha = 4 } }, model);
        EvoFiles.Save(dir.Path, zero, head, "enc-a");
        Assert.Contains("\"gru_init\": \"zero\"", File.ReadAllText(Path.Combine(dir.Path, "evo_config.json")));
        Assert.Equal(CommitGruConfig.InitZero, EvoFiles.Load(dir.Path, model, "enc-a").Gru.Config.Init);
        EvoFiles.Save(dir.Path, paper, head, "enc-a");                                 // the paper's rule is written as before the key existed
        Assert.DoesNotContain("gru_init", File.ReadAllText(Path.Combine(dir.Path, "evo_config.json")));
        Assert.Equal(CommitGruConfig.InitFromState, EvoFiles.Load(dir.Path, model, "enc-a").Gru.Config.Init);
    }
}
