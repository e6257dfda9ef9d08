namespace Code2Lora.Hub;

/// <summary>Why a Hub operation failed; the CLI turns every kind into a one-line message and exit code 2.</summary>
public enum HubErrorKind
{
    /// <summary>A repository id, revision, file path or setting is malformed.</summary>
    InvalidInput,

    /// <summary>The repository, revision or file does not exist (or is private and no token was sent).</summary>
    NotFound,

    /// <summary>The token is missing, invalid or expired.</summary>
    Unauthorized,

    /// <summary>The repository is gated and the token's account has not been granted access.</summary>
    Gated,

    /// <summary>The connection failed or dropped; partial files are kept for the next run.</summary>
    Network,

    /// <summary>The server answered something a Hub would not (5xx, malformed JSON, wrong commit, wrong length).</summary>
    Server,

    /// <summary>Downloaded bytes do not match the listed sha256 or git blob id; the corrupt file was deleted.</summary>
    Checksum,

    /// <summary>HF_HUB_OFFLINE is set and the local copy is missing or incomplete.</summary>
    Offline,

    /// <summary>A local file could not be written (disk full, permissions).</summary>
    LocalFile,
}

/// <summary>An expected failure of a Hub download, with a message that names the repository, file or setting and the fix.</summary>
public sealed class HubException(HubErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What went wrong, for callers that react differently to, say, a missing repository and a dropped connection.</summary>
    public HubErrorKind Kind { get; } = kind;
}
