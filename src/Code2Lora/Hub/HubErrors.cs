using System.Net;

namespace Code2Lora.Hub;

/// <summary>Turns a Hub error response into a <see cref="HubException"/> that says what is wrong and what to do, reading the
/// X-Error-Code / X-Error-Message headers the Hub sets (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).</summary>
internal static class HubErrors
{
    private const string TokenPage = "https://huggingface.co/settings/tokens";

    /// <summary>The exception for a non-success response to <paramref name="request"/>.</summary>
    public static HubException FromResponse(HttpResponseMessage response, HubRequest request, HubSettings settings)
    {
        var code = Header(response, "X-Error-Code");
        var serverMessage = Header(response, "X-Error-Message");
        var status = (int)response.StatusCode;
        var repo = request.Repo;
        var page = $"{settings.Endpoint}/{repo.WebPath}";
        var tokenSent = settings.Token is not null;
        var detail = serverMessage is null ? "" : $" (server: {serverMessage})";

        if (code == "RevisionNotFound")
            return new(HubErrorKind.NotFound, $"revision '{request.Revision}' does not exist in {repo} at {settings.Endpoint}: check the branch, tag or commit (see {page}/tree/main).");
        if (code == "EntryNotFound")
            return new(HubErrorKind.NotFound, $"{request.Describe()} does not exist on {settings.Endpoint}{detail}.");
        if (code == "GatedRepo")
            return status == 401 || !tokenSent
                ? new(HubErrorKind.Gated, $"{repo} is a gated repository and no token was sent: accept its licence at {page} while logged in, "
                                          + $"then set HF_TOKEN to an access token of that account ({TokenPage}) and re-run.")
                : new(HubErrorKind.Gated, $"{repo} is a gated repository and the account of your token (HF_TOKEN) has no access yet: "
                                          + $"accept its licence at {page} (approval can take a while), then re-run.{detail}");
        if (status == 401 && serverMessage == "Invalid credentials in Authorization header")
            return new(HubErrorKind.Unauthorized, $"{settings.Endpoint} refused the token in HF_TOKEN (invalid or expired): create a new one at {TokenPage} and set HF_TOKEN to it.");
        if (code == "RepoNotFound" || status == 401)
            return tokenSent
                ? new(HubErrorKind.NotFound, $"{repo} was not found at {settings.Endpoint}, or the account of your token (HF_TOKEN) cannot see it: "
                                             + $"check the id{TypeHint(repo)}, and for a private or gated repository that the account has access.")
                : new(status == 401 ? HubErrorKind.Unauthorized : HubErrorKind.NotFound,
                    $"{repo} was not found at {settings.Endpoint}, or it is private or gated and no token was sent: check the id{TypeHint(repo)}; "
                    + $"for a private or gated repository set HF_TOKEN to an access token ({TokenPage}) and accept its licence at {page}.");
        if (status == 403)
            return new(HubErrorKind.Gated, $"{settings.Endpoint} forbids {request.Describe()}{detail}: if the repository is gated, accept its licence at {page}; "
                                           + "a fine-grained token needs read access to it (HF_TOKEN).");
        if (status == 404)
            return new(HubErrorKind.NotFound, request.File is null
                ? $"{repo} or its revision '{request.Revision}' was not found at {settings.Endpoint}{detail}: check the id{TypeHint(repo)} and the revision."
                : $"{request.Describe()} was not found at {settings.Endpoint}{detail}.");
        return new(HubErrorKind.Server, $"{settings.Endpoint} answered {status} {response.ReasonPhrase} for {request.Describe()}{detail}; "
                                        + "try again later (files already downloaded are kept, partial ones resume).");
    }

    /// <summary>True for answers worth retrying after a pause: timeouts, rate limits and server errors.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>The exception for a connection that could not be made or broke before an answer arrived.</summary>
    public static HubException Unreachable(Exception e, HubRequest request, HubSettings settings) =>
        new(HubErrorKind.Network, $"cannot reach {settings.Endpoint} for {request.Describe()} ({e.Message}); check the network and proxy "
                                  + "(HTTPS_PROXY), then re-run the same command; to use a copy already downloaded, set HF_HUB_OFFLINE=1.", e);

    private static string TypeHint(HubRepo repo) => repo.Type == HubRepoType.Model ? " (a dataset needs --type dataset)" : "";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
