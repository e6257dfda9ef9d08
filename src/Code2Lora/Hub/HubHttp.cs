using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Code2Lora.Hub;

/// <summary>A Hub response whose body is still unread, with the commit the Hub named on the first hop of a redirect chain (the CDN an
/// LFS file redirects to sets no Hub headers; sizes and checksums are checked against the tree listing, which is stricter than
/// X-Linked-Size / X-Linked-Etag).</summary>
/// <param name="Message">The final response (after redirects); dispose it.</param>
/// <param name="RepoCommit">X-Repo-Commit: the commit the Hub resolved the request to.</param>
internal sealed record HubResponse(HttpResponseMessage Message, string? RepoCommit) : IDisposable
{
    /// <summary>Releases the connection.</summary>
    public void Dispose() => Message.Dispose();
}

/// <summary>The HTTP side of the Hub client: one HttpClient, the token sent to the Hub's own origin only, redirects followed by hand
/// (an LFS file redirects to a signed CDN address, which must not see the token), transient failures retried.</summary>
internal sealed partial class HubHttp : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _client;
    private readonly Uri _endpoint;

    /// <summary>The settings requests are made with.</summary>
    public HubSettings Settings { get; }

    /// <summary>Validates the settings and opens a client over them.</summary>
    public HubHttp(HubSettings settings)
    {
        settings.Validate();
        Settings = settings;
        _endpoint = new Uri(settings.Endpoint);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // Ranges and sizes are of the stored bytes; a compressed transfer would make both meaningless.
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd($"code2lora/{typeof(HubHttp).Assembly.GetName().Version} dotnet/{Environment.Version}");
    }

    /// <summary>The absolute address of <paramref name="path"/> under the endpoint.</summary>
    public string Url(string path) => Settings.Endpoint + "/" + path;

    /// <summary>GETs <paramref name="url"/> (from byte <paramref name="rangeStart"/> when positive), retrying transient failures;
    /// throws a <see cref="HubException"/> for any other non-success answer. The caller disposes the response.</summary>
    public async Task<HubResponse> GetAsync(string url, HubRequest request, long rangeStart, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var delay = Settings.RetryDelay;
            try
            {
                var response = await FollowAsync(new Uri(url), rangeStart, ct);
                if (response.Message.IsSuccessStatusCode) return response;
                using (response)
                {
                    var error = HubErrors.FromResponse(response.Message, request, Settings);
                    if (!HubErrors.IsTransient(response.Message.StatusCode) || attempt >= Settings.Retries) throw error;
                    if (response.Message.Headers.RetryAfter?.Delta is { } wait && wait > delay) delay = wait < TimeSpan.FromMinutes(1) ? wait : TimeSpan.FromMinutes(1);
                }
            }
            catch (Exception e) when (IsConnectionFailure(e, ct))
            {
                if (attempt >= Settings.Retries) throw HubErrors.Unreachable(e, request, Settings);
            }
            await Task.Delay(delay, ct);
        }
    }

    /// <summary>GETs a JSON document of the API, and the address of its next page from a Link header, if any.</summary>
    public async Task<(JsonDocument Json, string? Next)> GetJsonAsync(string url, HubRequest request, CancellationToken ct)
    {
        using var response = await GetAsync(url, request, 0, ct);
        try
        {
            await using var body = await response.Message.Content.ReadAsStreamAsync(ct);
            var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            return (json, NextPage(response.Message));
        }
        catch (JsonException e)
        {
            throw new HubException(HubErrorKind.Server, $"{Settings.Endpoint} sent malformed JSON for {request.Describe()} ({e.Message}); is HF_ENDPOINT a Hugging Face Hub?", e);
        }
        catch (Exception e) when (IsConnectionFailure(e, ct))
        {
            throw HubErrors.Unreachable(e, request, Settings);
        }
    }

    /// <summary>True for failures of the connection itself (refused, reset, timed out), as opposed to answers or cancellation by the user.</summary>
    public static bool IsConnectionFailure(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private async Task<HubResponse> FollowAsync(Uri uri, long rangeStart, CancellationToken ct)
    {
        string? commit = null;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.AcceptEncoding.ParseAdd("identity");
            if (Settings.Token is { } token && SameOrigin(uri, _endpoint)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (rangeStart > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);
            HttpResponseMessage response;
            using (var headersDue = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                headersDue.CancelAfter(Settings.RequestTimeout);
                try
                {
                    response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersDue.Token);
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer from {uri.GetLeftPart(UriPartial.Authority)} within {Settings.RequestTimeout.TotalSeconds:0.#} s", e);
                }
            }
            commit ??= Header(response, "X-Repo-Commit");
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }
            return new HubResponse(response, commit);
        }
        throw new HubException(HubErrorKind.Server, $"more than {MaxRedirects} redirects from {uri.GetLeftPart(UriPartial.Authority)}.");
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    [GeneratedRegex("<([^>]+)>\\s*;\\s*rel=\"?next\"?", RegexOptions.IgnoreCase)]
    private static partial Regex NextLink();

    private string? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        foreach (var link in links)
            if (NextLink().Match(link) is { Success: true } m)
                return Uri.TryCreate(_endpoint, m.Groups[1].Value, out var next) ? next.AbsoluteUri : null;
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Closes the client and its connections.</summary>
    public void Dispose() => _client.Dispose();
}
