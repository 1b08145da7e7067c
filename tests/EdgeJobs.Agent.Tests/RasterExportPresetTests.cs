using System.Globalization;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>
/// <c>raster-export</c>'s presets, band selections, string rescales, colour maps and download names, end to
/// end, against <c>gdal_translate -b</c>, <c>gdaldem color-relief</c> and the same export asked for explicitly.
/// </summary>
[Category("gdal")]
public class RasterExportPresetTests
{
    private static string Submit(string paramsJson) => "{\"tool\":\"raster-export\",\"force\":true,\"params\":" + paramsJson + "}";

    [Test]
    public async Task a_band_selection_equals_gdal_translate_with_the_same_bands()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, "ms.tif");
        await RasterOracles.WriteMultispectralAsync(input, 301, 157, seed: 5);
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-b", "4", "-b", "3", "-b", "2", input, reference);

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"bands\":\"4,3,2\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var actual = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif", offeredAs: "ms.bands-4-3-2.tif");
        await AssertSameBandsAsync(actual, reference, 3);
        var info = await GdalTool.RunAsync("gdalinfo", actual);
        await Assert.That(info).Contains("Type=UInt16");
        await Assert.That(info).Contains("NoData Value=0");
    }

    [Test]
    public async Task true_color_and_false_color_ir_select_the_bands_gdal_translate_does()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        var input = Samples.Path("L7_ETMs.tif");
        var rgb = dir.File("rgb.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-b", "3", "-b", "2", "-b", "1", input, rgb);
        var cir = dir.File("cir.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-b", "4", "-b", "3", "-b", "2", input, cir);

        // Landsat's roles are the defaults; the band filter names the same bands DroneDB's way.
        var trueColor = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"preset\":\"true-color\"}"));
        var falseColor = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"preset\":\"CIR\",\"band_filter\":\"BGRN\"}"));

        await Assert.That(trueColor.Status).IsEqualTo("completed");
        await Assert.That(falseColor.Status).IsEqualTo("completed");
        await AssertSameBandsAsync(await RasterOracles.DownloadAsync(cluster, trueColor, dir, "a.tif", offeredAs: "L7_ETMs.true-color.tif"), rgb, 3);
        await AssertSameBandsAsync(await RasterOracles.DownloadAsync(cluster, falseColor, dir, "b.tif", offeredAs: "L7_ETMs.false-color-ir.tif"), cir, 3);
    }

    [Test]
    public async Task the_ndvi_preset_is_ndvi_coloured_by_rdylgn_over_minus_one_to_one()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, "ms.tif");
        await RasterOracles.WriteMultispectralAsync(input, 263, 190, seed: 3);

        var preset = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"preset\":\"NDVI\"}"));
        var explicitly = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"formula\":\"ndvi\",\"colormap\":\"rdylgn\",\"rescale\":[-1,1]}"));

        await Assert.That(preset.Status).IsEqualTo("completed");
        await Assert.That(explicitly.Status).IsEqualTo("completed");
        var mine = await RasterOracles.DownloadAsync(cluster, preset, dir, "preset.tif", offeredAs: "ms.ndvi.tif");
        var theirs = await RasterOracles.DownloadAsync(cluster, explicitly, dir, "explicit.tif");
        for (var band = 1; band <= 4; band++)
        {
            await Assert.That(RasterOracles.ReadBytes(mine, band)).IsEquivalentTo(RasterOracles.ReadBytes(theirs, band), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        // Overridden by an explicit colormap, the preset keeps its formula and range.
        var viridis = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"preset\":\"ndvi\",\"colormap\":\"viridis\"}"));
        var viridisExplicitly = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"formula\":\"ndvi\",\"colormap\":\"viridis\",\"rescale\":[-1,1]}"));
        await Assert.That(await RasterOracles.ChecksumsAsync(await RasterOracles.DownloadAsync(cluster, viridis, dir, "v1.tif")))
            .IsEquivalentTo(await RasterOracles.ChecksumsAsync(await RasterOracles.DownloadAsync(cluster, viridisExplicitly, dir, "v2.tif")), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_rescale_string_gives_the_same_bytes_as_the_array()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");

        var text = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"rescale\":\"-1,1,1,255\"}"));
        var array = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"rescale\":[-1,1,1,255]}"));

        await Assert.That(text.Status).IsEqualTo("completed");
        await Assert.That(array.Status).IsEqualTo("completed");
        var a = await File.ReadAllBytesAsync(await RasterOracles.DownloadAsync(cluster, text, dir, "text.tif"));
        var b = await File.ReadAllBytesAsync(await RasterOracles.DownloadAsync(cluster, array, dir, "array.tif"));
        await Assert.That(a.AsSpan().SequenceEqual(b)).IsTrue();
    }

    [Test]
    [Arguments("cividis")]
    [Arguments("magma")]
    [Arguments("spectral")]
    [Arguments("ylorrd")]
    [Arguments("RdBu_r")]
    public async Task a_colour_map_over_a_byte_band_equals_gdaldem_color_relief_with_the_same_stops(string colormap)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        var band = dir.File("band1.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-b", "1", Samples.Path("L7_ETMs.tif"), band);
        var colours = dir.File("stops.txt");
        await File.WriteAllLinesAsync(colours,
            Colormaps.Stops(colormap).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Position * 255:R} {s.R} {s.G} {s.B}")));
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdaldem", "color-relief", "-q", band, colours, reference);

        var job = await cluster.SubmitAndWaitAsync(Submit($$"""{"path":"L7_ETMs.tif","bands":"1","colormap":"{{colormap}}","alpha":false}"""));

        await Assert.That(job.Status).IsEqualTo("completed");
        var actual = await RasterOracles.DownloadAsync(cluster, job, dir, "out.tif");
        for (var b = 1; b <= 3; b++)
        {
            var mine = RasterOracles.ReadBytes(actual, b);
            var theirs = RasterOracles.ReadBytes(reference, b);
            var off = Enumerable.Range(0, mine.Length).Where(i => mine[i] != theirs[i]).ToList();
            await Assert.That(off.Count).IsEqualTo(0).Because($"band {b} differs at {string.Join(", ", off.Take(5).Select(i => $"{i}: {mine[i]} vs {theirs[i]}"))}");
        }
    }

    [Test]
    public async Task file_name_is_the_name_the_artifact_downloads_under()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"L7_ETMs.tif\",\"preset\":\"ndvi\",\"file_name\":\"field 7/ndvi map\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        await RasterOracles.DownloadAsync(cluster, job, dir, "x.tif", offeredAs: "field_7_ndvi_map.tif");
    }

    [Test]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"bands\":\"1,9\"}", "bands selects band 9, but L7_ETMs.tif has 6 band(s)")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"preset\":\"true-color\",\"bands\":{\"red\":9}}", "the preset true-color reads band 9, but L7_ETMs.tif has 6 band(s)")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"preset\":\"ndvi\",\"band_filter\":\"PPPPPPRN\"}", "ndvi reads band 7, but L7_ETMs.tif has 6 band(s)")]
    public async Task bands_the_raster_does_not_have_fail_the_job_and_are_not_retried(string paramsJson, string message)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        await RasterOracles.AssertFailsAsync(cluster, Submit(paramsJson), "bad_params", message);
    }

    [Test]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"preset\":\"infrared\"}", "$.params.preset", "must be one of: true-color, false-color-ir")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"bands\":\"4,x,2\"}", "$.params.bands", "'x' is not a band number")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"bands\":\"0\"}", "$.params.bands", "band 0 does not exist")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"rescale\":\"-1;1\"}", "$.params.rescale", "must be \"min,max\" or \"min,max,to_min,to_max\"")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"file_name\":\"\"}", "$.params.file_name", "must not be empty")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"formula\":\"ndvi\",\"band_filter\":\"RGQ\"}", "$.params.band_filter", "is not a band letter")]
    public async Task bad_new_params_are_a_400_naming_the_field_and_nothing_is_queued(string paramsJson, string path, string reason)
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        await RasterOracles.AssertRefusedAsync(cluster, Submit(paramsJson), path, reason);
    }

    /// <summary>Same band count, and every band the same pixels (GDAL's checksums), whatever the compression.</summary>
    private static async Task AssertSameBandsAsync(string actual, string expected, int bands)
    {
        var mine = await RasterOracles.ChecksumsAsync(actual);
        await Assert.That(mine.Length).IsEqualTo(bands);
        await Assert.That(mine).IsEquivalentTo(await RasterOracles.ChecksumsAsync(expected), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        for (var b = 1; b <= bands; b++)
        {
            var (x, xNoData, _, _) = RasterOracles.ReadBand(actual, b);
            var (y, yNoData, _, _) = RasterOracles.ReadBand(expected, b);
            await Assert.That(xNoData).IsEqualTo(yNoData);
            await Assert.That(x.AsSpan().SequenceEqual(y)).IsTrue();
        }
    }
}
