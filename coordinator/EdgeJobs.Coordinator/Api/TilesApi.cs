using System.Globalization;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Tiles;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// <c>GET /v1/jobs/{id}/tiles/{z}/{x}/{y}.png</c> (WebMercatorQuad, 256 px; <c>rescale</c>, <c>colormap</c>) and
/// <c>GET /v1/jobs/{id}/tiles.json</c> (the tile info) for a completed job's raster artifact. Tiles carry an ETag (304 on
/// <c>If-None-Match</c>) and may be cached privately: an artifact never changes.
/// </summary>
internal sealed class TilesApi(JobLedger ledger, TileService? tiles)
{
    /// <summary>The job a tile request names, if the caller may see its output: its own, or any of its org's with <c>clip:read</c>.</summary>
    internal Task<(JobRow? Job, IResult? Problem)> FindAsync(HttpContext http, string rawId) =>
        JobAccess.FindAsync(ledger, http, rawId, (principal, job) => principal.MayActOn(job) || principal.Has(Scopes.ClipRead));

    public async Task<IResult> InfoAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var (info, why) = await InfoAsync(job).ConfigureAwait(false);
        return info is null ? why! : Results.Json(info, TileJson.Default.TileInfo);
    }

    internal async Task<(TileInfo? Info, IResult? Problem)> InfoAsync(JobRow job)
    {
        if (tiles is null)
        {
            return (null, Unavailable());
        }

        var (_, facts, why) = await tiles.FactsAsync(job).ConfigureAwait(false);
        return facts is null ? (null, Problems.Of(why!.Status, why.Code, "No tiles", why.Detail)) : (TileService.Info(job.Id, facts), null);
    }

    public async Task<IResult> TileAsync(HttpContext http, string rawId, string rawZ, string rawX, string rawY)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("rescale" or "colormap"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a tile parameter; use rescale or colormap");
            }
        }

        if (!int.TryParse(rawZ, NumberStyles.None, CultureInfo.InvariantCulture, out var z) || !long.TryParse(rawX, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
            || !long.TryParse(rawY, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || !WebMercator.IsTile(z, x, y))
        {
            return Problems.Of(400, "invalid_tile", "Invalid tile",
                $"'{Problems.Truncate(rawZ)}/{Problems.Truncate(rawX)}/{Problems.Truncate(rawY)}' is no WebMercatorQuad tile: z 0..{WebMercator.MaxZoom}, x and y 0..2^z-1");
        }

        var colormaps = query["colormap"];
        if (colormaps.Count > 1)
        {
            return Problems.InvalidQuery("colormap", "give one colormap");
        }

        var (style, parameter, error) = TileStyle.Parse([.. query["rescale"].Select(r => r ?? "")], colormaps.Count == 1 ? colormaps[0] : null);
        if (style is null)
        {
            return Problems.InvalidQuery(parameter!, error!);
        }

        var (job, problem) = await FindAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        if (tiles is null)
        {
            return Unavailable();
        }

        var (artifact, facts, why) = await tiles.FactsAsync(job).ConfigureAwait(false);
        if (facts is null)
        {
            return Problems.Of(why!.Status, why.Code, "No tiles", why.Detail);
        }

        if (style.Refusal(facts.Bands.Count) is { } refusal)
        {
            return Problems.InvalidQuery(refusal.StartsWith("colormap", StringComparison.Ordinal) ? "colormap" : "rescale", refusal);
        }

        var etag = TileService.ETag(artifact!, z, x, y, style);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, max-age=86400";
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag || v == "*"))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var png = await Task.Run(() => tiles.Render(artifact!, facts, z, x, y, style), http.RequestAborted).ConfigureAwait(false);
        return Results.Bytes(png, "image/png");
    }

    private static IResult Unavailable() =>
        Problems.Of(501, "not_implemented", "Not implemented", "this coordinator was started without a raster reader, so it serves no tiles");
}
