namespace Code2Lora.Forge;

/// <summary>An assertion present in a test file at some commit, with the label the forge intends for it.</summary>
internal sealed record ForgedAssertion(string File, string Test, string Target, string? FactId)
{
    public string IntendedKind => FactId is null ? TaskKindLabeler.Generic : TaskKindLabeler.RepoSpecific;
}

/// <summary>One planned commit: its metadata and the complete file set after it.</summary>
internal sealed record PlannedCommit(
    int Index,
    DateTimeOffset When,
    string Kind,
    string Message,
    string? FactId,
    string? Change,
    int TestsAdded,
    SortedDictionary<string, string> Files,
    IReadOnlyList<ForgedAssertion> Assertions);

/// <summary>A simulated repository history, ready to be written as git commits.</summary>
internal sealed record ForgedHistory(
    string RepoId,
    int RepoIndex,
    string Package,
    bool SrcLayout,
    string Prefix,
    string Domain,
    IReadOnlyList<PlannedCommit> Commits,
    IReadOnlyList<FactState> Facts);
