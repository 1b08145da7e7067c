using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// A loopback TCP proxy for failure tests. It can lose the answer to the first request (the request
/// lands, the reply never comes back), and it can be paused: bytes stop flowing both ways while the
/// connections stay open — a network partition, as far as either side can tell.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly bool _dropFirstAnswer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile TaskCompletionSource _flowing = Completed();
    private int _connections;

    public TcpProxy(int upstreamPort, bool dropFirstAnswer = false)
    {
        _upstreamPort = upstreamPort;
        _dropFirstAnswer = dropFirstAnswer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int DroppedAnswers { get; private set; }

    public void Pause() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => _flowing.TrySetResult();

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Interlocked.Increment(ref _connections) == 1 && _dropFirstAnswer ? DropAnswerAsync(client) : PipeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
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
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
                await Task.WhenAny(CopyAsync(client.GetStream(), upstream.GetStream()), CopyAsync(upstream.GetStream(), client.GetStream()));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task CopyAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await _flowing.Task.WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
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
        _flowing.TrySetResult();
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
