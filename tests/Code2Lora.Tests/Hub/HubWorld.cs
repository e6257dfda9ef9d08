using Code2Lora.Hub;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Hub;

/// <summary>A fake Hub serving the tiny model and dataset, and a temporary folder for caches; settings are passed explicitly, so the
/// machine's HF_* variables never matter.</summary>
internal sealed class HubWorld : IAsyncDisposable
{
    public FakeRepo Model { get; }

    public FakeRepo Dataset { get; } = FakeRepo.TinyDataset();

    public FakeHub Hub { get; }

    public TempDir Dir { get; } = new();

    public HubWorld(FakeRepo? model = null)
    {
        Model = model ?? FakeRepo.TinyModel();
        Hub = new FakeHub(Model, Dataset);
    }

    public string Cache => Dir.Sub("cache");

    public HubSettings Settings(string? token = null, int retries = 0, bool offline = false) => new()
    {
        Endpoint = Hub.Endpoint,
        CacheDirectory = Cache,
        Token = token,
        Offline = offline,
        Retries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        RequestTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(5),
        MaxParallelDownloads = 4,
    };

    public async Task<HubSnapshot> Download(HubDownloadRequest request, HubSettings? settings = null, IProgress<HubProgress>? progress = null)
    {
        using var client = new HubClient(settings ?? Settings());
        return await client.DownloadAsync(request, progress);
    }

    public async Task<HubException> DownloadFails(HubDownloadRequest request, HubSettings? settings = null) =>
        await Assert.ThrowsAsync<HubException>(() => Download(request, settings));

    /// <summary>The blob folder of a repository in the cache.</summary>
    public string Blobs(HubRepo repo) => Path.Combine(Cache, repo.CacheFolderName, "blobs");

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        Dir.Dispose();
    }
}
