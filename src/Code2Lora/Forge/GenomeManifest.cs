namespace Code2Lora.Forge;

/// <summary>
/// What the forge knows about one generated repository: its genome (every fact and how its value moved over
/// commits) and its commits. Stored as <c>.git/c2l-forge.json</c>, outside the tree, so it travels with the folder
/// without being part of the code a model sees.
/// </summary>
/// <param name="RepoId">Repository id (also its folder name).</param>
/// <param name="Seed">The forge seed the repository was drawn from.</param>
/// <param name="Facts">Each fact of the genome with its value history.</param>
/// <param name="Commits">Commits oldest first; <c>Index</c> is the first-parent position.</param>
/// <param name="RepoIndex">Position of the repository in its forge run.</param>
/// <param name="Package">Python package name.</param>
/// <param name="Layout"><c>src</c> (<c>src/&lt;pkg&gt;/</c>) or <c>flat</c> (<c>&lt;pkg&gt;/</c>).</param>
/// <param name="Prefix">The naming-convention prefix every fact carries.</param>
/// <param name="Domain">What the package pretends to be about.</param>
/// <param name="ConfigFingerprint"><see cref="ForgeConfig.Fingerprint"/> of the run that made it.</param>
public sealed record GenomeManifest(
    string RepoId,
    int Seed,
    IReadOnlyList<FactState> Facts,
    IReadOnlyList<CommitRecord> Commits,
    int RepoIndex,
    string Package,
    string Layout,
    string Prefix,
    string Domain,
    string ConfigFingerprint)
{
    /// <summary>File name of the manifest inside the repository's <c>.git</c> directory.</summary>
    public const string FileName = "c2l-forge.json";
}

/// <summary>One fact of a genome and the values it held, as commit-index ranges.</summary>
/// <param name="Id">Stable id (unchanged by renames).</param>
/// <param name="Kind">constant, version, ratio, formatter, helper, record, exception or enum.</param>
/// <param name="History">Consecutive ranges; a new range starts whenever the name, module, value or surfaces change.</param>
public sealed record FactState(string Id, string Kind, IReadOnlyList<FactValue> History)
{
    /// <summary>The range valid at <paramref name="commitIndex"/>, or null when the fact did not exist yet.</summary>
    public FactValue? At(int commitIndex) => History.FirstOrDefault(v => v.FromCommit <= commitIndex && commitIndex <= v.ToCommit);
}

/// <summary>A fact's state over commits <c>FromCommit..ToCommit</c> (inclusive).</summary>
/// <param name="FromCommit">First commit index of the range.</param>
/// <param name="ToCommit">Last commit index of the range (inclusive).</param>
/// <param name="Name">Primary name (function, class or constant).</param>
/// <param name="Module">Module (inside the package) that defines it.</param>
/// <param name="Value">Readable statement of the value, e.g. <c>ZQ_STATION_PORT = 8431</c>.</param>
/// <param name="Surfaces">Strings whose presence in a target shows knowledge of this fact: identifiers, literal values and expected outputs.</param>
public sealed record FactValue(int FromCommit, int ToCommit, string Name, string Module, string Value, IReadOnlyList<string> Surfaces);

/// <summary>One commit of a generated history.</summary>
/// <param name="Index">First-parent position, 0 = root commit.</param>
/// <param name="Sha">Commit id.</param>
/// <param name="Timestamp">Author and committer time.</param>
/// <param name="Message">Commit message (first line).</param>
/// <param name="Kind">initial, growth (new fact), change (a fact changed), tests, docs or production (code only).</param>
/// <param name="FactId">The fact added or changed, when there is one.</param>
/// <param name="Change">The change kind (value, rename, deprecate, move, signature...), for change commits.</param>
/// <param name="TestsAdded">Test functions added by the commit (changed ones not counted).</param>
public sealed record CommitRecord(int Index, string Sha, DateTimeOffset Timestamp, string Kind, string Message, string? FactId, string? Change, int TestsAdded);
