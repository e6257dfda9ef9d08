namespace Code2Lora.Hub;

/// <summary>What to download: a repository at a revision, the files the filter selects, into the cache or a plain folder.</summary>
/// <param name="Repo">The repository.</param>
/// <param name="Revision">Branch, tag or full commit id.</param>
public sealed record HubDownloadRequest(HubRepo Repo, string Revision = "main")
{
    /// <summary>Which files (all by default).</summary>
    public FileFilter Filter { get; init; } = new();

    /// <summary>A plain folder (huggingface_hub's local_dir layout) instead of the cache; null for the cache.</summary>
    public string? LocalDir { get; init; }

    /// <summary>The `c2l hub download` command that fetches exactly this, for messages that tell the user what to run.</summary>
    public string Command(string cacheDirectory)
    {
        var parts = new List<string> { "c2l hub download", Repo.CommandArguments };
        if (Revision != "main") parts.Add("--revision " + ShellWord(Revision));
        parts.AddRange(Filter.Include.Select(p => "--include " + ShellWord(p)));
        parts.AddRange(Filter.Exclude.Select(p => "--exclude " + ShellWord(p)));
        parts.Add(LocalDir is null ? "--to " + ShellWord(new HubCache(cacheDirectory).Root) : "--local-dir " + ShellWord(Path.GetFullPath(LocalDir)));
        return string.Join(' ', parts);
    }

    /// <summary>A word as a POSIX shell reads it back unchanged: bare when safe, else single-quoted.</summary>
    internal static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@+,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
