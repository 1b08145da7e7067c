using System.Text.RegularExpressions;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>
/// merge-multispectral, reproject, nc-to-geotiff and merge-terrain end to end on the real samples, each
/// against the GDAL utility its users run today (gdal_merge.py, gdalwarp, gdal_translate, gdaldem).
/// </summary>
[Category("gdal")]
public class GdalUtilityToolTests
{
    private static string Submit(string tool, string paramsJson) => "{\"tool\":\"" + tool + "\",\"force\":true,\"params\":" + paramsJson + "}";

    [Test]
    public async Task merge_multispectral_equals_gdal_merge_separate_band_for_band()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var bands = new List<string>();
        foreach (var b in new[] { 4, 3, 2 })
        {
            var path = Path.Combine(cluster.Api.DataRoot, "l7", $"b{b}.tif");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await GdalTool.RunAsync("gdal_translate", "-q", "-b", b.ToString(), Samples.Path("L7_ETMs.tif"), path);
            bands.Add(path);
        }

        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync(GdalTool.Python, ["/usr/bin/gdal_merge.py", "-q", "-separate", "-o", reference, .. bands]);

        var job = await cluster.SubmitAndWaitAsync(Submit("merge-multispectral", "{\"paths\":[\"l7/b4.tif\",\"l7/b3.tif\",\"l7/b2.tif\"]}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var stack = await RasterOracles.DownloadAsync(cluster, job, dir, "stack.tif", offeredAs: "b4.stack.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(stack)).Contains("is a valid cloud optimized GeoTIFF");
        var theirs = await RasterOracles.ChecksumsAsync(reference);
        await Assert.That(theirs.Length).IsEqualTo(3);
        await Assert.That(await RasterOracles.ChecksumsAsync(stack)).IsEquivalentTo(theirs, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await GdalTool.RunAsync("gdalinfo", stack)).Contains("UTM zone 25S");
    }

    [Test]
    public async Task reproject_matches_gdalwarp_with_the_same_options()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdalwarp", "-q", "-t_srs", "EPSG:4326", "-tr", "0.0003", "0.0003", "-r", "bilinear", Samples.Path("L7_ETMs.tif"), reference);

