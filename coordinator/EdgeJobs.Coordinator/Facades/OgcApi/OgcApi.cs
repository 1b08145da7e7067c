using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// OGC API – Processes – Part 1: Core 1.0 at <c>/ogcapi</c> (design §8.6, README "OGC API – Processes"): the catalog as
/// processes, jobs as OGC jobs. A mapping onto the one core: executes go through
/// <see cref="JobsApi.SubmitAsync(Principal, EdgeJobs.Protocol.Rest.SubmitRequest, IdempotencyRequest?, Func{SubmitOutcome, string?, ToolEstimate, StoredAnswer})"/>,
/// dismissals through the same stop and delete as <c>/v1/jobs</c>. Split by concern: this file answers the landing page,
/// conformance and processes; <c>OgcApi.Execute.cs</c> executes; <c>OgcApi.Jobs.cs</c> lists, reads and dismisses jobs.
/// </summary>
internal sealed partial class OgcApi(JobLedger ledger, JobsApi jobs, ToolCatalog catalog, CoordinatorOptions options)
{
    /// <summary>The conformance classes of Part 1 this facade implements.</summary>
    public static readonly IReadOnlyList<string> ConformsTo =
    [
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list",
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/dismiss",
    ];

    public IResult Landing(HttpContext http)
    {
        var links = OgcLinks.Of(http);
        return Results.Json(new OgcLandingPage("EdgeJobs", "Geospatial processing jobs (OGC API – Processes – Part 1: Core 1.0)",
        [
            new OgcLink(links.Base + "/", "self", OgcLinks.Json, "This document"),
            new OgcLink(links.Root + "/openapi/ogcapi.json", "service-desc", OgcLinks.OpenApiJson, "The API definition (OpenAPI 3.0)"),
            new OgcLink(links.Base + "/conformance", OgcLinks.RelConformance, OgcLinks.Json, "Conformance classes"),
            new OgcLink(links.Base + "/processes", OgcLinks.RelProcesses, OgcLinks.Json, "Processes"),
            new OgcLink(links.Base + "/jobs", OgcLinks.RelJobList, OgcLinks.Json, "Jobs"),
        ]), OgcJson.Wire.OgcLandingPage);
    }

    public static IResult Conformance() => Results.Json(new OgcConformance(ConformsTo), OgcJson.Wire.OgcConformance);

    /// <summary><c>GET /ogcapi/processes</c>: every tool served now, exec tools agents advertised included.</summary>
    public IResult Processes(HttpContext http)
    {
        foreach (var key in http.Request.Query.Keys)
        {
            if (key is not ("f" or "limit"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a parameter of /processes");
            }
        }

        if (FormatProblem(http) is { } formatProblem)
        {
            return formatProblem;
        }

        var limit = int.MaxValue;
        if (http.Request.Query["limit"].ToString() is { Length: > 0 } rawLimit && (!int.TryParse(rawLimit, out limit) || limit < 1 || limit > JobsApi.MaxLimit))
        {
            return Problems.InvalidQuery("limit", $"limit must be an integer from 1 to {JobsApi.MaxLimit}");
        }

        var links = OgcLinks.Of(http);
        var processes = catalog.Tools.Where(OgcProcesses.IsProcess).Take(limit).Select(t => OgcProcesses.Summary(t, links)).ToList();
        return Results.Json(new OgcProcessList(processes, [new OgcLink(links.Base + "/processes", "self", OgcLinks.Json, "Processes")]),
            OgcJson.Wire.OgcProcessList);
    }

    /// <summary><c>GET /ogcapi/processes/{id}</c>: the process description; 404 <c>no-such-process</c>.</summary>
    public IResult Process(HttpContext http, string id)
    {
        if (FormatProblem(http) is { } formatProblem)
        {
            return formatProblem;
        }

        return FindProcess(id) is { } tool
            ? Results.Json(OgcProcesses.Describe(tool, OgcLinks.Of(http)), OgcJson.Wire.OgcProcess)
            : OgcProblems.NoSuchProcess(id);
    }

    private ToolDescriptor? FindProcess(string id) => catalog.Find(id) is { } tool && OgcProcesses.IsProcess(tool) ? tool : null;

    /// <summary>
    /// OGC APIs take <c>f</c> to choose an encoding; this facade speaks JSON only (the <c>json</c> class, not <c>html</c>),
    /// so anything but <c>f=json</c> is refused rather than answered in a format not asked for.
    /// </summary>
    private static IResult? FormatProblem(HttpContext http) =>
        http.Request.Query["f"].ToString() is { Length: > 0 } f && f != "json"
            ? Problems.InvalidQuery("f", $"'{Problems.Truncate(f)}' is not a format served here; use f=json (or leave f out)")
            : null;
}
