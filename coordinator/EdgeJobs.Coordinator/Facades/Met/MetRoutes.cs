using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Met;

/// <summary>
/// Seed 000's routes (README "MET jobs") with the scopes each needs: <c>jobs:read</c> to read, <c>jobs:write</c> for
/// the rest; the campaign aggregate answers without a token when the campaign is public (as <c>GET /v1/campaigns/{id}</c>).
/// The filters run before anything is read, so a caller without a token learns nothing (401).
/// </summary>
internal static class MetRoutes
{
    public static void Map(WebApplication app, TokenCache tokens, MetJobsApi met)
    {
        var read = new ScopeFilter(tokens, Scopes.JobsRead);
        var write = new ScopeFilter(tokens, Scopes.JobsWrite);
        var group = app.MapGroup("/met/jobs").WithTags("MET jobs");
        group.MapGet("", (HttpRequest request) => met.ListAsync(request.HttpContext)).AddEndpointFilter(read)
            .Query(QueryParam.Text("status", "a comma list of queued, running, cancelling, completed, failed, cancelled, partial"),
            QueryParam.Text("job_type", "only this job type (nc-to-geotiff, merge-terrain, mago-terrain, repair-csw-metadata, hyspex-csw-parent)"),
            QueryParam.Limit(50), QueryParam.Cursor("a job id; newest first"));
        group.MapPost("/cleanup", (HttpRequest request) => met.CleanupAsync(request.HttpContext)).AddEndpointFilter(write);
        foreach (var jobType in new[] { MetJobTypes.NcToGeotiff, MetJobTypes.MergeTerrain, MetJobTypes.MagoTerrain, MetJobTypes.RepairCswMetadata })
        {
            group.MapPost("/" + jobType, (HttpRequest request) => met.SubmitAsync(request.HttpContext, jobType)).AddEndpointFilter(write);
        }

        group.MapPost("/hyspex-csw-parent", (HttpRequest request) => met.ParentBatchAsync(request.HttpContext)).AddEndpointFilter(write);
        group.MapGet("/hyspex-csw-campaigns/{id}", (HttpContext http, string id) => met.CampaignAsync(http, id)).AddEndpointFilter(ScopeFilter.Optional(tokens))
            .AllowAnonymous(); // public campaigns answer without a token
        group.MapPost("/hyspex-missing-variants", (HttpRequest request) => met.MissingVariantsAsync(request.HttpContext)).AddEndpointFilter(write);
        group.MapGet("/{id}", (HttpContext http, string id) => met.GetAsync(http, id)).AddEndpointFilter(read);
        group.MapPost("/{id}/cancel", (HttpContext http, string id) => met.CancelAsync(http, id)).AddEndpointFilter(write);
        group.MapDelete("/{id}", (HttpContext http, string id) => met.DeleteAsync(http, id)).AddEndpointFilter(write);
    }
}