        var job = await cluster.SubmitAndWaitAsync(Submit("reproject", "{\"path\":\"L7_ETMs.tif\",\"crs\":\"EPSG:4326\",\"resolution\":0.0003,\"resampling\":\"bilinear\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var warped = await RasterOracles.DownloadAsync(cluster, job, dir, "warped.tif", offeredAs: "L7_ETMs.warped.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(warped)).Contains("is a valid cloud optimized GeoTIFF");
        var info = await GdalTool.RunAsync("gdalinfo", warped);
        var oracle = await GdalTool.RunAsync("gdalinfo", reference);
        await Assert.That(info).Contains("ID[\"EPSG\",4326]");
        await Assert.That(Regex.Match(info, @"Size is .*").Value).IsEqualTo(Regex.Match(oracle, @"Size is .*").Value);
        await Assert.That(Regex.Match(info, @"Origin = .*").Value).IsEqualTo(Regex.Match(oracle, @"Origin = .*").Value);
        await Assert.That(await RasterOracles.ChecksumsAsync(warped)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(reference), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments(2)]
    [Arguments(null)]
    public async Task nc_to_geotiff_equals_gdal_translate_of_the_same_subdataset_and_slice(int? timeIndex)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("nc/bcsd_obs_1999.nc", cluster.Api.DataRoot, "climate/bcsd.nc");
        var reference = dir.File("ref.tif");
        string[] slice = timeIndex is { } t ? ["-b", (t + 1).ToString()] : [];
        // The file has latitude/longitude axes but no grid_mapping: the tool assumes WGS 84, as CF says.
        await GdalTool.RunAsync("gdal_translate", ["-q", .. slice, "-a_srs", "EPSG:4326", $"NETCDF:\"{Samples.Path("nc/bcsd_obs_1999.nc")}\":tas", reference]);

        var job = await cluster.SubmitAndWaitAsync(Submit("nc-to-geotiff", "{\"path\":\"climate/bcsd.nc\",\"variable\":\"tas\"" + (timeIndex is { } i ? $",\"time_index\":{i}" : "") + "}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var tif = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif", offeredAs: timeIndex is null ? "bcsd.tas.tif" : "bcsd.tas.2.tif");
        var theirs = await RasterOracles.ChecksumsAsync(reference);
        await Assert.That(theirs.Length).IsEqualTo(timeIndex is null ? 12 : 1);
        await Assert.That(await RasterOracles.ChecksumsAsync(tif)).IsEquivalentTo(theirs, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var info = await GdalTool.RunAsync("gdalinfo", tif);
        await Assert.That(Regex.Match(info, @"Origin = .*").Value).IsEqualTo(Regex.Match(await GdalTool.RunAsync("gdalinfo", reference), @"Origin = .*").Value);
        await Assert.That(info).Contains("ID[\"EPSG\",4326]");
        await Assert.That(job.Error).IsNull();
    }

    [Test]
    public async Task nc_to_geotiff_reads_a_netcdf_file_over_http_by_byte_ranges_as_it_reads_one_in_the_data_root()
    {
        await using var cluster = await Cluster.StartAsync(inputUrlAllow: ["127.0.0.1"]);
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        await using var files = await FileServer.StartAsync(new Dictionary<string, string> { ["/thredds/bcsd.nc"] = Samples.Path("nc/bcsd_obs_1999.nc") });
        var url = new Uri(files.Url, "thredds/bcsd.nc").AbsoluteUri;
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdal_translate", ["-q", "-b", "3", "-a_srs", "EPSG:4326", $"NETCDF:\"{Samples.Path("nc/bcsd_obs_1999.nc")}\":tas", reference]);

        var job = await cluster.SubmitAndWaitAsync(Submit("nc-to-geotiff", $$"""{"url":"{{url}}","variable":"tas","time_index":2}"""));

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        await Assert.That(files.Requests).IsGreaterThan(0);
        var tif = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif", offeredAs: "bcsd.tas.2.tif");
        await Assert.That(await RasterOracles.ChecksumsAsync(tif)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(reference), TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // A host the coordinator was not told agents may read is refused at submit, naming the field.
        using var refused = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, """{"tool":"nc-to-geotiff","params":{"url":"http://example.org/x.nc","variable":"tas"}}""");
        await Assert.That(refused.StatusCode).IsEqualTo(System.Net.HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(refused)).Errors!.Single().Path).IsEqualTo("$.params.url");
    }

    [Test]
    public async Task nc_to_geotiff_keeps_an_integer_variable_s_type()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var nc = Path.Combine(cluster.Api.DataRoot, "dem.nc");
        await GdalTool.RunAsync("gdal_translate", "-q", "-of", "netCDF", "-ot", "Int16", Samples.Path("olinda_dem_utm25s.tif"), nc);

        var job = await cluster.SubmitAndWaitAsync(Submit("nc-to-geotiff", "{\"path\":\"dem.nc\",\"variable\":\"Band1\"}"));

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        var tif = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif", offeredAs: "dem.Band1.tif");
        await Assert.That(await GdalTool.RunAsync("gdalinfo", tif)).Contains("Type=Int16");
        await Assert.That(await RasterOracles.ChecksumsAsync(tif)).IsEquivalentTo(await RasterOracles.ChecksumsAsync($"NETCDF:\"{nc}\":Band1"), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task merge_terrain_mosaics_overlapping_tiles_and_its_hillshade_matches_gdaldem(bool hillshade)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var dem = Samples.Path("olinda_dem_utm25s.tif");
        var west = Path.Combine(cluster.Api.DataRoot, "dem", "west.tif");
        var east = Path.Combine(cluster.Api.DataRoot, "dem", "east.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(west)!);
        await GdalTool.RunAsync("gdal_translate", "-q", "-srcwin", "0", "0", "70", "111", dem, west);
        await GdalTool.RunAsync("gdal_translate", "-q", "-srcwin", "50", "0", "61", "111", dem, east);
        var mosaic = dir.File("mosaic.vrt");
        await GdalTool.RunAsync("gdalbuildvrt", "-q", mosaic, west, east);
        var reference = dir.File("hillshade.tif");
        await GdalTool.RunAsync("gdaldem", "hillshade", "-q", "-z", "2", mosaic, reference);

        var job = await cluster.SubmitAndWaitAsync(Submit("merge-terrain", "{\"paths\":[\"dem/west.tif\",\"dem/east.tif\"]" + (hillshade ? ",\"hillshade\":true,\"z_factor\":2" : "") + "}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var result = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif", offeredAs: hillshade ? "west.hillshade.tif" : "west.mosaic.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(result)).Contains("is a valid cloud optimized GeoTIFF");
        // The two overlapping halves put back together are the original DEM; its hillshade is gdaldem's.
        await Assert.That(await RasterOracles.ChecksumsAsync(result)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(hillshade ? reference : dem), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("merge-multispectral", "{\"paths\":[\"L7_ETMs.tif\"]}", "$.params.paths", "must name 2 to 64 rasters")]
    [Arguments("merge-multispectral", "{\"paths\":[\"L7_ETMs.tif\",\"../x.tif\"]}", "$.params.paths[1]", "must not contain '..'")]
    [Arguments("merge-multispectral", "{\"paths\":\"L7_ETMs.tif\"}", "$.params.paths", "must be an array")]
    [Arguments("reproject", "{\"path\":\"L7_ETMs.tif\",\"crs\":\"4326\"}", "$.params.crs", "must be an authority code")]
    [Arguments("reproject", "{\"path\":\"L7_ETMs.tif\"}", "$.params.crs", "is required")]
    [Arguments("reproject", "{\"path\":\"L7_ETMs.tif\",\"crs\":\"EPSG:4326\",\"resolution\":0}", "$.params.resolution", "must be between")]
    [Arguments("reproject", "{\"path\":\"L7_ETMs.tif\",\"crs\":\"EPSG:4326\",\"resampling\":\"best\"}", "$.params.resampling", "must be one of")]
    [Arguments("nc-to-geotiff", "{\"path\":\"L7_ETMs.tif\",\"variable\":\"tas\\\":x\"}", "$.params.variable", "must be a NetCDF variable name")]
    [Arguments("nc-to-geotiff", "{\"path\":\"a\\\"b.nc\",\"variable\":\"tas\"}", "$.params.path", "must not contain '\"' or ':'")]
    [Arguments("nc-to-geotiff", "{\"path\":\"L7_ETMs.tif\",\"variable\":\"tas\",\"time_index\":-1}", "$.params.time_index", "must be between 0")]
    [Arguments("merge-terrain", "{\"paths\":[],\"hillshade\":true}", "$.params.paths", "must name 1 to 256 rasters")]
    [Arguments("merge-terrain", "{\"paths\":[\"L7_ETMs.tif\"],\"hillshade\":true,\"slope\":true}", "$.params.slope", "one product per job")]
    public async Task bad_params_are_a_400_naming_the_field(string tool, string paramsJson, string path, string reason)
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        await RasterOracles.AssertRefusedAsync(cluster, Submit(tool, paramsJson), path, reason);
    }

    [Test]
    [Arguments("merge-multispectral", "{\"paths\":[\"L7_ETMs.tif\",\"L7_ETMs.tif\"]}", "bad_params", "L7_ETMs.tif has 6 bands; merge-multispectral takes single-band rasters")]
    [Arguments("reproject", "{\"path\":\"L7_ETMs.tif\",\"crs\":\"EPSG:999999\"}", "gdal_error", "EPSG:999999")]
    [Arguments("nc-to-geotiff", "{\"path\":\"bcsd.nc\",\"variable\":\"tas\",\"time_index\":12}", "bad_params", "time_index 12 is past the end: 'tas' has 12 time steps (0..11)")]
    [Arguments("nc-to-geotiff", "{\"path\":\"bcsd.nc\",\"variable\":\"nope\"}", "bad_params", "bcsd.nc has no variable 'nope'")]
    [Arguments("merge-terrain", "{\"paths\":[\"L7_ETMs.tif\"]}", "bad_params", "merge-terrain takes single-band elevation rasters")]
    public async Task what_only_the_files_reveal_fails_the_job_clearly(string tool, string paramsJson, string code, string message)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        Samples.CopyTo("nc/bcsd_obs_1999.nc", cluster.Api.DataRoot, "bcsd.nc");
        await RasterOracles.AssertFailsAsync(cluster, Submit(tool, paramsJson), code, message);
    }
}
