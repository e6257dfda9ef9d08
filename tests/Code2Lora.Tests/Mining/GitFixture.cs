using System.Diagnostics;

namespace Code2Lora.Tests.Mining;

/// <summary>Builds git repositories for tests with the real git CLI, so the code under test is checked against git itself.</summary>
public sealed class GitFixture : IDisposable
{
    private int _tick;
    public string Root { get; }

    public GitFixture(string? root = null)
    {
        Root = root ?? Directory.CreateTempSubdirectory("c2l-git-").FullName;
        Directory.CreateDirectory(Root);
        Git("init -q -b main");
    }

    public void Dispose() { try { Directory.Delete(Root, recursive: true); } catch (IOException) { } }

    /// <summary>Runs git in the repository with a fixed identity and a clock that advances one hour per call.</summary>
    public string Git(string args, DateTimeOffset? when = null)
    {
        var date = (when ?? new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(_tick++)).ToString("yyyy-MM-ddTHH:mm:sszzz");
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in new[] { ("GIT_AUTHOR_NAME", "t"), ("GIT_AUTHOR_EMAIL", "t@t"), ("GIT_COMMITTER_NAME", "t"), ("GIT_COMMITTER_EMAIL", "t@t"),
                                       ("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date), ("GIT_CONFIG_NOSYSTEM", "1"), ("HOME", Root) })
            psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {args} failed: {stderr}");
        return stdout.Result;
    }

    public GitFixture Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    public GitFixture Write(string path, byte[] bytes)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return this;
    }

    /// <summary>Stages everything and commits; returns the new HEAD sha.</summary>
    public string Commit(string message, DateTimeOffset? when = null)
    {
        Git("add -A");
        Git($"commit -q --allow-empty -m \"{message}\"", when);
        return Git("rev-parse HEAD").Trim();
    }
}
