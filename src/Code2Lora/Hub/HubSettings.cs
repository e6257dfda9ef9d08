using System.Globalization;

namespace Code2Lora.Hub;

/// <summary>Where and how the Hub client connects and stores files. <see cref="FromEnvironment"/> is the one place that reads
/// huggingface_hub's environment variables; everything else takes a settings object, so tests never depend on the machine.</summary>
public sealed record HubSettings
{
    /// <summary>huggingface_hub's default endpoint.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The Hub (or mirror) base address, HF_ENDPOINT; without a trailing slash.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Sent as "Authorization: Bearer" to the endpoint only (never to the CDN a file redirects to); HF_TOKEN.</summary>
    public string? Token { get; init; }

    /// <summary>Serve only from the local copy, never touch the network; HF_HUB_OFFLINE.</summary>
    public bool Offline { get; init; }

    /// <summary>Root of the huggingface_hub cache layout (models--owner--name/…); HF_HUB_CACHE, else HF_HOME/hub.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Files downloaded at once (huggingface_hub's snapshot_download uses 8 workers).</summary>
    public int MaxParallelDownloads { get; init; } = 8;

    /// <summary>How long to wait for response headers of an API call or file request; HF_HUB_ETAG_TIMEOUT.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A file body that sends nothing for this long counts as a dropped connection; HF_HUB_DOWNLOAD_TIMEOUT.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Resumes of one file within a run after a dropped connection or a 5xx; the count restarts whenever bytes arrive.</summary>
    public int Retries { get; init; } = 5;

    /// <summary>Pause before each retry.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The settings huggingface_hub would use in this process's environment.</summary>
    public static HubSettings FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>The settings for an environment given as a lookup (HF_ENDPOINT, HF_TOKEN, HF_TOKEN_PATH, HF_HOME, HF_HUB_CACHE,
    /// XDG_CACHE_HOME, HF_HUB_OFFLINE, HF_HUB_ETAG_TIMEOUT, HF_HUB_DOWNLOAD_TIMEOUT, with huggingface_hub's legacy names).</summary>
    public static HubSettings FromVariables(Func<string, string?> variable)
    {
        string? Get(string name) => variable(name) is { Length: > 0 } v ? v : null;
        var home = HfHome(Get);
        var endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/');
        var settings = new HubSettings
        {
            Endpoint = endpoint,
            CacheDirectory = Expand(Get("HF_HUB_CACHE") ?? Get("HUGGINGFACE_HUB_CACHE") ?? Path.Combine(home, "hub"), Get),
            Token = Get("HF_TOKEN") ?? Get("HUGGING_FACE_HUB_TOKEN") ?? StoredToken(Expand(Get("HF_TOKEN_PATH") ?? Path.Combine(home, "token"), Get)),
            Offline = IsTrue(Get("HF_HUB_OFFLINE")) || IsTrue(Get("TRANSFORMERS_OFFLINE")),
        };
        if (Seconds(Get, "HF_HUB_ETAG_TIMEOUT") is { } etag) settings = settings with { RequestTimeout = etag };
        if (Seconds(Get, "HF_HUB_DOWNLOAD_TIMEOUT") is { } download) settings = settings with { ReadTimeout = download };
        return settings;
    }

    /// <summary>huggingface_hub's truthy values: 1, ON, YES, TRUE (any case).</summary>
    public static bool IsTrue(string? value) => value?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    /// <summary>Checks the settings before any request: an absolute http(s) endpoint, a positive worker count, no token over plain HTTP to another machine.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new HubException(HubErrorKind.InvalidInput, $"HF_ENDPOINT '{Endpoint}' is not an http(s) address such as {DefaultEndpoint}.");
        if (Token is not null && uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw new HubException(HubErrorKind.InvalidInput,
                $"refusing to send HF_TOKEN over plain HTTP to {Endpoint}: use an https:// endpoint, or unset HF_TOKEN for a public mirror.");
        if (MaxParallelDownloads < 1) throw new HubException(HubErrorKind.InvalidInput, $"parallel downloads must be at least 1 (got {MaxParallelDownloads}).");
        if (string.IsNullOrWhiteSpace(CacheDirectory)) throw new HubException(HubErrorKind.InvalidInput, "the Hub cache directory is empty; set HF_HUB_CACHE or pass --to DIR.");
    }

    private static string HfHome(Func<string, string?> get)
    {
        var xdg = get("XDG_CACHE_HOME") ?? Path.Combine(UserHome(), ".cache");
        return Expand(get("HF_HOME") ?? Path.Combine(xdg, "huggingface"), get);
    }

    private static string UserHome() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    // huggingface_hub applies expanduser and expandvars to its path variables.
    private static string Expand(string path, Func<string, string?> get)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) path = UserHome() + path[1..];
        return System.Text.RegularExpressions.Regex.Replace(path, @"\$(\w+)|\$\{(\w+)\}", m => get(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? m.Value);
    }

    // The token `hf auth login` stores; read only when HF_TOKEN is not set, as huggingface_hub does.
    private static string? StoredToken(string path)
    {
        try
        {
            return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TimeSpan? Seconds(Func<string, string?> get, string name)
    {
        if (get(name) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s <= 0)
            throw new HubException(HubErrorKind.InvalidInput, $"{name}='{text}' is not a positive number of seconds.");
        return TimeSpan.FromSeconds(s);
    }
}
