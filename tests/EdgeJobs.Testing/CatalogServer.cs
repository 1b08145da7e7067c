using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Testing;

/// <summary>
/// A catalog server on loopback that answers with recorded responses of real servers (<c>tests/data/catalogs</c>):
/// pycsw's CSW 2.0.2 GetRecords pages at <c>/csw</c> (GET key-value pairs and POST XML, picked by startPosition and
/// typeNames as pycsw produced them), and a STAC API's ItemCollection pages at <c>/stac/…/items</c> (GET) and
/// <c>/stac/search</c> (POST), picked by their paging token, with the recorded host in their links replaced by this
/// server's. A request no recording answers is a 404. It can delay answers, fail the next ones, and counts requests.
/// </summary>
public sealed partial class CatalogServer : IAsyncDisposable
{
    private const string RecordedApi = "https://planetarycomputer.microsoft.com/api/stac/v1";
    private readonly WebApplication _app;
    private int _requests;
    private int _failNext;

    private CatalogServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The folder of recorded responses (copied beside the test binaries).</summary>
    public static string Recordings => Path.Combine(AppContext.BaseDirectory, "catalogs");

    public Uri Url { get; }

    /// <summary>The CSW endpoint.</summary>
    public string Csw => new Uri(Url, "csw").AbsoluteUri;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How long each answer waits before it is sent.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Answers 503 to the next <paramref name="count"/> requests.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    /// <summary>Set when a request has arrived (the test may then kill what sent it, mid-read).</summary>
    public TaskCompletionSource FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<CatalogServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CatalogServer? server = null;
        app.Run(async http =>
        {
            Interlocked.Increment(ref server!._requests);
            server.FirstRequest.TrySetResult();
            if (server.Delay > TimeSpan.Zero)
            {
                await Task.Delay(server.Delay).ConfigureAwait(false);
            }

            if (Interlocked.Decrement(ref server._failNext) >= 0)
            {
                http.Response.StatusCode = 503;
                return;
            }

            Interlocked.Exchange(ref server._failNext, Math.Max(0, Volatile.Read(ref server._failNext)));
            var (file, contentType) = await server.PickAsync(http.Request).ConfigureAwait(false);
            if (file is null)
            {
                http.Response.StatusCode = 404;
                return;
            }

            var text = await File.ReadAllTextAsync(Path.Combine(Recordings, file)).ConfigureAwait(false);
            http.Response.ContentType = contentType;
            await http.Response.WriteAsync(text.Replace(RecordedApi, new Uri(server.Url, "stac").AbsoluteUri, StringComparison.Ordinal)).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        server = new CatalogServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return server;
    }

    private async Task<(string? File, string ContentType)> PickAsync(HttpRequest request)
    {
        const string xml = "application/xml";
        const string geojson = "application/geo+json";
        var path = request.Path.Value ?? "";
        if (path == "/csw" && HttpMethods.IsGet(request.Method))
        {
            var query = request.Query;
            var recorded = query["service"] == "CSW" && query["version"] == "2.0.2" && query["request"] == "GetRecords" && query["typenames"] == "csw:Record"
                && query["elementsetname"] == "full" && query["resulttype"] == "results" && query["sortby"] == "dc:type:D" && query["maxRecords"] == "4";
            var file = !recorded ? null : query["startPosition"].ToString() switch
            {
                "1" => "csw/stablesort_get_GetRecords-page1.xml",
                "5" => "csw/stablesort_get_GetRecords-page2.xml",
                "9" => "csw/stablesort_get_GetRecords-page3.xml",
                _ => null,
            };
            return (file, xml);
        }

        if (path == "/csw" && HttpMethods.IsPost(request.Method))
        {
            var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync().ConfigureAwait(false);
            var start = StartPosition().Match(body) is { Success: true } s ? s.Groups[1].Value : "";
            var file = (body.Contains("typeNames=\"gmd:MD_Metadata\"", StringComparison.Ordinal), start) switch
            {
                (false, "1") => "csw/default_post_GetRecords-all.xml",
                (false, "10") => "csw/default_post_GetRecords-end.xml",
                (true, "1") => "csw/apiso_post_GetRecords-all.xml",
                _ => null,
            };
            return (file, xml);
        }

        if (path == "/stac/collections/sentinel-2-l2a/items" && HttpMethods.IsGet(request.Method) && request.Query["limit"] == "1")
        {
            return (request.Query["token"].ToString() switch
            {
                "" => "stac/api/items-page-1.json",
                "next:S2A_MSIL2A_20230216T235751_R087_T52CEB_20230217T134604" => "stac/api/items-page-2.json",
                _ => null,
            }, geojson);
        }

        // The recorded first page answered POST {"collections":["sentinel-2-l2a"],"limit":1}; STAC API's GET /search with
        // the same query answers the same page. Later pages are asked by POST, as its next links say.
        if (path == "/stac/search" && HttpMethods.IsGet(request.Method) && request.Query["collections"] == "sentinel-2-l2a" && request.Query["limit"] == "1")
        {
            return ("stac/api/search-page-1.json", geojson);
        }

        if (path == "/stac/search" && HttpMethods.IsPost(request.Method))
        {
            var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync().ConfigureAwait(false);
            return (Token().Match(body) is { Success: true } t ? t.Groups[1].Value : "") switch
            {
                "" when body.Contains("sentinel-2-l2a", StringComparison.Ordinal) => ("stac/api/search-page-1.json", geojson),
                "next:S2A_MSIL2A_20230216T150721_R082_T19PHS_20230217T082924" => ("stac/api/search-page-2.json", geojson),
                _ => (null, geojson),
            };
        }

        return (null, xml);
    }

    [GeneratedRegex("startPosition=\"(\\d+)\"")]
    private static partial Regex StartPosition();

    [GeneratedRegex("\"token\"\\s*:\\s*\"([^\"]*)\"")]
    private static partial Regex Token();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
