using System.Text.RegularExpressions;

namespace Code2Lora.Hub;

/// <summary>A repository on the Hub: its id ("Qwen/Qwen2.5-Coder-1.5B") and type, with the URL and cache-folder names derived from them.</summary>
public sealed partial class HubRepo : IEquatable<HubRepo>
{
    /// <summary>"namespace/name" (or a bare legacy "name").</summary>
    public string Id { get; }

    /// <summary>Model or dataset.</summary>
    public HubRepoType Type { get; }

    private HubRepo(string id, HubRepoType type) => (Id, Type) = (id, type);

    // huggingface_hub's validate_repo_id: optional namespace, then 1-96 of [A-Za-z0-9_.-], neither part starting or ending with '-' or '.'.
    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?/)?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9_])?$")]
    private static partial Regex IdPattern();

    /// <summary>Validates the id the way huggingface_hub does and returns the repository.</summary>
    /// <exception cref="HubException">The id is not "name" or "namespace/name" of letters, digits, '-', '_' and '.'.</exception>
    public static HubRepo Create(string id, HubRepoType type = HubRepoType.Model)
    {
        if (!IsValidId(id))
            throw new HubException(HubErrorKind.InvalidInput,
                $"'{id}' is not a Hub repository id: use 'namespace/name' (letters, digits, '-', '_', '.'; no '--' or '..', not ending in '.git', at most 96 characters per part), e.g. Qwen/Qwen2.5-Coder-1.5B.");
        return new HubRepo(id, type);
    }

    /// <summary>Reads "model" or "dataset" (the values of huggingface_hub's repo_type).</summary>
    public static HubRepoType ParseType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "model" or "models" => HubRepoType.Model,
        "dataset" or "datasets" => HubRepoType.Dataset,
        _ => throw new HubException(HubErrorKind.InvalidInput, $"repository type '{text}' is not one of: model, dataset."),
    };

    /// <summary>True when <paramref name="text"/> has the form "namespace/name" of a Hub id, so a caller can tell it from a local path.</summary>
    public static bool LooksLikeNamespacedId(string text) => text.Count(c => c == '/') == 1 && IsValidId(text);

    private static bool IsValidId(string id) =>
        !string.IsNullOrEmpty(id) && IdPattern().IsMatch(id) && !id.Contains("--", StringComparison.Ordinal)
        && !id.Contains("..", StringComparison.Ordinal) && !id.EndsWith(".git", StringComparison.Ordinal);

    /// <summary>"model" or "dataset", as in huggingface_hub's repo_type.</summary>
    public string TypeName => Type == HubRepoType.Dataset ? "dataset" : "model";

    /// <summary>The repository's folder in the huggingface_hub cache: "models--Qwen--Qwen2.5-Coder-1.5B", "datasets--owner--name".</summary>
    public string CacheFolderName => $"{TypeName}s--{Id.Replace("/", "--", StringComparison.Ordinal)}";

    /// <summary>The API path of the repository: "api/models/{id}" or "api/datasets/{id}".</summary>
    internal string ApiPath => $"api/{TypeName}s/{Id}";

    /// <summary>The path under which the Hub serves files: "{id}" for models, "datasets/{id}" for datasets.</summary>
    internal string WebPath => Type == HubRepoType.Dataset ? $"datasets/{Id}" : Id;

    /// <summary>The command-line flags that name this repository to `c2l hub download`.</summary>
    public string CommandArguments => Type == HubRepoType.Dataset ? $"{Id} --type dataset" : Id;

    /// <inheritdoc/>
    public bool Equals(HubRepo? other) => other is not null && other.Id == Id && other.Type == Type;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HubRepo);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Type);

    /// <inheritdoc/>
    public override string ToString() => $"{TypeName} {Id}";
}
