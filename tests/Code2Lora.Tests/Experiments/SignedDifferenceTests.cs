using Code2Lora.Experiments;

namespace Code2Lora.Tests.Experiments;

/// <summary>Differences print with one sign: a two-section format string printed a tiny negative difference as "-+0.000".</summary>
public sealed class SignedDifferenceTests
{
    [Theory]
    [InlineData(0.0432, "F3", "+0.043")]
    [InlineData(-0.0121, "F3", "-0.012")]
    [InlineData(-0.0001, "F3", "-0.000")]
    [InlineData(0.0, "F3", "0.000")]
    [InlineData(1.26, "F1", "+1.3")]
    public void ASignedDifferenceHasExactlyOneSign(double value, string format, string expected) =>
        Assert.Equal(expected, SummaryTables.Signed(value, format));
}
