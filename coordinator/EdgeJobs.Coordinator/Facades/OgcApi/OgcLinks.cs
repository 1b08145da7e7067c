using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// The facade's absolute URLs, built from the request's own scheme and host (clients follow <c>links</c> and
/// <c>Location</c> as given), and the link relations the standard names.
/// </summary>
internal readonly struct OgcLinks(string root)
{
    public const string Json = "application/json";
    public const string OpenApiJson = "application/vnd.oai.openapi+json;version=3.0";
    public const string RelConformance = "http://www.opengis.net/def/rel/ogc/1.0/conformance";
    public const string RelProcesses = "http://www.opengis.net/def/rel/ogc/1.0/processes";
    public const string RelJobList = "http://www.opengis.net/def/rel/ogc/1.0/job-list";
    public const string RelExecute = "http://www.opengis.net/def/rel/ogc/1.0/execute";
    public const string RelResults = "http://www.opengis.net/def/rel/ogc/1.0/results";
    public const string RelProcessDescription = "http://www.opengis.net/def/rel/ogc/1.0/processes";

    /// <summary>The server's root, without a trailing slash: <c>http://host:port</c>.</summary>
    public string Root { get; } = root;

    public string Base => Root + OgcRoutes.Prefix;

    public static OgcLinks Of(HttpContext http) => new($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}");

    public string Process(string id) => $"{Base}/processes/{Uri.EscapeDataString(id)}";

    public string Job(long id) => $"{Base}/jobs/{id}";

    public string Results(long id) => $"{Base}/jobs/{id}/results";

    public string Artifact(long id) => $"{Root}/v1/jobs/{id}/artifact";
}
