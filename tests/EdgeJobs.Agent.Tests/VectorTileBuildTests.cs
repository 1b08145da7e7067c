using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>
/// <c>build</c> of a vector file: vector tiles (MVT in one MBTiles file), tile for tile what <c>ogr2ogr -f MBTiles</c>
/// writes of the same input with the same zoom levels. The input is real: contour lines that <c>gdal_contour</c> draws of
/// the sample DEM, as a GeoPackage and as GeoJSON.
/// </summary>
[Category("gdal")]
public class VectorTileBuildTests
{
    private static string Submit(string paramsJson) => "{\"tool\":\"build\",\"force\":true,\"params\":" + paramsJson + "}";

    /// <summary>
    /// Contour lines of the sample DEM every 50 m, written to <paramref name="path"/> by gdal_contour: a GeoPackage in the
    /// DEM's UTM zone, or GeoJSON in WGS 84 as RFC 7946 has it (ogr2ogr of that GeoPackage).
    /// </summary>
    private static async Task ContoursAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var gpkg = Path.ChangeExtension(path, ".gpkg");
        await GdalTool.RunAsync("gdal_contour", "-q", "-a", "elev", "-i", "50", Samples.Path("olinda_dem_utm25s.tif"), gpkg);
        if (path != gpkg)
        {
            await GdalTool.RunAsync("ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", path, gpkg);
        }
    }

    /// <summary>Every tile's zoom, column, row and bytes, in order: two MBTiles files with equal lines hold the same tiles.</summary>
    private static async Task<string[]> TilesAsync(string mbtiles) =>
        (await GdalTool.RunAsync("sqlite3", mbtiles, "SELECT zoom_level || '/' || tile_column || '/' || tile_row || ' ' || hex(tile_data) FROM tiles ORDER BY 1;"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    [Arguments("contours/olinda.gpkg", ",\"min_zoom\":9,\"max_zoom\":13", 9, 13)]
    [Arguments("contours/olinda.geojson", "", 0, 5)]
    public async Task a_vector_file_becomes_the_vector_tiles_ogr2ogr_writes_of_it(string path, string zoom, int minZoom, int maxZoom)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, path);
        await ContoursAsync(input);
        var job = await cluster.SubmitAndWaitAsync(Submit($"{{\"path\":\"{path}\",\"output\":\"tiles/olinda.mbtiles\"{zoom}}}"));

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        var built = await RasterOracles.DownloadAsync(cluster, job, dir, "built.mbtiles", offeredAs: "olinda.mbtiles");
        var reference = dir.File("ref.mbtiles");
        await GdalTool.RunAsync("ogr2ogr", "-f", "MBTiles", "-dsco", $"MINZOOM={minZoom}", "-dsco", $"MAXZOOM={maxZoom}", reference, input);
        var tiles = await TilesAsync(built);
        await Assert.That(tiles.Length).IsGreaterThan(0);
        await Assert.That(tiles).IsEquivalentTo(await TilesAsync(reference), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var zooms = tiles.Select(t => int.Parse(t[..t.IndexOf('/', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToArray();
        await Assert.That(zooms.First()).IsEqualTo(minZoom);
        await Assert.That(zooms.Last()).IsEqualTo(maxZoom);
        // The output in the data root is the artifact, and GDAL reads it back: the contour layer, named after its input.
        var placed = Path.Combine(cluster.Api.DataRoot, "tiles", "olinda.mbtiles");
        await Assert.That(await File.ReadAllBytesAsync(placed)).IsEquivalentTo(await File.ReadAllBytesAsync(built), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var info = await GdalTool.RunAsync("ogrinfo", "-ro", "-q", placed);
        await Assert.That(info).Contains("name=olinda");
        await Assert.That(info).Contains("contour (Multi Line String)");
    }

    /// <summary>On a dataset, by an agent that reads the GeoPackage over HTTP: the tiles become an indexed vector entry.</summary>
    [Test]
    public async Task a_vector_entry_of_a_dataset_built_remotely_becomes_an_indexed_tiles_entry()
    {
        await using var cluster = await Cluster.StartAsync(rasterInspector: EdgeJobs.Server.GdalRasterInspector.Instance);
        await cluster.AddAgentAsync("remote");
        using var dir = new TempDir();
        var token = await cluster.Api.MintInOrgAsync("amy", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        (await cluster.Api.SendAsync(HttpMethod.Put, "v1/datasets/acme/field", token)).EnsureSuccessStatusCode();
        var gpkg = dir.File("olinda.gpkg");
        await ContoursAsync(gpkg);
        using (var upload = new HttpRequestMessage(HttpMethod.Put, "v1/datasets/acme/field/files/contours/olinda.gpkg") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(gpkg)) })
        {
            upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            (await cluster.Api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
        }

        using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", token,
            """{"tool":"build","dataset":"acme/field","params":{"path":"contours/olinda.gpkg","max_zoom":10,"output":"tiles/olinda.mbtiles"}}""");
        await Assert.That(submitted.StatusCode).IsEqualTo(System.Net.HttpStatusCode.Accepted);
        var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        await cluster.WaitForStateAsync(id, state => state.IsTerminal(), TimeSpan.FromSeconds(30));
        using var get = await cluster.Api.GetAsync($"v1/jobs/{id}", token);
        var job = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        using var listed = await cluster.Api.GetAsync("v1/datasets/acme/field/entries?prefix=tiles/", token);
        var entry = (await ApiServer.ReadAsync(listed, RestJsonContext.Default.DatasetEntryListDto))!.Entries.Single();
        await Assert.That(entry.Path).IsEqualTo("tiles/olinda.mbtiles");
        await Assert.That(entry.Type).IsEqualTo("vector");
        var reference = dir.File("ref.mbtiles");
        await GdalTool.RunAsync("ogr2ogr", "-f", "MBTiles", "-dsco", "MINZOOM=0", "-dsco", "MAXZOOM=10", reference, gpkg);
        var placed = dir.File("placed.mbtiles");
        using (var download = await cluster.Api.GetAsync("v1/datasets/acme/field/files/tiles/olinda.mbtiles", token))
        {
            await File.WriteAllBytesAsync(placed, await download.Content.ReadAsByteArrayAsync());
        }

        await Assert.That(entry.Size).IsEqualTo(new FileInfo(placed).Length);
        await Assert.That(await TilesAsync(placed)).IsEquivalentTo(await TilesAsync(reference), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("{\"path\":\"contours/olinda.gpkg\",\"min_zoom\":9,\"max_zoom\":4}", "$.params.min_zoom", "must not be above max_zoom (4)")]
    [Arguments("{\"path\":\"contours/olinda.gpkg\",\"max_zoom\":23}", "$.params.max_zoom", "must be between 0 and 22")]
    [Arguments("{\"path\":\"contours/olinda.gpkg\",\"output\":\"tiles/olinda.tif\"}", "$.params.output", ".mbtiles")]
    [Arguments("{\"path\":\"dem.tif\",\"max_zoom\":8}", "$.params.max_zoom", "applies to a vector file's tiles")]
    [Arguments("{\"path\":\"dem.tif\",\"output\":\"tiles/dem.mbtiles\"}", "$.params.output", ".tif")]
    public async Task zoom_levels_and_outputs_that_do_not_fit_the_input_are_a_400_naming_the_field(string paramsJson, string field, string reason)
    {
        await using var cluster = await Cluster.StartAsync();
        await ContoursAsync(Path.Combine(cluster.Api.DataRoot, "contours", "olinda.gpkg"));
        Samples.CopyTo("olinda_dem_utm25s.tif", cluster.Api.DataRoot, "dem.tif");
        await RasterOracles.AssertRefusedAsync(cluster, Submit(paramsJson), field, reason);
    }

    [Test]
    public async Task a_file_named_as_a_vector_that_gdal_cannot_read_fails_without_retry()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        await File.WriteAllTextAsync(Path.Combine(cluster.Api.DataRoot, "broken.geojson"), "{ this is not json");

        await RasterOracles.AssertFailsAsync(cluster, Submit("{\"path\":\"broken.geojson\"}"), "bad_params", "is not a vector file GDAL reads");
    }
}
