using System.Text.Json.Nodes;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// OGC API – Processes routes (README "OGC API – Processes") with the scopes each needs: any jobs scope to read the
/// landing page, conformance and processes (as <c>/v1/tools</c>), <c>jobs:read</c> to read jobs, <c>jobs:write</c> to
/// execute and dismiss. The filters run before anything is read, so a caller without a token learns nothing (401).
/// Each route says what it answers, for the OpenAPI document (<c>/openapi/ogcapi.json</c>).
/// </summary>
internal static class OgcRoutes
{
    public const string Prefix = "/ogcapi";

    public static void Map(WebApplication app, TokenCache tokens, OgcApi ogc)
    {
        var anyJobs = new ScopeFilter(tokens, Scopes.JobsRead, Scopes.JobsWrite);
        var read = new ScopeFilter(tokens, Scopes.JobsRead);
        var write = new ScopeFilter(tokens, Scopes.JobsWrite);
        var group = app.MapGroup(Prefix).WithTags("OGC API – Processes");
        // Answers /ogcapi and /ogcapi/ alike (routing ignores a trailing slash): clients join relative paths onto the latter.
        group.MapGet("/", (HttpContext http) => ogc.Landing(http)).AddEndpointFilter(anyJobs)
            .WithName("ogcLanding").Produces<OgcLandingPage>();
        group.MapGet("/conformance", OgcApi.Conformance).AddEndpointFilter(anyJobs)
            .WithName("ogcConformance").Produces<OgcConformance>();
        group.MapGet("/processes", (HttpContext http) => ogc.Processes(http)).AddEndpointFilter(anyJobs)
            .WithName("ogcProcesses").Produces<OgcProcessList>().Problems(400)
            .Query(QueryParam.Text("f", "json (the only format)"), QueryParam.Limit(1000));
        group.MapGet("/processes/{processId}", (HttpContext http, string processId) => ogc.Process(http, processId)).AddEndpointFilter(anyJobs)
            .WithName("ogcProcess").Produces<OgcProcess>().Problems(400, 404)
            .Query(QueryParam.Text("f", "json (the only format)"));
        group.MapPost("/processes/{processId}/execution", (HttpContext http, string processId) => ogc.ExecuteAsync(http, processId)).AddEndpointFilter(write)
            .WithName("ogcExecute").Body<OgcExecuteRequest>()
            .Produces<JsonObject>(200).Produces<string>(200, "text/plain").Produces(204).Produces<OgcStatusInfo>(201)
            .Problems(400, 404, 410, 413, 415, 429, 500);
        group.MapGet("/jobs", (HttpRequest request) => ogc.ListAsync(request.HttpContext)).AddEndpointFilter(read)
            .WithName("ogcJobs").Produces<OgcJobList>().Problems(400)
            .Query(QueryParam.Text("status", "accepted, running, successful, failed or dismissed (a comma list, or repeated)"),
            QueryParam.Text("type", "process (the only type)"), QueryParam.Text("processID", "only jobs of these processes (a comma list, or repeated)"),
            QueryParam.Limit(10), QueryParam.Integer("cursor", "the job id the next link carries; newest first"), QueryParam.Text("f", "json (the only format)"));
        group.MapGet("/jobs/{jobId}", (HttpContext http, string jobId) => ogc.StatusAsync(http, jobId)).AddEndpointFilter(read)
            .WithName("ogcJob").Produces<OgcStatusInfo>().Problems(404);
        group.MapDelete("/jobs/{jobId}", (HttpContext http, string jobId) => ogc.DismissAsync(http, jobId)).AddEndpointFilter(write)
            .WithName("ogcDismiss").Produces<OgcStatusInfo>().Problems(404, 409, 410);
        group.MapGet("/jobs/{jobId}/results", (HttpContext http, string jobId) => ogc.ResultsAsync(http, jobId)).AddEndpointFilter(read)
            .WithName("ogcResults").Produces<JsonObject>().Problems(404, 410, 500);
    }
}
