using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeJobs.Coordinator.Api;

/// <summary>The datasets' routes (README "Datasets") with the scope each needs; mapped into <c>/v1</c> by <see cref="ApiRoutes"/>.</summary>
internal static class DatasetRoutes
{
    public static void Map(RouteGroupBuilder v1, TokenCache tokens, DatasetsApi datasets)
    {
        var read = new ScopeFilter(tokens, Scopes.DatasetsRead);
        var write = new ScopeFilter(tokens, Scopes.DatasetsWrite);

        v1.MapGet("/datasets", (HttpRequest request) => datasets.ListAsync(request.HttpContext)).AddEndpointFilter(read)
            .Query(QueryParam.Text("org", "only this org's datasets (a global token sees every org without it)"), QueryParam.Limit(100), QueryParam.Cursor("org/name"));
        v1.MapPut("/datasets/{org}/{ds}", (HttpContext http, string org, string ds) => datasets.CreateAsync(http, org, ds)).AddEndpointFilter(write);
        v1.MapGet("/datasets/{org}/{ds}", (HttpContext http, string org, string ds) => datasets.GetAsync(http, org, ds)).AddEndpointFilter(read);
        v1.MapDelete("/datasets/{org}/{ds}", (HttpContext http, string org, string ds) => datasets.DeleteAsync(http, org, ds)).AddEndpointFilter(write);
        v1.MapGet("/datasets/{org}/{ds}/entries", (HttpContext http, string org, string ds) => datasets.EntriesAsync(http, org, ds)).AddEndpointFilter(read)
            .Query(QueryParam.Text("prefix", "only paths starting with this: a path, a folder ending in '/', or a name's start"),
            QueryParam.Text("type", "raster, vector, pointcloud, image, archive or other"), QueryParam.Limit(100), QueryParam.Cursor("opaque; path order"));
        v1.MapPost("/datasets/{org}/{ds}/move", (HttpContext http, string org, string ds) => datasets.MoveAsync(http, org, ds)).AddEndpointFilter(write);
        v1.MapPut("/datasets/{org}/{ds}/files/{**path}", (HttpContext http, string org, string ds, string? path) => datasets.UploadAsync(http, org, ds, path)).AddEndpointFilter(write);
        // HEAD too: GDAL's /vsicurl/ asks for the size first.
        v1.MapMethods("/datasets/{org}/{ds}/files/{**path}", ["GET", "HEAD"], (HttpContext http, string org, string ds, string? path) => datasets.DownloadAsync(http, org, ds, path)).AddEndpointFilter(read);
        v1.MapDelete("/datasets/{org}/{ds}/files/{**path}", (HttpContext http, string org, string ds, string? path) => datasets.DeleteFileAsync(http, org, ds, path)).AddEndpointFilter(write);
    }
}
