using System.Diagnostics;

namespace Code2Lora.Tests.Mining;

/// <summary>Runs the real <c>git</c> CLI in a test repository, isolated from the user's and system's configuration.</summary>
internal static class GitCli
{
    /// <summary>Runs git with <paramref name="args"/> in <paramref name="dir"/>; returns stdout as UTF-8; throws on a non-zero exit.</summary>
    public static string Run(string dir, DateTimeOffset? date, params string[] args) => Run(dir, date, null, args);

    /// <summary>Same, feeding <paramref name="stdin"/> to the process.</summary>
    public static string Run(string dir, DateTimeOffset? date, byte[]? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var a in new[] { "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main" })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["HOME"] = dir;
        if (date is { } d)
        {
            var stamp = $"{d.ToUnixTimeSeconds()} +0000";
            psi.Environment["GIT_AUTHOR_DATE"] = stamp;
            psi.Environment["GIT_COMMITTER_DATE"] = stamp;
        }
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    /// <summary>Writes a file in the work tree, stages everything and commits at <paramref name="date"/>; returns the new sha.</summary>
    public static string Commit(string dir, DateTimeOffset date, string message)
    {
        Run(dir, date, "add", "-A");
        Run(dir, date, "commit", "-q", "--allow-empty", "-m", message);
        return Run(dir, date, "rev-parse", "HEAD").Trim();
    }
}
