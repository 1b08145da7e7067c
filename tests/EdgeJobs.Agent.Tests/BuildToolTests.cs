using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary><c>build</c> end to end, against GDAL's COG validator and <c>gdalinfo -checksum</c>.</summary>
[Category("gdal")]
public class BuildToolTests
{
    private static string Submit(string paramsJson) => "{\"tool\":\"build\",\"force\":true,\"params\":" + paramsJson + "}";

    [Test]
    public async Task a_striped_raster_becomes_a_valid_cog_with_the_requested_overviews_and_the_same_pixels()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();
        var input = Path.Combine(cluster.Api.DataRoot, "ms.tif");
        await RasterOracles.WriteMultispectralAsync(input, 1500, 1100);

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"ms.tif\",\"overviews\":3,\"block_size\":256,\"compression\":\"deflate\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var cog = await RasterOracles.DownloadAsync(cluster, job, dir, "ms.cog.tif", offeredAs: "ms.cog.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(cog)).Contains("is a valid cloud optimized GeoTIFF");
        var info = await GdalTool.RunAsync("gdalinfo", cog);
        await Assert.That(info).Contains("Overviews: 750x550, 375x275, 187x137");
        await Assert.That(info).Contains("COMPRESSION=DEFLATE");
        await Assert.That(info).Contains("Block=256x256");
        await Assert.That(await RasterOracles.ChecksumsAsync(cog)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(input), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task the_landsat_scene_with_defaults_is_a_valid_zstd_cog_with_the_same_pixels_written_to_the_output()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "landsat/L7_ETMs.tif");

        var job = await cluster.SubmitAndWaitAsync(Submit("{\"path\":\"landsat/L7_ETMs.tif\",\"output\":\"cogs/L7.tif\"}"));

        await Assert.That(job.Status).IsEqualTo("completed");
        var cog = Path.Combine(cluster.Api.DataRoot, "cogs", "L7.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(cog)).Contains("is a valid cloud optimized GeoTIFF");
        var info = await GdalTool.RunAsync("gdalinfo", cog);
        await Assert.That(info).Contains("COMPRESSION=ZSTD");
        await Assert.That(info).Contains("PREDICTOR=2");
        await Assert.That(await RasterOracles.ChecksumsAsync(cog)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(Samples.Path("L7_ETMs.tif")), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"block_size\":100}", "$.params.block_size", "must be a multiple of 16")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"block_size\":8192}", "$.params.block_size", "must be between 64 and 4096")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"compression\":\"lzw\",\"level\":5}", "$.params.level", "does not apply to compression 'lzw'")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"compression\":\"deflate\",\"level\":12}", "$.params.level", "must be between 1 and 9 for deflate")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"compression\":\"jpeg\",\"predictor\":\"horizontal\"}", "$.params.predictor", "applies to zstd, deflate and lzw")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"resampling\":\"magic\"}", "$.params.resampling", "must be one of: nearest, average")]
    [Arguments("{\"path\":\"L7_ETMs.tif\",\"overviews\":-1}", "$.params.overviews", "must be between 0 and 30")]
    [Arguments("{\"path\":\"missing.tif\"}", "$.params.path", "does not exist under the data root")]
    public async Task bad_params_are_a_400_naming_the_field(string paramsJson, string path, string reason)
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "L7_ETMs.tif");
        await RasterOracles.AssertRefusedAsync(cluster, Submit(paramsJson), path, reason);
    }
}
