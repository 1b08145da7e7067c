using System.Globalization;
using System.Text.RegularExpressions;
using EdgeJobs.Agent.Alignment;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>align-raster end to end on the Landsat scene, moved by a known transform with GDAL (cubic warp).</summary>
[Category("gdal")]
public class AlignRasterToolTests
{
    private static string Submit(string paramsJson) => "{\"tool\":\"align-raster\",\"force\":true,\"params\":" + paramsJson + "}";

    /// <summary>
    /// Writes the scene as seen through M: pixel p of the scene shows up at M p (the source gets the
    /// geotransform G ∘ M, then is warped back onto G's grid, cubic).
    /// </summary>
    private static Task MoveAsync(string scene, string moved, SimilarityTransform m)
    {
        var (a, b, c, d, e, f) = m.Affine();
        return GdalTool.PythonAsync("""
            import sys
            from osgeo import gdal
            scene, moved = sys.argv[1], sys.argv[2]
            a, b, c, d, e, f = map(float, sys.argv[3:9])
            src = gdal.Open(scene)
            g = src.GetGeoTransform()
            vrt = gdal.Translate('/vsimem/moved.vrt', src, format='VRT')
            vrt.SetGeoTransform([g[0] + g[1] * c + g[2] * f, g[1] * a + g[2] * d, g[1] * b + g[2] * e,
                                 g[3] + g[4] * c + g[5] * f, g[4] * a + g[5] * d, g[4] * b + g[5] * e])
            bounds = [g[0], g[3] + g[5] * src.RasterYSize, g[0] + g[1] * src.RasterXSize, g[3]]
            gdal.Warp(moved, vrt, outputBounds=bounds, width=src.RasterXSize, height=src.RasterYSize, resampleAlg='cubic')
            """, [scene, moved, .. new[] { a, b, c, d, e, f }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]);
    }

    private static double Metadata(string gdalinfo, string key) =>
        double.Parse(Regex.Match(gdalinfo, $@"EDGEJOBS_ALIGN_{key}=(\S+)").Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>Correlation of band 4 of two rasters over their centre (edges have no data after a move).</summary>
    private static async Task<double> CentreCorrelationAsync(string a, string b) =>
        double.Parse(await GdalTool.PythonAsync("""
            import sys, numpy as np
            from osgeo import gdal
            # Keep the datasets referenced while their bands are read (GDAL's Python bindings crash otherwise).
            a, b = gdal.Open(sys.argv[1]), gdal.Open(sys.argv[2])
            x = a.GetRasterBand(4).ReadAsArray()[40:-40, 40:-40].astype(float).ravel()
            y = b.GetRasterBand(4).ReadAsArray()[40:-40, 40:-40].astype(float).ravel()
            print(np.corrcoef(x, y)[0, 1])
            """, a, b), CultureInfo.InvariantCulture);

    [Test]
    [Arguments("translation", 0.0, 1.0, 3.35, -1.6)]
    [Arguments("similarity", 2.0, 1.03, -1.25, 2.4)]
    public async Task recovers_a_known_motion_and_resamples_the_source_onto_the_reference(string mode, double degrees, double scale, double dx, double dy)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var scene = Samples.Path("L7_ETMs.tif");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "reference.tif");
        var truth = new SimilarityTransform(degrees * Math.PI / 180, scale, dx, dy, 174, 175.5);
        await MoveAsync(scene, Path.Combine(cluster.Api.DataRoot, "moved.tif"), truth);

