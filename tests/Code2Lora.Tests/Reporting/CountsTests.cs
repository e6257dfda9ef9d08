using Code2Lora.Reporting;

namespace Code2Lora.Tests.Reporting;

public sealed class CountsTests
{
    [Theory]
    [InlineData(1, "file", "1 file")]
    [InlineData(0, "file", "0 files")]
    [InlineData(2, "repository", "2 repositories")]
    [InlineData(1, "repository", "1 repository")]
    [InlineData(3, "key", "3 keys")]
    [InlineData(2, "pass", "2 passes")]
    [InlineData(1500, "kept commit", "1,500 kept commits")]
    public void CountsAgreeWithTheirNouns(long n, string noun, string expected) => Assert.Equal(expected, Counts.Of(n, noun));
}
