using System.Security.Cryptography;
using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>Broken transfers: the partial file is kept and the next run resumes it with an HTTP Range; corrupt bytes never reach the cache.</summary>
public class HubResumeTests
{
    private const string Weights = "model.safetensors";

    [Fact]
    public async Task AnInterruptedTransferKeepsItsPartialFileAndTheNextRunResumesWithRange()
    {
        await using var w = new HubWorld();
        var file = w.Model.File(Weights);
        var incomplete = Path.Combine(w.Blobs(w.Model.Repo), file.Sha256 + ".incomplete");
        w.Hub.DropOnceAfter[Weights] = 100_000;

        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo));

        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Contains("Re-run the same command to resume", e.Message);
        Assert.Contains(incomplete, e.Message);
        Assert.Equal(100_000, new FileInfo(incomplete).Length);
        var snapshotFolder = Path.Combine(w.Cache, w.Model.Repo.CacheFolderName, "snapshots", w.Model.Commit);
        Assert.False(File.Exists(Path.Combine(snapshotFolder, Weights)));
        Assert.False(File.Exists(Path.Combine(w.Blobs(w.Model.Repo), file.Sha256)));
        Assert.True(File.Exists(Path.Combine(snapshotFolder, "onnx", "model.onnx")), "files that did not fail are kept");

        w.Hub.Requests.Clear();
        var snapshot = await w.Download(new HubDownloadRequest(w.Model.Repo));

        var resumed = Assert.Single(w.Hub.Seen("cdn"));
        Assert.Equal("bytes=100000-", resumed.Header("Range"));
        Assert.Equal(1, snapshot.Downloaded);
        Assert.Equal(200_000, snapshot.BytesTransferred);
        var bytes = File.ReadAllBytes(Path.Combine(snapshot.Folder, Weights));
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.False(File.Exists(incomplete));
    }

    [Fact]
    public async Task ADroppedConnectionIsResumedWithinTheSameRunWhenRetriesAreAllowed()
    {
        await using var w = new HubWorld();
        w.Hub.DropOnceAfter[Weights] = 64_000;

        var snapshot = await w.Download(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter([Weights]) }, w.Settings(retries: 2));

        var ranges = w.Hub.Seen("cdn").Select(r => r.Header("Range") ?? "none").ToArray();
        Assert.Equal(["none", "bytes=64000-"], ranges);
        Assert.Equal(w.Model.File(Weights).Content, File.ReadAllBytes(snapshot.Files[0]));
    }

    [Fact]
    public async Task AServerThatIgnoresRangeMakesTheDownloadStartOverInsteadOfAppendingTwice()
    {
        await using var w = new HubWorld();
        w.Hub.DropOnceAfter[Weights] = 50_000;
        await w.DownloadFails(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter([Weights]) });
        w.Hub.IgnoreRange = true;

        var snapshot = await w.Download(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter([Weights]) });

        Assert.Equal(w.Model.File(Weights).Content, File.ReadAllBytes(snapshot.Files[0]));
        Assert.Equal(300_000, snapshot.BytesTransferred);
    }

    [Theory]
    [InlineData(Weights, "sha256")]
    [InlineData("config.json", "git blob sha1")]
    public async Task ACorruptedFileIsRefusedAndNothingIsInstalled(string path, string checksum)
    {
        await using var w = new HubWorld();
        var file = w.Model.File(path);
        w.Hub.Corrupt[path] = true;

        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter([path]) });

        Assert.Equal(HubErrorKind.Checksum, e.Kind);
        Assert.Contains($"{checksum} ", e.Message);
        Assert.Contains(file.Etag, e.Message);
        Assert.Contains("no file was installed", e.Message);
        Assert.Empty(Directory.GetFiles(w.Blobs(w.Model.Repo)));   // neither the blob nor a partial file to resume corrupt bytes from
        Assert.False(File.Exists(Path.Combine(w.Cache, w.Model.Repo.CacheFolderName, "snapshots", w.Model.Commit, path)));
    }

    [Fact]
    public async Task ATransientServerErrorIsRetriedAndAPersistentOneIsReported()
    {
        await using var w = new HubWorld();
        w.Hub.FailFile["config.json"] = (503, 1);
        var ok = await w.Download(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter(["config.json"]) }, w.Settings(retries: 1));
        Assert.Equal(w.Model.File("config.json").Content, File.ReadAllBytes(ok.Files[0]));

        w.Hub.FailFile["tokenizer.json"] = (500, 5);
        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter(["tokenizer.json"]) }, w.Settings(retries: 1));
        Assert.Equal(HubErrorKind.Server, e.Kind);
        Assert.Contains("answered 500", e.Message);
        Assert.Contains("'tokenizer.json'", e.Message);
    }
}
