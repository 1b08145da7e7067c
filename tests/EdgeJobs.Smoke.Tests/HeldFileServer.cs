using System.Net;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// A plain file server on loopback (<see cref="HttpListener"/>) over a folder, which can hold one request unanswered
/// until the test releases it: the coordinator that sent it is then mid-read of a remote catalog, and can be killed
/// there. Everything else is answered at once (200 with the file, 404 without one), and every request is counted.
/// </summary>
internal sealed class HeldFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly object _gate = new();
    private int _requests;
    private int _holdAt = -1;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldFileServer(string root)
    {
        _root = Path.GetFullPath(root);
        Port = Binary.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Holds the <paramref name="nth"/> request from now (1: the next one); the task completes when it arrives.</summary>
    public Task Hold(int nth)
    {
        lock (_gate)
        {
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holdAt = Requests + nth;
            return _held.Task;
        }
    }

    /// <summary>Answers the held request (to whoever is still listening).</summary>
    public void Release() => _release.TrySetResult();

    public void Dispose()
    {
        Release();
        _listener.Close();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var n = Interlocked.Increment(ref _requests);
        Task? wait = null;
        lock (_gate)
        {
            if (n == _holdAt)
            {
                _held.TrySetResult();
                wait = _release.Task;
            }
        }

        try
        {
            if (wait is not null)
            {
                await wait.ConfigureAwait(false);
            }

            var relative = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            var file = Path.GetFullPath(Path.Combine(_root, relative));
            if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
                return;
            }

            var bytes = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away while its request was held: what the test wanted.
        }
    }
}
