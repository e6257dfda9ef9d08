using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Code2Lora.Runtime;

namespace Code2Lora.Tests.Runtime;

/// <summary>Per-repository claims (docs/sharding.md, "Claims"): two claimers on one repository list train each repository once.</summary>
public class WorkClaimTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-claims-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The loop of <c>TrainPerRepoLora</c>: skip what is done, claim, check again, "train" (record and mark done).</summary>
    private void Claimer(IReadOnlyList<string> repos, string claims, ConcurrentBag<(string Repo, int Worker)> trained, int worker, Barrier start)
    {
        start.SignalAndWait();
        foreach (var repo in repos)
        {
            var done = Path.Combine(_dir, "done", WorkClaim.FileName(repo));
            if (File.Exists(done)) continue;
            using var claim = WorkClaim.TryClaim(claims, repo, "test");
            if (claim is null || File.Exists(done)) continue;
            trained.Add((repo, worker));
            Thread.Sleep(1);   // the work: long enough that the other claimer meets the claim
            File.WriteAllText(done, "");
        }
    }

    [Fact]
    public void Two_claimers_on_one_repository_list_train_every_repository_exactly_once()
    {
        var repos = Enumerable.Range(0, 200).Select(i => $"owner/repo{i}").ToList();
        Directory.CreateDirectory(Path.Combine(_dir, "done"));
        var trained = new ConcurrentBag<(string Repo, int Worker)>();
        var start = new Barrier(2);
        var claims = Path.Combine(_dir, ".claims");
        var workers = new[] { 1, 2 }.Select(w => new Thread(() => Claimer(repos, claims, trained, w, start))).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Assert.Equal(repos.Order(), trained.Select(t => t.Repo).Order());          // every repository, none twice
        Assert.Equal(2, trained.Select(t => t.Worker).Distinct().Count());          // and both claimers did some
        Assert.Empty(Directory.GetFiles(claims));                                  // released claims leave nothing behind
    }

    [Fact]
    public void A_live_claim_is_refused_and_a_dead_processs_claim_is_taken_over()
    {
        var claims = Path.Combine(_dir, ".claims");
        using (var held = WorkClaim.TryClaim(claims, "a/b", "test"))
        {
            Assert.NotNull(held);
            Assert.Null(WorkClaim.TryClaim(claims, "a/b", "test"));               // this (live) process holds it
            Assert.Equal(Environment.ProcessId, WorkClaim.HolderOf(claims, "a/b")!.Pid);
            Assert.NotNull(WorkClaim.TryClaim(claims, "a/c", "test"));             // other repositories are free
        }
        // A claim left by a process that has exited: its pid is gone, so the claim is stale.
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        var dead = new RunLockHolder { Pid = exited.Id, Host = Environment.MachineName, Purpose = "test", Command = "c2l train plora", SinceUtc = DateTime.UtcNow };
        File.WriteAllText(Path.Combine(claims, WorkClaim.FileName("a/b")),
            JsonSerializer.Serialize(dead, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        Assert.Null(WorkClaim.HolderOf(claims, "a/b"));
        using var taken = WorkClaim.TryClaim(claims, "a/b", "test");
        Assert.NotNull(taken);
        Assert.Equal(exited.Id, taken!.StaleHolder!.Pid);
        // A holder on another host cannot be checked: its claim stands.
        var remote = dead with { Host = "another-host-" + Guid.NewGuid().ToString("N")[..6] };
        File.WriteAllText(Path.Combine(claims, WorkClaim.FileName("x/y")),
            JsonSerializer.Serialize(remote, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        Assert.Null(WorkClaim.TryClaim(claims, "x/y", "test"));
    }
}
