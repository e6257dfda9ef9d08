using Code2Lora.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models;

/// <summary>Known answers for the building blocks, computed by hand from their definitions.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class DecoderMathTests
{
    [Fact]
    public void RmsNormKnownAnswer()
    {
        using var x = torch.tensor(new float[] { 1, 2, 3, 4 });
        using var w = torch.tensor(new float[] { 1, 1, 2, 2 });
        using var y = RmsNorm.Normalize(x, w, 1e-6);
        var r = 1 / Math.Sqrt(30.0 / 4 + 1e-6);   // mean(x²) = 7.5
        var expected = new[] { 1 * r, 2 * r, 2 * 3 * r, 2 * 4 * r };
        Assert.Equal(expected, y.data<float>().ToArray().Select(v => (double)v), new Tolerance(1e-6));
    }

    [Fact]
    public void RmsNormInBf16ComputesInFloat32AndReturnsBf16()
    {
        using var x = torch.tensor(new float[] { 300, 400 }).to(ScalarType.BFloat16);   // x² overflows nothing but loses bits in bf16
        using var w = torch.ones(2, dtype: ScalarType.BFloat16);
        using var y = RmsNorm.Normalize(x, w, 1e-6);
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        var r = 1 / Math.Sqrt((300.0 * 300 + 400.0 * 400) / 2);
        Assert.Equal(new[] { 300 * r, 400 * r }, y.to(ScalarType.Float32).data<float>().ToArray().Select(v => (double)v), new Tolerance(1e-2));
    }

    [Fact]
    public void RopeKnownAnswerRotateHalfConvention()
    {
        // head_dim 4, theta 10000: inv_freq = [1, 1/100]; pairs are (x0, x2) and (x1, x3).
        using var positions = torch.tensor(new long[] { 0, 1, 5 }).view(1, 3);
        var (cos, sin) = RotaryEmbedding.Tables(positions, 4, 10000, ScalarType.Float32);
        using var x = torch.tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 1, 4).expand(1, 1, 3, 4).contiguous();
        using var y = RotaryEmbedding.Apply(x, cos, sin);
        var actual = y.data<float>().ToArray();
        var expected = new List<double>();
        foreach (var p in new[] { 0.0, 1.0, 5.0 })
        {
            double a = p, b = p / 100;
            expected.AddRange([1 * Math.Cos(a) - 3 * Math.Sin(a), 2 * Math.Cos(b) - 4 * Math.Sin(b),
                               3 * Math.Cos(a) + 1 * Math.Sin(a), 4 * Math.Cos(b) + 2 * Math.Sin(b)]);
        }
        Assert.Equal(expected, actual.Select(v => (double)v), new Tolerance(1e-5));
        Assert.Equal(new float[] { 1, 2, 3, 4 }, actual[..4]);   // position 0 is the identity
        cos.Dispose(); sin.Dispose();
    }

    [Fact]
    public void LeftPaddingGivesHuggingFacePositionsAndMask()
    {
        using var mask = torch.tensor(new long[] { 0, 0, 1, 1, 1, 1, 1, 1 }, [2, 4]);
        using var positions = AttentionMask.PositionIds(mask, 4);
        Assert.Equal(new long[] { 1, 1, 0, 1, 0, 1, 2, 3 }, positions.data<long>().ToArray());
        using var allowed = AttentionMask.Allowed(mask, 4);
        // Row 0, query 2 (first real token) sees only itself; query 3 sees keys 2 and 3; pad queries are opened fully.
        Assert.Equal(new[] { false, false, true, false }, allowed[0, 0, 2].data<bool>().ToArray());
        Assert.Equal(new[] { false, false, true, true }, allowed[0, 0, 3].data<bool>().ToArray());
        Assert.Equal(new[] { true, true, true, true }, allowed[0, 0, 0].data<bool>().ToArray());
        Assert.Equal(new[] { true, true, false, false }, allowed[1, 0, 1].data<bool>().ToArray());
    }

    /// <summary>Absolute tolerance comparer for sequences of doubles.</summary>
    private sealed class Tolerance(double atol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= atol;
        public int GetHashCode(double v) => 0;
    }
}
