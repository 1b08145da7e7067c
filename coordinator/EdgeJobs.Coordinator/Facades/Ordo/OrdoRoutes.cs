using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Ordo;

/// <summary>
/// Seed 001's routes (README "Ordo jobs") with the scopes each needs: <c>jobs:write</c> to submit, <c>jobs:read</c> to
/// read. The filter runs before anything is read, so a caller without a token learns nothing (401).
/// </summary>
internal static class OrdoRoutes
{
    public static void Map(WebApplication app, TokenCache tokens, OrdoJobsApi ordo)
    {
        var read = new ScopeFilter(tokens, Scopes.JobsRead);
        var write = new ScopeFilter(tokens, Scopes.JobsWrite);
        var group = app.MapGroup("/ordo/jobs").WithTags("Ordo jobs");
        group.MapPost("", (HttpRequest request) => ordo.SubmitAsync(request.HttpContext)).AddEndpointFilter(write);
        group.MapGet("", (HttpRequest request) => ordo.ListAsync(request.HttpContext)).AddEndpointFilter(read)
            .Query(QueryParam.Limit(1000), QueryParam.Integer("cursor", "the id of the last job already seen; newest first"));
        group.MapGet("/{id}", (HttpContext http, string id) => ordo.GetAsync(http, id)).AddEndpointFilter(read);
    }
}
