using System.Globalization;
using System.Net;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary><c>raster-export</c> end to end, against <c>gdal_calc.py</c>, <c>gdal_translate</c> and <c>gdaldem</c>.</summary>
[Category("gdal")]
public class RasterExportToolTests
{
    private const string GdalCalc = "/usr/bin/gdal_calc.py";

    private static string Submit(string paramsJson) => "{\"tool\":\"raster-export\",\"force\":true,\"params\":" + paramsJson + "}";

    [Test]
    public async Task ndvi_equals_gdal_calc_including_nodata()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, "scenes", "ms.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        await RasterOracles.WriteMultispectralAsync(input);
        var reference = dir.File("ndvi-ref.tif");
        await GdalTool.RunAsync(GdalTool.Python, GdalCalc, "--quiet", "-A", input, "--A_band=3", "-B", input, "--B_band=4", "--outfile=" + reference,
            "--calc=(B.astype(numpy.float32) - A) / (B.astype(numpy.float32) + A)", "--type=Float32", "--NoDataValue=-9999");

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"scenes/ms.tif\",\"formula\":\"ndvi\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var actual = RasterOracles.ReadBand(await RasterOracles.DownloadAsync(cluster, job, dir, "ndvi.tif", offeredAs: "ms.ndvi.tif"));
        var expected = RasterOracles.ReadBand(reference);
        await Assert.That(actual.NoData).IsEqualTo(-9999);
        var (max, mismatches, compared) = RasterOracles.Compare(actual.Pixels, -9999, expected.Pixels, -9999);
        await Assert.That(mismatches).IsEqualTo(0);
        await Assert.That(max).IsLessThanOrEqualTo(1e-6);
        await Assert.That(compared).IsGreaterThan(actual.Pixels.Length * 8 / 10);
        await Assert.That(actual.Pixels.Count(v => v == -9999)).IsGreaterThan(0);
        var info = await GdalTool.RunAsync("gdalinfo", dir.File("ndvi.tif"));
        await Assert.That(info).Contains("UTM zone 33N");
        await Assert.That(info).Contains("Origin = (600000.000000000000000,4200000.000000000000000)");
    }

    [Test]
    public async Task ndvi_of_the_real_landsat_scene_equals_gdal_calc()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        var input = Samples.Path("L7_ETMs.tif");
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync(GdalTool.Python, GdalCalc, "--quiet", "-A", input, "--A_band=3", "-B", input, "--B_band=4", "--outfile=" + reference,
            "--calc=(B.astype(numpy.float32) - A) / (B.astype(numpy.float32) + A)", "--type=Float32", "--NoDataValue=-9999");

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"formula\":\"NDVI\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var actual = RasterOracles.ReadBand(await RasterOracles.DownloadAsync(cluster, job, dir, "ndvi.tif"));
        var expected = RasterOracles.ReadBand(reference);
        var (max, mismatches, compared) = RasterOracles.Compare(actual.Pixels, -9999, expected.Pixels, -9999);
        await Assert.That(mismatches).IsEqualTo(0);
        await Assert.That(max).IsLessThanOrEqualTo(1e-6);
        await Assert.That(compared).IsEqualTo(349 * 352);
    }

    [Test]
    public async Task an_expression_with_functions_comparisons_and_a_conditional_equals_numpy_through_gdal_calc()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, "ms.tif");
        await RasterOracles.WriteMultispectralAsync(input, 300, 211, seed: 11);
        var reference = dir.File("ref.tif");
        const string f32 = "numpy.float32";
        await GdalTool.RunAsync(GdalTool.Python, GdalCalc, "--quiet", "-A", input, "--A_band=1", "-B", input, "--B_band=2", "-C", input, "--C_band=3",
            "-D", input, "--D_band=4", "--outfile=" + reference, "--type=Float32", "--NoDataValue=-9999",
            $"--calc=numpy.where((A.astype({f32}) > 6000) & (B.astype({f32}) <= 9000), numpy.sqrt(B.astype({f32})), " +
            $"numpy.maximum(C.astype({f32}), D.astype({f32})) - numpy.abs(A.astype({f32}) - B.astype({f32})) / {f32}(2))");

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"formula\":\"b1 > 6000 && b2 <= 9000 ? sqrt(b2) : max(b3, b4) - abs(b1 - b2) / 2\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var actual = RasterOracles.ReadBand(await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif", offeredAs: "ms.formula.tif"));
        var expected = RasterOracles.ReadBand(reference);
        var (max, mismatches, _) = RasterOracles.Compare(actual.Pixels, -9999, expected.Pixels, -9999);
        await Assert.That(mismatches).IsEqualTo(0);
        await Assert.That(max).IsLessThanOrEqualTo(1e-6);
    }

    [Test]
    public async Task a_rescaled_colour_mapped_ndvi_matches_gdal_translate_scale_and_gdaldem_color_relief()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, "ms.tif");
        await RasterOracles.WriteMultispectralAsync(input, 263, 190, seed: 3);

        // Reference: NDVI by gdal_calc, stretched by gdal_translate, coloured by gdaldem with the same stops. gdaldem
        // does not interpolate up from an entry at the nodata value, so the reference has no nodata: the NDVI's
        // nodata pixels are compared through the alpha band instead.
        var ndvi = dir.File("ndvi.tif");
        await GdalTool.RunAsync(GdalTool.Python, GdalCalc, "--quiet", "-A", input, "--A_band=3", "-B", input, "--B_band=4", "--outfile=" + ndvi,
            "--calc=(B.astype(numpy.float32) - A) / (B.astype(numpy.float32) + A)", "--type=Float32", "--NoDataValue=-9999");
        var stretched = dir.File("stretched.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-ot", "Byte", "-scale", "-1", "1", "1", "255", "-a_nodata", "none", ndvi, stretched);
        var colours = dir.File("rdylgn.txt");
        await File.WriteAllLinesAsync(colours,
            Colormaps.Stops("rdylgn").Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Position * 255:R} {s.R} {s.G} {s.B}")));
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdaldem", "color-relief", "-q", stretched, colours, reference);

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"formula\":\"ndvi\",\"rescale\":[-1,1,1,255],\"colormap\":\"rdylgn\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var actual = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif");
        var info = await GdalTool.RunAsync("gdalinfo", actual);
        await Assert.That(info).Contains("ColorInterp=Alpha");
        await Assert.That(info).Contains("Type=Byte");
        // gdal_calc.py gives NaN rather than nodata where both inputs are nodata (0/0 before its nodata mask).
        var valid = RasterOracles.ReadBand(ndvi).Pixels.Select(v => v != -9999 && !float.IsNaN(v)).ToArray();
        var alpha = RasterOracles.ReadBytes(actual, 4);
        var alphaWrong = Enumerable.Range(0, alpha.Length).Where(i => (alpha[i] == 255) != valid[i]).ToList();
        await Assert.That(alphaWrong.Count).IsEqualTo(0).Because($"alpha disagrees with the NDVI's nodata at {string.Join(", ", alphaWrong.Take(5))}");
        await Assert.That(valid.Count(v => !v)).IsGreaterThan(0);
        for (var band = 1; band <= 3; band++)
        {
            var mine = RasterOracles.ReadBytes(actual, band);
            var theirs = RasterOracles.ReadBytes(reference, band);
            await Assert.That(Enumerable.Range(0, mine.Length).Where(i => !valid[i]).All(i => mine[i] == 0)).IsTrue();
            // A stretch computed in float32 here and float64 in GDAL could round a value on the .5 boundary
            // one step apart; neighbouring colours differ by a few units.
            var off = Enumerable.Range(0, mine.Length).Where(i => valid[i] && mine[i] != theirs[i]).ToList();
            await Assert.That(off.Count).IsLessThanOrEqualTo(mine.Length / 1000);
            await Assert.That(off.Select(i => Math.Abs(mine[i] - theirs[i])).DefaultIfEmpty(0).Max()).IsLessThanOrEqualTo(8);
        }
    }

    [Test]
    public async Task with_an_output_it_writes_into_the_data_root_and_replaces_only_with_overwrite()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndwi\",\"output\":\"derived/2024/ndwi.tif\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var written = Path.Combine(cluster.Api.DataRoot, "derived", "2024", "ndwi.tif");
        var artifact = await RasterOracles.DownloadAsync(cluster, job, dir, "a.tif");
        await Assert.That(await File.ReadAllBytesAsync(written)).IsEquivalentTo(await File.ReadAllBytesAsync(artifact), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Directory.GetFiles(Path.GetDirectoryName(written)!)).IsEquivalentTo(new[] { written });

        using var again = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, Submit("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"output\":\"derived/2024/ndwi.tif\"}"));
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(await again.Content.ReadAsStringAsync()).Contains("already exists; set overwrite: true");

        var replaced = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"output\":\"derived/2024/ndwi.tif\",\"overwrite\":true}"));
        await Assert.That(replaced.Status).IsEqualTo("completed");
        var ndvi = await RasterOracles.DownloadAsync(cluster, replaced, dir, "b.tif");
        await Assert.That(await File.ReadAllBytesAsync(written)).IsEquivalentTo(await File.ReadAllBytesAsync(ndvi), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"(b4 - b3 / (b4 + b3)\"}", "$.params.formula", "missing ')' at the end")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"b4 +* b3\"}", "$.params.formula", "unexpected '*' at column 5")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"log(b1)\"}", "$.params.formula", "unknown name 'log'")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"b0 + 1\"}", "$.params.formula", "'b0' is not a band")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"colormap\":\"rainbow\"}", "$.params.colormap", "must be one of: rdylgn, viridis, greys, terrain")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"b1 * 2\",\"bands\":{\"red\":1}}", "$.params.bands", "only applies to the named indices")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"bands\":{\"nir\":0}}", "$.params.bands.nir", "must be between 1 and 65535")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"rescale\":[0,1,2]}", "$.params.rescale", "must be [min, max] or [min, max, to_min, to_max]")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"rescale\":[5,5]}", "$.params.rescale", "min and max must differ")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"b1 / b2\",\"colormap\":\"greys\"}", "$.params.rescale", "is required with a colormap on an expression")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"output\":\"../escape.tif\"}", "$.params.output", "must not contain '..'")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"output\":\"out.png\"}", "$.params.output", "must end in .tif or .tiff")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"output\":\"/tmp/x.tif\"}", "$.params.output", "must be relative to the data root")]
    [Arguments("{\"path\":\"../L7_ETMs.tif\"}", "$.params.path", "must not contain '..'")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"colour\":\"x\"}", "$.params.colour", "is not a known field")]
    public async Task bad_params_are_a_400_naming_the_field_and_nothing_is_queued(string paramsJson, string path, string reason)
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        await RasterOracles.AssertRefusedAsync(cluster, Submit(paramsJson), path, reason);
    }

    [Test]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"b1 + b9\"}", "bad_params", "b1 + b9 reads band 9, but L7_ETMs.tif has 6 band(s)")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"evi\",\"bands\":{\"blue\":7}}", "bad_params", "set params.bands to the bands of this sensor")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"colormap\":\"viridis\"}", "bad_params", "a colormap needs a single band, and L7_ETMs.tif has 6")]
    [Arguments("{\"path\":\"notes.tif\",\"formula\":\"ndvi\"}", "gdal_error", "not recognized as a supported file format")]
    public async Task what_only_the_raster_reveals_fails_the_job_clearly_and_is_not_retried(string paramsJson, string code, string message)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        cluster.Api.WriteInput("notes.tif", "not pixels");
        await RasterOracles.AssertFailsAsync(cluster, Submit(paramsJson), code, message);
    }
}
