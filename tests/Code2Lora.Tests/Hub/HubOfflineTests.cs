using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>HF_HUB_OFFLINE: served from the local copy with no request at all, or a clear error naming what is missing and the command to run.</summary>
public class HubOfflineTests
{
    [Fact]
    public async Task OfflineServesACompleteCopyWithoutAnyRequest()
    {
        await using var w = new HubWorld();
        var online = await w.Download(new HubDownloadRequest(w.Model.Repo));
        w.Hub.Requests.Clear();

        var offline = await w.Download(new HubDownloadRequest(w.Model.Repo), w.Settings(offline: true) with { Endpoint = "http://127.0.0.1:9" });

        Assert.True(offline.Offline);
        Assert.Equal(online.Folder, offline.Folder);
        Assert.Equal(online.Files, offline.Files);
        Assert.Equal(w.Model.Commit, offline.Commit);
        Assert.Empty(w.Hub.Requests);
    }

    [Fact]
    public async Task OfflineWithNothingCachedGivesTheDownloadCommand()
    {
        await using var w = new HubWorld();
        var request = new HubDownloadRequest(w.Dataset.Repo) { Filter = new FileFilter(["data/*"]) };

        var e = await w.DownloadFails(request, w.Settings(offline: true));

        Assert.Equal(HubErrorKind.Offline, e.Kind);
        Assert.Contains("HF_HUB_OFFLINE is set", e.Message);
        Assert.Contains($"c2l hub download tiny-org/tiny-data --type dataset --include 'data/*' --to {Path.GetFullPath(w.Cache)}", e.Message);
        Assert.Empty(w.Hub.Requests);
    }

    [Fact]
    public async Task OfflineRefusesASnapshotThatLacksRequestedFiles()
    {
        await using var w = new HubWorld();
        await w.Download(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter(["*.json"]) });

        var partial = await w.Download(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter(["config.json"]) }, w.Settings(offline: true));
        Assert.Single(partial.Files);

        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo), w.Settings(offline: true));
        Assert.Equal(HubErrorKind.Offline, e.Kind);
        Assert.Contains("lacks 5 of 8 files (.gitattributes, README.md, docs/usage notes.md, …)", e.Message);
    }

    [Fact]
    public async Task OfflineServesAPlainFolder()
    {
        await using var w = new HubWorld();
        var dir = w.Dir.Sub("plain");
        await w.Download(new HubDownloadRequest(w.Dataset.Repo) { LocalDir = dir });

        var offline = await w.Download(new HubDownloadRequest(w.Dataset.Repo) { LocalDir = dir, Filter = new FileFilter(["*.parquet"]) }, w.Settings(offline: true));

        Assert.Equal(3, offline.Files.Count);
        Assert.All(offline.Files, f => Assert.StartsWith(Path.GetFullPath(dir), f));
        Assert.DoesNotContain(offline.Files, f => f.Contains(".cache"));
    }
}
