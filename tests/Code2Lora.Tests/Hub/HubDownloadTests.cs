using System.Text.Json.Nodes;
using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>Full downloads against the fake Hub: huggingface_hub's cache layout, LFS redirects, pagination, filters, re-runs, plain folders.</summary>
public class HubDownloadTests
{
    [Fact]
    public async Task DownloadsAModelIntoTheHuggingFaceCacheLayout()
    {
        await using var w = new HubWorld();
        var repo = w.Model;
        var snapshot = await w.Download(new HubDownloadRequest(repo.Repo), w.Settings(token: w.Hub.ValidToken));

        var repoFolder = Path.Combine(w.Cache, "models--tiny-org--tiny-model");
        Assert.Equal(Path.Combine(repoFolder, "snapshots", repo.Commit), snapshot.Folder);
        Assert.Equal(repo.Commit, snapshot.Commit);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "main")));   // no newline, as huggingface_hub writes it
        Assert.True(File.Exists(Path.Combine(w.Cache, "CACHEDIR.TAG")));
        foreach (var f in repo.Files)
        {
            var pointer = Path.Combine([snapshot.Folder, .. f.Path.Split('/')]);
            var link = new FileInfo(pointer).LinkTarget;
            var depth = f.Path.Count(c => c == '/');
            Assert.Equal(string.Join('/', Enumerable.Repeat("..", depth + 2)) + "/blobs/" + f.Etag, link);
            Assert.Equal(f.Content, File.ReadAllBytes(pointer));
        }
        var blobs = Directory.GetFiles(w.Blobs(repo.Repo)).Select(p => Path.GetFileName(p)).Order().ToList();
        Assert.Equal(repo.Files.Select(f => f.Etag).Distinct().Order().ToList(), blobs);   // the two configs share one blob; nothing .incomplete
        Assert.Contains(repo.File("model.safetensors").Sha256, blobs);

        var tree = JsonNode.Parse(File.ReadAllText(Path.Combine(repoFolder, "trees", repo.Commit + ".json")))!;
        Assert.Equal(1, (int)tree["format_version"]!);
        Assert.Equal(repo.File("model.safetensors").Sha256, (string)tree["files"]!["model.safetensors"]!["lfs_sha256"]!);
        Assert.Equal(repo.Files.Count - 1, snapshot.Downloaded);
        Assert.Equal(1, snapshot.Reused);
        Assert.Equal(repo.Files.Where(f => f.Path != "docs/config copy.json").Sum(f => (long)f.Content.Length), snapshot.BytesTransferred);

        // The token goes to the Hub, never to the CDN that an LFS file redirects to.
        Assert.All(w.Hub.Seen("hub"), r => Assert.Equal("Bearer " + w.Hub.ValidToken, r.Header("Authorization")));
        Assert.Equal(2, w.Hub.Seen("cdn").Count());
        Assert.All(w.Hub.Seen("cdn"), r => Assert.Null(r.Header("Authorization")));
        Assert.Contains(w.Hub.Seen("hub"), r => r.Path == "/tiny-org/tiny-model/resolve/" + repo.Commit + "/docs/usage%20notes.md");
    }

    [Fact]
    public async Task ARerunReusesTheCacheWithoutTransferringFiles()
    {
        await using var w = new HubWorld();
        await w.Download(new HubDownloadRequest(w.Model.Repo));
        w.Hub.Requests.Clear();

        var again = await w.Download(new HubDownloadRequest(w.Model.Repo));

        Assert.Equal(0, again.Downloaded);
        Assert.Equal(w.Model.Files.Count, again.Reused);
        Assert.Equal(0, again.BytesTransferred);
        // Only the branch is resolved again; the tree listing of a commit is read from trees/<commit>.json.
        Assert.Equal(["/api/models/tiny-org/tiny-model/revision/main"], w.Hub.Requests.Select(r => r.Request.Path).ToArray());
    }

    [Fact]
    public async Task DatasetWithIncludeGlobFetchesOnlyMatchingFilesThroughPagedListings()
    {
        await using var w = new HubWorld();
        w.Hub.TreePageSize = 2;
        var progress = new List<HubProgress>();
        var request = new HubDownloadRequest(w.Dataset.Repo) { Filter = new FileFilter(["data/*.parquet"]) };

        var snapshot = await w.Download(request, progress: new Code2Lora.Runtime.SyncProgress<HubProgress>(p => { lock (progress) progress.Add(p); }));

        Assert.Equal(Path.Combine(w.Cache, "datasets--tiny-org--tiny-data", "snapshots", w.Dataset.Commit), snapshot.Folder);
        Assert.Equal(["data/test-00000-of-00001.parquet", "data/train-00000-of-00001.parquet"],
            snapshot.Files.Select(f => Path.GetRelativePath(snapshot.Folder, f).Replace('\\', '/')).ToArray());
        Assert.False(File.Exists(Path.Combine(snapshot.Folder, "README.md")));
        Assert.Equal(w.Dataset.File("data/train-00000-of-00001.parquet").Content, File.ReadAllBytes(snapshot.Files[1]));
        Assert.True(w.Hub.Seen("hub").Count(r => r.Path.Contains("/tree/")) >= 3, "the listing should have been read over several pages");
        Assert.All(w.Hub.Seen("hub").Where(r => r.Path.Contains("/resolve/")), r => Assert.StartsWith("/datasets/tiny-org/tiny-data/resolve/", r.Path));
        var last = progress.MaxBy(p => p.BytesDone)!;
        Assert.Equal(160_000, last.BytesTotal);
        Assert.Equal(160_000, last.BytesDone);
        Assert.Equal(2, progress.Max(p => p.FilesDone));
    }

    [Fact]
    public async Task AGlobThatMatchesNothingListsWhatTheRepositoryHas()
    {
        await using var w = new HubWorld();
        var e = await w.DownloadFails(new HubDownloadRequest(w.Model.Repo) { Filter = new FileFilter(["*.gguf"]) });
        Assert.Equal(HubErrorKind.InvalidInput, e.Kind);
        Assert.Contains("--include '*.gguf'", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public async Task TagAndCommitRevisionsResolveAsTheHubDoes()
    {
        await using var w = new HubWorld();
        var byTag = await w.Download(new HubDownloadRequest(w.Model.Repo, "v1.0") { Filter = new FileFilter(["config.json"]) });
        Assert.Equal(w.Model.Commit, File.ReadAllText(Path.Combine(w.Cache, w.Model.Repo.CacheFolderName, "refs", "v1.0")));
        w.Hub.Requests.Clear();

        // A full commit id needs no revision call and records no ref.
        var byCommit = await w.Download(new HubDownloadRequest(w.Model.Repo, w.Model.Commit) { Filter = new FileFilter(["tokenizer.json"]) });
        Assert.Equal(byTag.Folder, byCommit.Folder);
        Assert.DoesNotContain(w.Hub.Seen("hub"), r => r.Path.Contains("/revision/"));
        Assert.False(File.Exists(Path.Combine(w.Cache, w.Model.Repo.CacheFolderName, "refs", w.Model.Commit)));
    }

    [Fact]
    public async Task LocalDirGetsPlainFilesWithHuggingFaceDownloadMetadata()
    {
        await using var w = new HubWorld();
        var dir = w.Dir.Sub("plain");
        var request = new HubDownloadRequest(w.Model.Repo) { LocalDir = dir, Filter = new FileFilter(exclude: ["docs/"]) };

        var snapshot = await w.Download(request);

        Assert.Equal(Path.GetFullPath(dir), snapshot.Folder);
        Assert.False(Directory.Exists(Path.Combine(dir, "docs")));
        var weights = Path.Combine(dir, "model.safetensors");
        Assert.Null(new FileInfo(weights).LinkTarget);
        Assert.Equal(w.Model.File("model.safetensors").Content, File.ReadAllBytes(weights));
        var metadata = File.ReadAllLines(Path.Combine(dir, ".cache", "huggingface", "download", "onnx", "model.onnx.metadata"));
        Assert.Equal(w.Model.Commit, metadata[0]);
        Assert.Equal(w.Model.File("onnx/model.onnx").Sha256, metadata[1]);
        Assert.Equal("*", File.ReadAllText(Path.Combine(dir, ".cache", "huggingface", ".gitignore")));
        Assert.Empty(Directory.GetFiles(dir, "*.incomplete", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(w.Cache));

        w.Hub.Requests.Clear();
        var again = await w.Download(request);
        Assert.Equal(0, again.Downloaded);
        Assert.DoesNotContain(w.Hub.Seen("hub"), r => r.Path.Contains("/resolve/"));
    }
}
