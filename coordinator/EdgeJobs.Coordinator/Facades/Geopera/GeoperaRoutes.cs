using EdgeJobs.Coordinator.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Geopera;

/// <summary>
/// Seed 002's operations (README "Geopera operations"), each at both of its documented URLs: <c>POST
/// /v1/op/{operation_id}</c> and the resource path <c>POST /v1/processing/{resource}/{action}</c>
/// (<c>processing.job.tile_info</c> ⇄ <c>/v1/processing/job/tile_info</c>). A known token is required before anything
/// is read (401); the operation's own scope is checked once it is known (403), as the document's tables give it.
/// </summary>
internal static class GeoperaRoutes
{
    public static void Map(WebApplication app, TokenCache tokens, OperationsApi operations)
    {
        var authenticated = ScopeFilter.Authenticated(tokens);
        app.MapPost("/v1/op/{operation_id}", (HttpContext http, string operation_id) => operations.InvokeAsync(http, operation_id))
            .AddEndpointFilter(authenticated);
        // A dot in the resource path is not one of the documented URLs (processing.job.get is /v1/processing/job/get).
        app.MapPost("/v1/processing/{**action}", (HttpContext http, string? action) => operations.InvokeAsync(http,
                action is { Length: > 0 } a && !a.Contains('.') ? "processing." + a.Replace('/', '.') : "/v1/processing/" + action))
            .AddEndpointFilter(authenticated);
    }
}
