using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Dashboard;

/// <summary>
/// The dashboard's files, embedded in this assembly (<c>Dashboard/Assets/*</c>, resources named <c>ui/NAME</c>) and
/// read once at start: edge nodes are offline, so nothing is fetched from anywhere else at run time. Each answer
/// carries a strong ETag (its SHA-256) and <c>no-cache</c>, so a browser revalidates with a 304 and never runs the
/// files of an older binary; and a Content-Security-Policy that lets a page load only from this origin.
/// </summary>
internal sealed class DashboardAssets
{
    // No inline script or style at all: the assets are separate files, so an injected string can never run.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ResourcePrefix = "ui/";

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            _assets[name[ResourcePrefix.Length..]] = new Asset(bytes, ContentTypeOf(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"");
        }
    }

    public IReadOnlyCollection<string> Names => _assets.Keys;

    /// <summary>Answers one file, 304 when the browser's copy is current, 404 for a name that is not one.</summary>
    public IResult Serve(HttpContext http, string name)
    {
        var response = http.Response;
        AddSecurityHeaders(response);
        if (!_assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    public static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
