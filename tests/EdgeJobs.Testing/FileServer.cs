using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Testing;

/// <summary>
/// A plain HTTP file server on loopback (Kestrel): GET and HEAD of the files it was given, with byte ranges, as a web
/// server or a THREDDS file endpoint answers GDAL's /vsicurl/. Counts the requests it answered.
/// </summary>
public sealed class FileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FileServer(WebApplication app) => _app = app;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    /// <param name="files">URL path (e.g. <c>/thredds/x.nc</c>) → the local file served there.</param>
    public static async Task<FileServer> StartAsync(IReadOnlyDictionary<string, string> files)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FileServer(app);
        foreach (var (path, file) in files)
        {
            app.MapMethods(path, ["GET", "HEAD"], () =>
            {
                Interlocked.Increment(ref server._requests);
                return Results.File(file, "application/octet-stream", enableRangeProcessing: true);
            });
        }

        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        server.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
