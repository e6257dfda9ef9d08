using Code2Lora.Adapters;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Tests.Adapters;

/// <summary>The delta formula of one wrapped projection: scaling, fp32, detach, batched rows, shape errors.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class LoraLinearTests
{
    private static (LoraLinear Lora, Tensor W, Tensor Bias) Wrapped(LoraConfig config)
    {
        torch.manual_seed(1);
        var linear = nn.Linear(6, 5, hasBias: true);
        return (new LoraLinear(linear, config, "test.q_proj"), linear.weight!, linear.bias!);
    }

    [Fact]
    public void DeltaIsScaledLowRankProductOnTopOfTheBase()
    {
        var (lora, w, bias) = Wrapped(AdapterFixtures.Rank4);   // α/r = 8/4 = 2
        torch.manual_seed(2);
        using var x = torch.randn(2, 3, 6);
        using var a = torch.randn(4, 6);
        using var b = torch.randn(5, 4);
        using var plain = lora.forward(x);
        Assert.True(AdapterFixtures.SameBytes(plain, F.linear(x, w, bias)));
        lora.Weights = new LoraWeights(a, b);
        using var y = lora.forward(x);
        using var expected = F.linear(x, w, bias) + 2.0 * x.matmul(a.t()).matmul(b.t());
        Assert.True(AdapterFixtures.MaxAbsDiff(y, expected) < 1e-5);
    }

    [Fact]
    public void PerExampleWeightsApplyRowByRow()
    {
        var (lora, _, _) = Wrapped(AdapterFixtures.Rank4);
        torch.manual_seed(4);
        using var x = torch.randn(3, 2, 6);
        using var a = torch.randn(3, 4, 6);
        using var b = torch.randn(3, 5, 4);
        lora.Weights = new LoraWeights(a, b);
        using var batched = lora.forward(x);
        for (var i = 0; i < 3; i++)
        {
            lora.Weights = new LoraWeights(a[i], b[i]);
            using var single = lora.forward(x[i..(i + 1)]);
            Assert.True(AdapterFixtures.MaxAbsDiff(batched[i..(i + 1)], single) < 1e-5, $"row {i}");
        }
        lora.Weights = new LoraWeights(a, b);
        var error = Assert.Throws<ArgumentException>(() => lora.forward(x[..2]));
        Assert.Contains("batch of 3", error.Message);
    }

    [Fact]
    public void WrongShapesAreRefusedWithTheModulePath()
    {
        var (lora, _, _) = Wrapped(AdapterFixtures.Rank4);
        var error = Assert.Throws<ArgumentException>(() => lora.Weights = new LoraWeights(torch.zeros(4, 7), torch.zeros(5, 4)));
        Assert.Contains("test.q_proj", error.Message);
        Assert.Throws<ArgumentException>(() => lora.Weights = new LoraWeights(torch.zeros(8, 6), torch.zeros(5, 8)));   // rank 8 ≠ 4
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DetachInputCutsOnlyTheDeltasPathToX(bool detach)
    {
        var (lora, w, _) = Wrapped(AdapterFixtures.Rank4 with { DetachInput = detach });
        torch.manual_seed(5);
        using var x = torch.randn(1, 2, 6).requires_grad_(true);
        using var a = torch.randn(4, 6).requires_grad_(true);
        using var b = torch.randn(5, 4).requires_grad_(true);
        lora.Weights = new LoraWeights(a, b);
        lora.forward(x).sum().backward();
        // d(sum y)/dx = 1ᵀW (+ 2·1ᵀBA without detach); A and B get gradients either way.
        using var ones = torch.ones(1, 2, 5);
        using var viaBase = ones.matmul(w);
        using var viaDelta = ones.matmul(b).matmul(a) * 2.0;
        using var expected = detach ? viaBase : viaBase + viaDelta;
        Assert.True(AdapterFixtures.MaxAbsDiff(x.grad!, expected) < 1e-4);
        Assert.True(a.grad!.abs().sum().item<float>() > 0 && b.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bf16BaseGetsAnFp32DeltaCastBack()
    {
        torch.manual_seed(6);
        var linear = nn.Linear(6, 5, hasBias: false, dtype: ScalarType.BFloat16);
        var lora = new LoraLinear(linear, AdapterFixtures.Rank4, "bf16.q_proj");
        using var x = torch.randn(1, 2, 6).to(ScalarType.BFloat16);
        using var a = torch.randn(4, 6);
        using var b = torch.randn(5, 4);
        lora.Weights = new LoraWeights(a, b);
        using var y = lora.forward(x);
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        using var expected = F.linear(x, linear.weight!) + (2.0 * x.to(ScalarType.Float32).matmul(a.t()).matmul(b.t())).to(ScalarType.BFloat16);
        Assert.True(AdapterFixtures.SameBytes(y, expected));
    }
}
