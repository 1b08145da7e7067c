using System.Globalization;
using System.Net;
using System.Text.Json;
using EdgeJobs.Coordinator.Tiles;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Tiles;

/// <summary>
/// Web-map tiles of a job's COG on a real cluster: the tile info against gdalinfo, tiles against
/// <c>gdalwarp -t_srs EPSG:3857</c> of the same extent, transparency outside the raster, caching, and every refusal.
/// </summary>
[Category("gdal")]
public class TileTests
{
    /// <summary>The Landsat scene built into a COG (6 Byte bands, overviews) by a real agent.</summary>
    private static async Task<(Cluster Cluster, long JobId)> CogAsync()
    {
        var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "landsat/L7_ETMs.tif");
        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"build\",\"params\":{\"path\":\"landsat/L7_ETMs.tif\"}}");
        return job.Status == "completed" ? (cluster, job.Id) : throw new InvalidOperationException($"build ended {job.Status}: {job.Error?.Message}");
    }

    private static async Task<TileInfo> InfoAsync(Cluster cluster, long jobId)
    {
        using var response = await cluster.Api.GetAsync($"v1/jobs/{jobId}/tiles.json", cluster.Api.Admin);
        return response.StatusCode == HttpStatusCode.OK
            ? JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), TileJson.Default.TileInfo)!
            : throw new InvalidOperationException($"tiles.json answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The tile over the raster's centre at <paramref name="z"/>.</summary>
    private static (long X, long Y) CentreTile(TileInfo info, int z) => CentreTile(info.Bounds, z);

    /// <summary>The tile over the centre of <paramref name="bounds"/> (west, south, east, north) at <paramref name="z"/>.</summary>
    private static (long X, long Y) CentreTile(double[] bounds, int z)
    {
        var (lon, lat) = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2);
        var n = 1L << z;
        var x = (long)Math.Floor((lon + 180) / 360 * n);
        var y = (long)Math.Floor((1 - (Math.Log(Math.Tan(lat * Math.PI / 180) + (1 / Math.Cos(lat * Math.PI / 180))) / Math.PI)) / 2 * n);
        return (x, y);
    }

    [Test]
    public async Task tile_info_gives_the_bounds_zooms_template_and_band_statistics_of_the_output()
    {
        var (cluster, id) = await CogAsync();
        await using var _ = cluster;

        var info = await InfoAsync(cluster, id);
        var artifact = (await cluster.Ledger.GetArtifactAsync(id))!.Path;
        var gdalinfo = JsonElement.Parse(await GdalTool.RunAsync("gdalinfo", "-json", artifact));
        var extent = gdalinfo.GetProperty("wgs84Extent").GetProperty("coordinates")[0].EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();

        await Assert.That(info.Bounds[0]).IsEqualTo(extent.Min(p => p.Item1)).Within(1e-6);
        await Assert.That(info.Bounds[1]).IsEqualTo(extent.Min(p => p.Item2)).Within(1e-6);
        await Assert.That(info.Bounds[2]).IsEqualTo(extent.Max(p => p.Item1)).Within(1e-6);
        await Assert.That(info.Bounds[3]).IsEqualTo(extent.Max(p => p.Item2)).Within(1e-6);
        await Assert.That(info.Tiles).IsEqualTo($"/v1/jobs/{id}/tiles/{{z}}/{{x}}/{{y}}.png");
        await Assert.That(info.Bands.Count).IsEqualTo(6);
        await Assert.That(info.DataType).IsEqualTo("Byte");
        // 28.5 m pixels at 8° south are 28.8 m in web mercator: zoom 12 (38 m) is coarser, 13 (19 m) finer.
        await Assert.That(info.MaxZoom).IsEqualTo(13);
        await Assert.That(info.MinZoom).IsLessThan(info.MaxZoom);
        await Assert.That(info.Bands[0].Max).IsGreaterThan(info.Bands[0].Min);
    }

    /// <summary>
    /// The overview a tile is read from: the coarsest at most 1.2× coarser than its pixels (GDAL's rule for reads), so a
    /// 1 m raster's tile of 7.15 m pixels (three zooms above native at 41.5° N) reads the 8 m overview, not the 4 m one.
    /// </summary>
    [Test]
    [Arguments(1.0, "NONE")]
    [Arguments(1.6, "NONE")]
    [Arguments(2.0, "0")]
    [Arguments(7.15, "2")]
    [Arguments(6.0, "1")]
    [Arguments(6.7, "2")]
    [Arguments(100.0, "3")]
    public async Task a_tile_reads_the_coarsest_overview_at_most_a_fifth_coarser_than_its_pixels(double ratio, string expected)
    {
        await Assert.That(EdgeJobs.Server.GdalTileReader.Overview(ratio, 20_000, [10_000, 5_000, 2_500, 1_250])).IsEqualTo(expected);
    }

    /// <summary>
    /// A raster with overviews (a Landsat band resampled to 2,800² as a COG, which gives it overviews), three
    /// zooms above native: the tile reads the overview <see cref="EdgeJobs.Server.GdalTileReader.Overview"/> names and
    /// matches gdalwarp told to read that same overview.
    /// </summary>
    [Test]
    public async Task a_tile_above_native_zoom_matches_gdalwarp_reading_the_same_overview()
    {
        using var dir = new TempDir();
        var cog = dir.File("large.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-of", "COG", "-outsize", "2800", "2800", "-r", "bilinear", "-b", "1",
            Samples.Path("L7_ETMs.tif"), cog);
        var reader = EdgeJobs.Server.GdalTileReader.Instance;
        var facts = reader.Describe(cog)!;
        var nativeZoom = (int)Math.Round(Math.Log2(2 * WebMercator.Origin / WebMercator.TileSize / facts.Resolution3857));
        var z = nativeZoom - 3;
        var (x, y) = CentreTile(facts.Bounds4326, z);
        var bounds = WebMercator.Bounds(z, x, y);
        IReadOnlyList<int> widths;
        using (var dataset = EdgeJobs.Interop.Gdal.GdalDataset.OpenRead(cog))
        using (var band = dataset.GetBand(1))
        {
            widths = band.OverviewWidths;
        }

        var overview = EdgeJobs.Server.GdalTileReader.Overview((bounds.MaxX - bounds.MinX) / WebMercator.TileSize / facts.Resolution3857, 2800, widths);

        var tile = reader.Read(cog, bounds, WebMercator.TileSize);
        var expected = dir.File("expected.tif");
        await GdalTool.RunAsync("gdalwarp", "-q", "-t_srs", "EPSG:3857", "-te", Text(bounds.MinX), Text(bounds.MinY), Text(bounds.MaxX), Text(bounds.MaxY),
            "-ts", "256", "256", "-r", "bilinear", "-dstalpha", "-ovr", overview, cog, expected);

        var wanted = RasterOracles.ReadBytes(expected, 1);
        var alpha = RasterOracles.ReadBytes(expected, 2);
        var compared = 0;
        for (var i = 0; i < wanted.Length; i++)
        {
            await Assert.That(tile.Valid[i]).IsEqualTo(alpha[i] > 0);
            if (alpha[i] > 0)
            {
                await Assert.That(Math.Abs(tile.Bands[0][i] - wanted[i])).IsLessThanOrEqualTo(1f);
                compared++;
            }
        }

        await Assert.That(widths.Count).IsGreaterThanOrEqualTo(3);
        await Assert.That(overview).IsNotEqualTo("NONE").Because("three zooms above native, an overview serves the tile");
        await Assert.That(compared).IsGreaterThan(2_000);
    }

    [Test]
    [Arguments(0)]
    [Arguments(3)]
    public async Task a_tile_matches_gdalwarp_to_web_mercator_of_the_same_extent(int belowNative)
    {
        var (cluster, id) = await CogAsync();
        await using var _ = cluster;
        using var dir = new TempDir();
        var info = await InfoAsync(cluster, id);
        var z = info.MaxZoom - belowNative;
        var (x, y) = CentreTile(info, z);

        using var response = await cluster.Api.GetAsync($"v1/jobs/{id}/tiles/{z}/{x}/{y}.png", cluster.Api.Admin);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("image/png");
        var png = dir.File("tile.png");
        await File.WriteAllBytesAsync(png, await response.Content.ReadAsByteArrayAsync());

        var bounds = WebMercator.Bounds(z, x, y);
        var expected = dir.File("expected.tif");
        await GdalTool.RunAsync("gdalwarp", "-t_srs", "EPSG:3857", "-te", Text(bounds.MinX), Text(bounds.MinY), Text(bounds.MaxX), Text(bounds.MaxY),
            "-ts", "256", "256", "-r", "bilinear", "-dstalpha", (await cluster.Ledger.GetArtifactAsync(id))!.Path, expected);

        var compared = 0;
        for (var band = 1; band <= 3; band++)
        {
            var actual = RasterOracles.ReadBytes(png, band);
            var wanted = RasterOracles.ReadBytes(expected, band);
            var alpha = RasterOracles.ReadBytes(expected, 7);
            var ourAlpha = RasterOracles.ReadBytes(png, 4);
            for (var i = 0; i < actual.Length; i++)
            {
                await Assert.That(ourAlpha[i] > 0).IsEqualTo(alpha[i] > 0);
                if (alpha[i] > 0)
                {
                    await Assert.That(Math.Abs(actual[i] - wanted[i])).IsLessThanOrEqualTo(1);
                    compared++;
                }
            }
        }

        // The scene is 349 × 352 pixels, about a tile and a half at its native zoom: its centre tile is mostly covered
        // there and partly (a few thousand pixels) three levels up.
        await Assert.That(compared).IsGreaterThan(3 * 2_000);
    }

    [Test]
    public async Task a_tile_outside_the_raster_is_transparent_and_tiles_are_cached_by_etag()
    {
        var (cluster, id) = await CogAsync();
        await using var _ = cluster;
        using var dir = new TempDir();

        using var away = await cluster.Api.GetAsync($"v1/jobs/{id}/tiles/10/0/0.png", cluster.Api.Admin);
        var png = dir.File("away.png");
        await File.WriteAllBytesAsync(png, await away.Content.ReadAsByteArrayAsync());
        await Assert.That(away.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(RasterOracles.ReadBytes(png, 4).All(a => a == 0)).IsTrue();

        var info = await InfoAsync(cluster, id);
        var (x, y) = CentreTile(info, info.MaxZoom);
        var path = $"v1/jobs/{id}/tiles/{info.MaxZoom}/{x}/{y}.png?rescale=0,200";
        using var first = await cluster.Api.GetAsync(path, cluster.Api.Admin);
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Api.Admin);
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var again = await cluster.Api.Http.SendAsync(request);
        using var otherStyle = await cluster.Api.GetAsync($"v1/jobs/{id}/tiles/{info.MaxZoom}/{x}/{y}.png?rescale=0,100", cluster.Api.Admin);

        await Assert.That(first.Headers.CacheControl!.Private).IsTrue();
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.NotModified);
        await Assert.That(otherStyle.Headers.ETag!.Tag).IsNotEqualTo(first.Headers.ETag!.Tag);
    }

    [Test]
    public async Task a_single_band_output_is_coloured_by_its_colormap()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "landsat/L7_ETMs.tif");
        var ndvi = await cluster.SubmitAndWaitAsync("{\"tool\":\"raster-export\",\"params\":{\"path\":\"landsat/L7_ETMs.tif\",\"formula\":\"ndvi\"}}");
        await Assert.That(ndvi.Status).IsEqualTo("completed");
        var info = await InfoAsync(cluster, ndvi.Id);
        var (x, y) = CentreTile(info, info.MaxZoom - 2);

        using var viridis = await cluster.Api.GetAsync($"v1/jobs/{ndvi.Id}/tiles/{info.MaxZoom - 2}/{x}/{y}.png?rescale=-1,1&colormap=viridis", cluster.Api.Admin);
        var png = dir.File("ndvi.png");
        await File.WriteAllBytesAsync(png, await viridis.Content.ReadAsByteArrayAsync());

        await Assert.That(info.Bands.Count).IsEqualTo(1);
        await Assert.That(viridis.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var table = EdgeJobs.Catalog.Rasters.Colormaps.Table("viridis");
        var colours = table.Chunk(3).Select(c => (c[0], c[1], c[2])).ToHashSet();
        var (r, g, b, a) = (RasterOracles.ReadBytes(png, 1), RasterOracles.ReadBytes(png, 2), RasterOracles.ReadBytes(png, 3), RasterOracles.ReadBytes(png, 4));
        var shown = Enumerable.Range(0, r.Length).Where(i => a[i] > 0).ToList();
        await Assert.That(shown.Count).IsGreaterThan(1000);
        await Assert.That(shown.All(i => colours.Contains((r[i], g[i], b[i])))).IsTrue();
    }

    [Test]
    [Arguments("tiles/25/0/0.png", 400, "invalid_tile")]
    [Arguments("tiles/3/8/0.png", 400, "invalid_tile")]
    [Arguments("tiles/3/-1/0.png", 400, "invalid_tile")]
    [Arguments("tiles/3/x/0.png", 400, "invalid_tile")]
    [Arguments("tiles/3/1/1.png?colormap=rainbowish", 400, "invalid_query")]
    [Arguments("tiles/3/1/1.png?colormap=viridis", 400, "invalid_query")]
    [Arguments("tiles/3/1/1.png?rescale=1", 400, "invalid_query")]
    [Arguments("tiles/3/1/1.png?size=512", 400, "invalid_query")]
    public async Task a_bad_tile_request_is_refused_naming_what_is_wrong(string suffix, int status, string code)
    {
        var (cluster, id) = await CogAsync();
        await using var _ = cluster;

        using var response = await cluster.Api.GetAsync($"v1/jobs/{id}/{suffix}", cluster.Api.Admin);

        await Assert.That((int)response.StatusCode).IsEqualTo(status);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo(code);
    }

    [Test]
    public async Task only_a_completed_job_s_raster_of_the_caller_s_org_has_tiles()
    {
        var (cluster, id) = await CogAsync();
        await using var _ = cluster;
        var acme = await cluster.Api.MintInOrgAsync("ann", "acme", Scopes.JobsRead, Scopes.ClipRead);
        var running = await cluster.Api.SubmitAsync(cluster.Api.Bob, seconds: 30);
        var noRaster = await cluster.SubmitAndWaitAsync("{\"tool\":\"random-artifact\",\"params\":{\"bytes\":1000}}");

        using var otherOrg = await cluster.Api.GetAsync($"v1/jobs/{id}/tiles/3/1/1.png", acme);
        using var notDone = await cluster.Api.GetAsync($"v1/jobs/{running.Id}/tiles.json", cluster.Api.Bob);
        using var notImage = await cluster.Api.GetAsync($"v1/jobs/{noRaster.Id}/tiles/3/1/1.png", cluster.Api.Admin);

        await Assert.That(otherOrg.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(notDone)).ErrorCode).IsEqualTo("job_not_completed");
        await Assert.That((await ApiServer.ProblemAsync(notImage)).ErrorCode).IsEqualTo("not_a_raster");
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