        var job = await cluster.SubmitAndWaitAsync(Submit($"{{\"source_path\":\"moved.tif\",\"reference_path\":\"reference.tif\",\"mode\":\"{mode}\",\"band\":4}}"), TimeSpan.FromSeconds(60));

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        var aligned = await RasterOracles.DownloadAsync(cluster, job, dir, "aligned.tif", offeredAs: "moved.aligned.tif");
        var info = await GdalTool.RunAsync("gdalinfo", aligned);
        var estimate = new SimilarityTransform(Metadata(info, "ANGLE_DEG") * Math.PI / 180, Metadata(info, "SCALE"), Metadata(info, "DX_PX"), Metadata(info, "DY_PX"),
            Metadata(info, "CENTER_X_PX"), Metadata(info, "CENTER_Y_PX"));
        // The tool reports its transform about its own centre; compare where both send a few points.
        var worst = new[] { (60.0, 60.0), (290.0, 60.0), (60.0, 290.0), (290.0, 290.0), (174.0, 175.5) }.Max(p =>
        {
            var (ex, ey) = truth.Apply(p.Item1, p.Item2);
            var (ax, ay) = estimate.Apply(p.Item1, p.Item2);
            return Math.Sqrt(((ex - ax) * (ex - ax)) + ((ey - ay) * (ey - ay)));
        });
        await Assert.That(worst).IsLessThanOrEqualTo(0.1);
        await Assert.That(Math.Abs(estimate.AngleDegrees - degrees)).IsLessThanOrEqualTo(0.05);
        await Assert.That(Math.Abs(estimate.Scale - scale)).IsLessThanOrEqualTo(0.001);
        await Assert.That(info).Contains("Size is 349, 352");
        await Assert.That(await CentreCorrelationAsync(aligned, scene)).IsGreaterThan(0.99);
        await Assert.That(await CentreCorrelationAsync(Path.Combine(cluster.Api.DataRoot, "moved.tif"), scene)).IsLessThan(0.95);
    }

    [Test]
    [Arguments("{\"source_path\":\"a.tif\"}", "$.params.reference_path", "is required")]
    [Arguments("{\"source_path\":\"a.tif\",\"reference_path\":\"a.tif\",\"mode\":\"affine\"}", "$.params.mode", "must be one of: similarity, translation")]
    [Arguments("{\"source_path\":\"a.tif\",\"reference_path\":\"../a.tif\"}", "$.params.reference_path", "must not contain '..'")]
    [Arguments("{\"source_path\":\"a.tif\",\"reference_path\":\"a.tif\",\"band\":0}", "$.params.band", "must be between 1 and 65535")]
    public async Task bad_params_are_a_400_naming_the_field(string paramsJson, string path, string reason)
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "a.tif");
        await RasterOracles.AssertRefusedAsync(cluster, Submit(paramsJson), path, reason);
    }

    [Test]
    public async Task a_band_the_rasters_lack_or_an_ungeoreferenced_reference_fails_clearly()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "a.tif");
        await GdalTool.RunAsync("gdal_create", "-q", "-of", "GTiff", "-outsize", "100", "100", "-bands", "1", "-burn", "3", Path.Combine(cluster.Api.DataRoot, "plain.tif"));

        await GdalTool.RunAsync("gdal_translate", "-q", "-tr", "60", "60", Samples.Path("L7_ETMs.tif"), Path.Combine(cluster.Api.DataRoot, "coarse.tif"));
        await GdalTool.RunAsync("gdal_translate", "-q", "-srcwin", "0", "0", "60", "60", Samples.Path("L7_ETMs.tif"), Path.Combine(cluster.Api.DataRoot, "tiny.tif"));

        var band = await cluster.SubmitAndWaitAsync(Submit("{\"source_path\":\"a.tif\",\"reference_path\":\"a.tif\",\"band\":9}"));
        var plain = await cluster.SubmitAndWaitAsync(Submit("{\"source_path\":\"a.tif\",\"reference_path\":\"plain.tif\"}"));
        var coarse = await cluster.SubmitAndWaitAsync(Submit("{\"source_path\":\"coarse.tif\",\"reference_path\":\"a.tif\"}"));
        var tiny = await cluster.SubmitAndWaitAsync(Submit("{\"source_path\":\"tiny.tif\",\"reference_path\":\"a.tif\"}"));

        await Assert.That(band.Error!.Message).Contains("band 9 does not exist: a.tif has 6");
        await Assert.That(plain.Error!.Message).Contains("plain.tif needs a north-up georeferencing");
        await Assert.That(coarse.Error!.Message).Contains("the pixel sizes differ too much to align in pixel space (60 vs 28.5): reproject coarse.tif");
        await Assert.That(tiny.Error!.Message).Contains("the rasters overlap in 60x60 pixels; alignment needs at least 72x72");
        await Assert.That(new[] { band.Error.Code, plain.Error.Code, coarse.Error.Code, tiny.Error.Code }).IsEquivalentTo(new[] { "bad_params", "bad_params", "bad_params", "bad_params" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
