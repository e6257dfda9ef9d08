namespace Code2Lora.Hub;

/// <summary>What a request is for, so an HTTP failure can be reported in the user's terms (repository, revision, file).</summary>
/// <param name="Repo">The repository asked about.</param>
/// <param name="Revision">The revision as the user gave it (branch, tag or commit).</param>
/// <param name="File">The repository path of the file being fetched, if any.</param>
internal sealed record HubRequest(HubRepo Repo, string Revision, string? File = null)
{
    /// <summary>"revision 'main' of model Qwen/X" or "'config.json' of model Qwen/X at revision 'main'".</summary>
    public string Describe() => File is null ? $"revision '{Revision}' of {Repo}" : $"'{File}' of {Repo} at revision '{Revision}'";
}
