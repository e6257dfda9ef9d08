using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Code2Lora.Tests.Hub;

/// <summary>A request as the loopback server parsed it.</summary>
internal sealed record LoopbackRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers)
{
    public string Path => Target.Split('?')[0];

    public string Query => Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "";

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>An answer: status, headers, body; <see cref="DropAfter"/> cuts the connection after that many body bytes (a network failure
/// in the middle of a file).</summary>
internal sealed record LoopbackResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public long? DropAfter { get; init; }

    public static LoopbackResponse Json(string json, params (string, string)[] headers) =>
        new(200, [("Content-Type", "application/json"), .. headers], Encoding.UTF8.GetBytes(json));

    public static LoopbackResponse Error(int status, string? code, string? message) =>
        new(status, [.. code is null ? [] : new[] { ("X-Error-Code", code) }, .. message is null ? [] : new[] { ("X-Error-Message", message) }],
            Encoding.UTF8.GetBytes($"{{\"error\": \"{message ?? code ?? status.ToString()}\"}}"));
}

/// <summary>A minimal HTTP/1.1 server on 127.0.0.1 with a port the OS picks: one request per connection ("Connection: close"), no request
/// bodies. Enough to answer like the Hub and its CDN, and to break a transfer halfway on purpose.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public string Origin { get; }

    public LoopbackServer(Func<LoopbackRequest, LoopbackResponse> handle)
    {
        _listener.Start();
        Origin = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => Serve(client, handle));
            }
        });
    }

    private static async Task Serve(TcpClient client, Func<LoopbackRequest, LoopbackResponse> handle)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequest(stream);
                if (request is null) return;
                var response = handle(request);
                var head = new StringBuilder($"HTTP/1.1 {response.Status} {((HttpStatusCode)response.Status)}\r\n");
                foreach (var (name, value) in response.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
                if (!response.Headers.Any(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
                    head.Append("Content-Length: ").Append(request.Method == "HEAD" ? 0 : response.Body.Length).Append("\r\n");
                head.Append("Connection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
                if (request.Method == "HEAD") return;
                if (response.DropAfter is { } cut && cut < response.Body.Length)
                {
                    await stream.WriteAsync(response.Body.AsMemory(0, (int)cut));
                    await stream.FlushAsync();
                    // A reset, not a clean close: what a client sees when a link goes down mid-transfer.
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }
                await stream.WriteAsync(response.Body);
            }
            catch (IOException)
            {
                // The client went away (e.g. it gave up on purpose); nothing to answer.
            }
        }
    }

    private static async Task<LoopbackRequest?> ReadRequest(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 65536)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n') break;
        }
        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':')))
            headers[line[..line.IndexOf(':')].Trim()] = line[(line.IndexOf(':') + 1)..].Trim();
        return new LoopbackRequest(parts[0], parts[1], headers);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
