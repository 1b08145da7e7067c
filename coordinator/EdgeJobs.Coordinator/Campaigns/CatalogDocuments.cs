using System.Net;
using System.Text.Json;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// Reads catalog documents by URL: <c>file:</c> URLs inside the data root, <c>http(s):</c> URLs of allowed hosts (no
/// redirects followed: a redirect could lead anywhere). A 5xx, a timeout or a refused connection is transient; a 4xx
/// or a document that is not what was expected is not.
/// </summary>
internal static class CatalogDocuments
{
    public static async Task<byte[]> ReadAsync(CatalogContext context, Uri url, HttpContent? body, CancellationToken cancellation)
    {
        if (url.IsFile)
        {
            var path = url.LocalPath;
            var root = Path.GetFullPath(context.DataRoot).TrimEnd('/') + "/";
            if (!Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal) || IsLinkOutside(path, root))
            {
                throw new CatalogException("catalog_outside_data_root", $"'{Relative(path, root)}' is outside the data root");
            }

            if (!File.Exists(path))
            {
                throw new CatalogException("catalog_not_found", $"'{Relative(path, root)}' does not exist in the data root");
            }

            if (new FileInfo(path).Length > CatalogContext.MaxDocumentBytes)
            {
                throw new CatalogException("catalog_too_large", $"'{Relative(path, root)}' is larger than {CatalogContext.MaxDocumentBytes >> 20} MB");
            }

            return await File.ReadAllBytesAsync(path, cancellation).ConfigureAwait(false);
        }

        if (!context.Allows(url))
        {
            throw new CatalogException("catalog_host_not_allowed", $"host '{url.Host}' is not on --catalog-allow ({(context.AllowedHosts.Count == 0 ? "empty" : string.Join(", ", context.AllowedHosts))})");
        }

        try
        {
            using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url) { Content = body };
            using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                throw new CatalogException("catalog_unreadable", $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}", transient);
            }

            if (response.Content.Headers.ContentLength > CatalogContext.MaxDocumentBytes)
            {
                throw new CatalogException("catalog_too_large", $"{url} is larger than {CatalogContext.MaxDocumentBytes >> 20} MB");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > CatalogContext.MaxDocumentBytes)
                {
                    throw new CatalogException("catalog_too_large", $"{url} is larger than {CatalogContext.MaxDocumentBytes >> 20} MB");
                }
            }

            return buffer.ToArray();
        }
        catch (HttpRequestException e)
        {
            throw new CatalogException("catalog_unreadable", $"{url}: {e.Message}", transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new CatalogException("catalog_unreadable", $"{url}: no answer within {context.Http.Timeout.TotalSeconds:0} s", transient: true, e);
        }
    }

    public static JsonDocument ParseJson(byte[] bytes, Uri url)
    {
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new CatalogException("catalog_invalid", $"{url} is not JSON: {e.Message}");
        }
    }

    /// <summary>Whether a symbolic link on the way to <paramref name="path"/> leads out of <paramref name="root"/>.</summary>
    private static bool IsLinkOutside(string path, string root)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        var resolvedDir = Path.GetDirectoryName(path) is { } dir && new DirectoryInfo(dir).ResolveLinkTarget(true) is { } d ? d.FullName : null;
        return (target is not null && !Path.GetFullPath(target.FullName).StartsWith(root, StringComparison.Ordinal))
            || (resolvedDir is not null && !(Path.GetFullPath(resolvedDir) + "/").StartsWith(root, StringComparison.Ordinal));
    }

    private static string Relative(string path, string root) => Path.GetRelativePath(root, path);
}
