using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// A loopback TCP proxy that delivers the first request upstream, waits for the answer, and then
/// drops the connection without passing the answer on: the "did my submit land?" case a client must
/// survive by retrying with the same Idempotency-Key. Later connections are piped through untouched.
/// </summary>
internal sealed class LossyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public LossyProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int DroppedAnswers { get; private set; }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Interlocked.Increment(ref _connections) == 1 ? DropAnswerAsync(client) : PipeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DropAnswerAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
            var request = await ReadRequestAsync(client.GetStream());
            await upstream.GetStream().WriteAsync(request);
            var buffer = new byte[4096];
            _ = await upstream.GetStream().ReadAsync(buffer); // the answer arrived: the request landed
            DroppedAnswers++;
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
            var down = client.GetStream().CopyToAsync(upstream.GetStream());
            var up = upstream.GetStream().CopyToAsync(client.GetStream());
            await Task.WhenAny(down, up);
        }
    }

    private static async Task<byte[]> ReadRequestAsync(NetworkStream stream)
    {
        var data = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return [.. data];
            }

            data.AddRange(buffer.AsSpan(0, n));
            var text = Encoding.ASCII.GetString([.. data]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var length = text[..end].Split("\r\n")
                .Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                .FirstOrDefault();
            if (data.Count >= end + 4 + length)
            {
                return [.. data];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
