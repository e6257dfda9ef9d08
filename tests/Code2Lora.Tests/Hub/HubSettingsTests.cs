using Code2Lora.Hub;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Hub;

/// <summary>huggingface_hub's environment variables, read from a dictionary (never from this machine's environment).</summary>
public class HubSettingsTests
{
    // Without HF_HOME or XDG_CACHE_HOME the defaults would point into this user's home; a folder that does not exist keeps it out.
    private static HubSettings From(Dictionary<string, string> vars) =>
        HubSettings.FromVariables(n => vars.GetValueOrDefault(n) ?? (n == "XDG_CACHE_HOME" ? "/nonexistent-c2l-test" : null));

    [Fact]
    public void DefaultsFollowHuggingFaceHub()
    {
        var s = From(new() { ["XDG_CACHE_HOME"] = "/x/cache" });
        Assert.Equal("https://huggingface.co", s.Endpoint);
        Assert.Equal("/x/cache/huggingface/hub", s.CacheDirectory);
        Assert.False(s.Offline);
        Assert.Equal(TimeSpan.FromSeconds(10), s.ReadTimeout);
        Assert.Equal(8, s.MaxParallelDownloads);
    }

    [Fact]
    public void VariablesOverrideInHuggingFaceHubsOrder()
    {
        var s = From(new()
        {
            ["HF_HOME"] = "/h", ["HF_ENDPOINT"] = "https://mirror.example/", ["HF_TOKEN"] = "hf_abc", ["HF_HUB_OFFLINE"] = "yes",
            ["HF_HUB_DOWNLOAD_TIMEOUT"] = "30", ["HF_HUB_ETAG_TIMEOUT"] = "2.5",
        });
        Assert.Equal("/h/hub", s.CacheDirectory);
        Assert.Equal("https://mirror.example", s.Endpoint);
        Assert.Equal("hf_abc", s.Token);
        Assert.True(s.Offline);
        Assert.Equal(TimeSpan.FromSeconds(30), s.ReadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), s.RequestTimeout);
        Assert.Equal("/c", From(new() { ["HF_HOME"] = "/h", ["HF_HUB_CACHE"] = "/c" }).CacheDirectory);
        Assert.True(From(new() { ["TRANSFORMERS_OFFLINE"] = "1" }).Offline);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void OfflineTakesHuggingFaceHubsTruthyValues(string value, bool offline) =>
        Assert.Equal(offline, From(new() { ["HF_HUB_OFFLINE"] = value }).Offline);

    [Fact]
    public void TheStoredLoginTokenIsUsedOnlyWithoutHfToken()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "token"), "hf_stored\n");
        Assert.Equal("hf_stored", From(new() { ["HF_HOME"] = home.Path }).Token);
        Assert.Equal("hf_env", From(new() { ["HF_HOME"] = home.Path, ["HF_TOKEN"] = "hf_env" }).Token);
        Assert.Null(From(new() { ["HF_HOME"] = Path.Combine(home.Path, "nowhere") }).Token);
    }

    [Fact]
    public void ABadTimeoutNamesTheVariable() =>
        Assert.Contains("HF_HUB_DOWNLOAD_TIMEOUT='soon'", Assert.Throws<HubException>(() => From(new() { ["HF_HUB_DOWNLOAD_TIMEOUT"] = "soon" })).Message);
}
