using System.Net;
using System.Net.Sockets;
using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>What a user reads when the Hub says no: missing repository or revision, gated repository, bad token, no connection.</summary>
public class HubErrorTests
{
    private static HubDownloadRequest Missing => new(HubRepo.Create("tiny-org/no-such-model"));

    [Fact]
    public async Task AMissingRepositoryWithoutATokenIs401AndSaysToCheckTheIdOrSetHfToken()
    {
        await using var w = new HubWorld();
        var e = await w.DownloadFails(Missing);
        Assert.Equal(HubErrorKind.Unauthorized, e.Kind);
        Assert.Contains("model tiny-org/no-such-model was not found", e.Message);
        Assert.Contains("HF_TOKEN", e.Message);
        Assert.Contains("--type dataset", e.Message);
        Assert.False(Directory.Exists(w.Cache), "a failed resolve leaves no trace in the cache");
    }

    [Fact]
    public async Task AMissingRepositoryWithATokenIs404AndNamesTheRepository()
    {
        await using var w = new HubWorld();
        var e = await w.DownloadFails(Missing, w.Settings(token: w.Hub.ValidToken));
        Assert.Equal(HubErrorKind.NotFound, e.Kind);
        Assert.Contains("tiny-org/no-such-model", e.Message);
        Assert.Contains("cannot see it", e.Message);
    }

    [Fact]
    public async Task AMissingRevisionNamesTheRevision()
    {
        await using var w = new HubWorld();
        var e = await w.DownloadFails(new HubDownloadRequest(w.Dataset.Repo, "v9.9"));
        Assert.Equal(HubErrorKind.NotFound, e.Kind);
        Assert.Contains("revision 'v9.9' does not exist in dataset tiny-org/tiny-data", e.Message);
    }

    [Fact]
    public async Task AGatedRepositorySaysToSetTheTokenAndAcceptTheLicence()
    {
        var gated = new FakeRepo(HubRepo.Create("tiny-org/gated-model"), FakeRepo.TinyModel().Files) { Gated = true };
        await using var w = new HubWorld(gated);
        var request = new HubDownloadRequest(gated.Repo) { Filter = new FileFilter(["config.json", Weights]) };

        var anonymous = await w.DownloadFails(request);
        Assert.Equal(HubErrorKind.Gated, anonymous.Kind);
        Assert.Contains("set HF_TOKEN", anonymous.Message);
        Assert.Contains($"accept its licence at {w.Hub.Endpoint}/tiny-org/gated-model", anonymous.Message);

        var notGranted = await w.DownloadFails(request, w.Settings(token: w.Hub.ValidToken));
        Assert.Equal(HubErrorKind.Gated, notGranted.Kind);
        Assert.Contains("has no access yet", notGranted.Message);

        gated.GrantedTokens.Add(w.Hub.ValidToken);
        var snapshot = await w.Download(request, w.Settings(token: w.Hub.ValidToken));
        Assert.Equal(2, snapshot.Downloaded);
    }

    private const string Weights = "model.safetensors";

    [Fact]
    public async Task AnInvalidTokenIsReportedAsSuch()
    {
        await using var w = new HubWorld();
        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo), w.Settings(token: "hf_expired"));
        Assert.Equal(HubErrorKind.Unauthorized, e.Kind);
        Assert.Contains("refused the token in HF_TOKEN", e.Message);
    }

    [Fact]
    public async Task NoServerMeansANetworkErrorThatPointsAtOfflineMode()
    {
        await using var w = new HubWorld();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo), w.Settings() with { Endpoint = $"http://127.0.0.1:{closedPort}" });

        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Contains("cannot reach", e.Message);
        Assert.Contains("HF_HUB_OFFLINE=1", e.Message);
    }

    [Fact]
    public async Task AListingThatPointsOutsideTheFolderIsRefused()
    {
        var evil = new FakeRepo(HubRepo.Create("tiny-org/evil"), [new FakeFile("../outside.txt", "x"u8.ToArray(), false)]);
        await using var w = new HubWorld(evil);
        var e = await w.DownloadFails(new HubDownloadRequest(evil.Repo));
        Assert.Contains("'../outside.txt'", e.Message);
        Assert.False(File.Exists(Path.Combine(w.Dir.Path, "outside.txt")));
    }

    [Theory]
    [InlineData("http://hub.example.org", "hf_x", "refusing to send HF_TOKEN over plain HTTP")]
    [InlineData("ftp://hub.example.org", null, "is not an http(s) address")]
    public void UnsafeOrMalformedEndpointsAreRefusedBeforeAnyRequest(string endpoint, string? token, string message)
    {
        var settings = new HubSettings { Endpoint = endpoint, Token = token, CacheDirectory = "/tmp/unused" };
        Assert.Contains(message, Assert.Throws<HubException>(() => new HubClient(settings)).Message);
    }
}
