using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// OGC API – Processes routes (README "OGC API – Processes") with the scopes each needs: any jobs scope to read the
/// landing page, conformance and processes (as <c>/v1/tools</c>), <c>jobs:read</c> to read jobs, <c>jobs:write</c> to
/// execute and dismiss. The filters run before anything is read, so a caller without a token learns nothing (401).
/// </summary>
internal static class OgcRoutes
{
    public const string Prefix = "/ogcapi";

    public static void Map(WebApplication app, TokenCache tokens, OgcApi ogc)
    {
        var anyJobs = new ScopeFilter(tokens, Scopes.JobsRead, Scopes.JobsWrite);
        var read = new ScopeFilter(tokens, Scopes.JobsRead);
        var write = new ScopeFilter(tokens, Scopes.JobsWrite);
        var group = app.MapGroup(Prefix);
        // Answers /ogcapi and /ogcapi/ alike (routing ignores a trailing slash): clients join relative paths onto the latter.
        group.MapGet("/", (HttpContext http) => ogc.Landing(http)).AddEndpointFilter(anyJobs);
        group.MapGet("/conformance", OgcApi.Conformance).AddEndpointFilter(anyJobs);
        group.MapGet("/processes", (HttpContext http) => ogc.Processes(http)).AddEndpointFilter(anyJobs);
        group.MapGet("/processes/{processId}", (HttpContext http, string processId) => ogc.Process(http, processId)).AddEndpointFilter(anyJobs);
        group.MapPost("/processes/{processId}/execution", (HttpContext http, string processId) => ogc.ExecuteAsync(http, processId)).AddEndpointFilter(write);
        group.MapGet("/jobs", (HttpRequest request) => ogc.ListAsync(request.HttpContext)).AddEndpointFilter(read);
        group.MapGet("/jobs/{jobId}", (HttpContext http, string jobId) => ogc.StatusAsync(http, jobId)).AddEndpointFilter(read);
        group.MapDelete("/jobs/{jobId}", (HttpContext http, string jobId) => ogc.DismissAsync(http, jobId)).AddEndpointFilter(write);
        group.MapGet("/jobs/{jobId}/results", (HttpContext http, string jobId) => ogc.ResultsAsync(http, jobId)).AddEndpointFilter(read);
    }
}
