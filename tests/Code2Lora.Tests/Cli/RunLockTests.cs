using System.Diagnostics;
using System.Text.Json;
using Code2Lora.Runtime;
using LibGit2Sharp;

namespace Code2Lora.Tests.Cli;

/// <summary>One run folder, one process: a second process gets an error naming the holder; a dead holder's record is taken over.</summary>
[Collection("Torch")]   // in-process runs swap the console and load models: never alongside the other torch and notebook tests
public sealed class RunLockTests(BadInputs inputs) : IClassFixture<BadInputs>
{
    private string Folder() => inputs.Scratch("lock-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>This process holds a live-adapter state folder; `c2l evo update` on it, started as a second process, is refused with
    /// the holder's pid and host, and succeeds once the lock is released.</summary>
    [Fact]
    public async Task ASecondProcessOnTheSameFolderIsRefusedWithTheHolderNamed()
    {
        var repo = GitRepositoryWithOneCommit();
        var state = Folder();
        string[] update = ["evo", "update", "--preset", "smoke", "--model", inputs.EvoModel, "--repo", repo, "--state", state];
        using (RunLock.Acquire(state, "test holder"))
        {
            var refused = await CliRun.ProcessAsync("c2l.dll", update);
            Assert.Equal(2, refused.ExitCode);
            var line = Assert.Single(refused.ErrorLines);
            Assert.Contains($"{state}: in use by pid {Environment.ProcessId} on host {Environment.MachineName}", line);
            Assert.Contains("test holder", line);
            Assert.Contains("wait for it to finish", line);
        }
        var after = await CliRun.ProcessAsync("c2l.dll", update);
        Assert.True(after.ExitCode == 0, after.All);
        Assert.Null(RunLock.ReadHolder(state));                    // the child released the folder on exit
    }

    [Fact]
    public void EvaluationShardsShareOneResultsFolderButEachShardIsClaimedOnce()
    {
        var results = Folder();
        using (RunLock.ForEvaluation(results, new Code2Lora.Evaluation.Shard(1, 3)))
        using (RunLock.ForEvaluation(results, new Code2Lora.Evaluation.Shard(2, 3)))       // another shard, the same folder: runs
        {
            var e = Assert.Throws<RunLockedException>(() => RunLock.ForEvaluation(results, new Code2Lora.Evaluation.Shard(1, 3)));
            Assert.Contains("evaluation shard 1/3", e.Message);                           // the same shard twice: refused, holder named
            Assert.Contains(Path.Combine("predictions", ".shards", "shard-1-of-3"), e.Message);
        }
        using var whole = RunLock.ForEvaluation(results, null);                            // one process (or the merge) takes the folder
        Assert.Throws<RunLockedException>(() => RunLock.ForEvaluation(results, null));
    }

    [Fact]
    public void TheSameFolderCannotBeTakenTwiceInOneProcessEither()
    {
        var folder = Folder();
        using (var first = RunLock.Acquire(folder, "first"))
        {
            var e = Assert.Throws<RunLockedException>(() => RunLock.Acquire(folder, "second"));
            Assert.Equal(Environment.ProcessId, e.Holder?.Pid);
            Assert.Contains("first", e.Message);
        }
        using var again = RunLock.Acquire(folder, "again");
        Assert.Null(again.StaleHolder);
    }

    [Fact]
    public void ADeadHoldersRecordIsTakenOver()
    {
        var folder = Folder();
        using var finished = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        finished.WaitForExit();
        WriteRecord(folder, finished.Id, Environment.MachineName, DateTime.UtcNow.AddMinutes(-5));
        using var taken = RunLock.Acquire(folder, "after a crash");
        Assert.Equal(finished.Id, taken.StaleHolder?.Pid);
        Assert.Equal(Environment.ProcessId, RunLock.ReadHolder(folder)?.Pid);
    }

    /// <summary>On a file system that ignores flock, the record still protects the folder while its process runs.</summary>
    [Fact]
    public void ALiveHoldersRecordIsHonouredWithoutTheFileLock()
    {
        var folder = Folder();
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            WriteRecord(folder, sleeper.Id, Environment.MachineName, sleeper.StartTime.ToUniversalTime());
            var e = Assert.Throws<RunLockedException>(() => RunLock.Acquire(folder, "second"));
            Assert.Contains($"pid {sleeper.Id} on host {Environment.MachineName}", e.Message);

            // The same pid with another start time is a later process that reused it: the record is stale.
            WriteRecord(folder, sleeper.Id, Environment.MachineName, sleeper.StartTime.ToUniversalTime().AddHours(-1));
            using var taken = RunLock.Acquire(folder, "second");
            Assert.Equal(sleeper.Id, taken.StaleHolder?.Pid);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void AnotherHostsRecordSaysHowToClearIt()
    {
        var folder = Folder();
        WriteRecord(folder, 12345, "some-other-host", DateTime.UtcNow);
        var e = Assert.Throws<RunLockedException>(() => RunLock.Acquire(folder, "here"));
        Assert.Contains("pid 12345 on host some-other-host", e.Message);
        Assert.Contains(Path.Combine(folder, RunLock.HolderFileName), e.Message);
    }

    private static void WriteRecord(string folder, int pid, string host, DateTime processStart)
    {
        Directory.CreateDirectory(folder);
        var record = new RunLockHolder
        {
            Pid = pid, Host = host, Purpose = "training", Command = "c2l train static", SinceUtc = processStart, ProcessStartUtc = processStart,
        };
        File.WriteAllText(Path.Combine(folder, RunLock.HolderFileName),
            JsonSerializer.Serialize(record, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    }

    private string GitRepositoryWithOneCommit()
    {
        var path = inputs.Scratch("repo-" + Guid.NewGuid().ToString("N")[..8]);
        Repository.Init(path);
        using var repo = new Repository(path);
        File.WriteAllText(Path.Combine(path, "app.py"), "PORT = 8431\n\ndef port():\n    return PORT\n");
        Directory.CreateDirectory(Path.Combine(path, "tests"));
        File.WriteAllText(Path.Combine(path, "tests", "test_app.py"), "from app import port\n\ndef test_port():\n    assert port() == 8431\n");
        Commands.Stage(repo, "*");
        var who = new Signature("t", "t@example.org", DateTimeOffset.UnixEpoch.AddYears(50));
        repo.Commit("first", who, who);
        return path;
    }
}
