using System.Diagnostics;

namespace Code2Lora.Mining;

/// <summary>Runs the git command line for what libgit2 cannot do (bundles), isolated from the user's git configuration.</summary>
internal static class GitProcess
{
    /// <summary>Runs <c>git args</c>; returns stdout, or throws <see cref="MiningException"/> with git's stderr and <paramref name="what"/>.</summary>
    public static string Run(string what, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // A user's hooks, templates or url rewrites must not change what a bundle clones into.
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MiningException($"{what}: the git command line could not be run ({e.Message}); install git (scripts/install.sh does).", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new MiningException($"{what}: git {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result.Trim()}");
            return stdout.Result;
        }
    }
}
