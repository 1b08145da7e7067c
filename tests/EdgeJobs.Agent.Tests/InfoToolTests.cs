using System.Net;
using System.Text.Json;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>The <c>info</c> tool end to end, against <c>gdalinfo</c> as the oracle.</summary>
[Category("gdal")]
public class InfoToolTests
{
    private static Task<JobDto> SubmitAndWaitAsync(Cluster cluster, string path) =>
        cluster.SubmitAndWaitAsync("{\"tool\":\"info\",\"force\":true,\"params\":{\"path\":" + JsonSerializer.Serialize(path, RestJsonContext.Default.String) + "}}");

    [Test]
    public async Task info_reports_what_gdalinfo_reports_and_writes_nothing_into_the_data_root()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var raster = Path.Combine(cluster.Api.DataRoot, "scenes", "dem.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(raster)!);
        await GdalTool.RunAsync("gdal_create", "-q", "-of", "GTiff", "-outsize", "50", "40", "-bands", "2", "-ot", "Int16", "-burn", "12", "-burn", "-5",
            "-a_srs", "EPSG:32633", "-a_ullr", "500000", "4100000", "500500", "4099600", "-a_nodata", "-9999", raster);
        var copy = Path.Combine(Path.GetTempPath(), $"oracle-{Guid.NewGuid():N}.tif");
        File.Copy(raster, copy);
        using var oracle = JsonDocument.Parse(await GdalTool.RunAsync("gdalinfo", "-json", "-stats", copy));

        var job = await SubmitAndWaitAsync(cluster, "scenes/dem.tif");

        await Assert.That(job.Status).IsEqualTo("completed");
        using var download = await cluster.Api.GetAsync(job.Artifact!.Url.TrimStart('/'), cluster.Api.Bob);
        using var info = JsonDocument.Parse(await download.Content.ReadAsStringAsync());
        var actual = info.RootElement;
        var expected = oracle.RootElement;
        await Assert.That(actual.GetProperty("width").GetInt32()).IsEqualTo(expected.GetProperty("size")[0].GetInt32());
        await Assert.That(actual.GetProperty("height").GetInt32()).IsEqualTo(expected.GetProperty("size")[1].GetInt32());
        await Assert.That(actual.GetProperty("geo_transform").EnumerateArray().Select(v => v.GetDouble()).ToArray())
            .IsEquivalentTo(expected.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()).ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var corners = expected.GetProperty("cornerCoordinates");
        await Assert.That(actual.GetProperty("bounds").GetProperty("min_x").GetDouble()).IsEqualTo(corners.GetProperty("lowerLeft")[0].GetDouble());
        await Assert.That(actual.GetProperty("bounds").GetProperty("max_y").GetDouble()).IsEqualTo(corners.GetProperty("upperLeft")[1].GetDouble());
        await Assert.That(actual.GetProperty("crs_wkt").GetString()).Contains("UTM zone 33N");
        for (var b = 0; b < 2; b++)
        {
            var mine = actual.GetProperty("bands")[b];
            var theirs = expected.GetProperty("bands")[b];
            await Assert.That(mine.GetProperty("type").GetString()).IsEqualTo(theirs.GetProperty("type").GetString());
            await Assert.That(mine.GetProperty("nodata").GetDouble()).IsEqualTo(theirs.GetProperty("noDataValue").GetDouble());
            await Assert.That(mine.GetProperty("min").GetDouble()).IsEqualTo(theirs.GetProperty("minimum").GetDouble());
            await Assert.That(mine.GetProperty("mean").GetDouble()).IsEqualTo(theirs.GetProperty("mean").GetDouble());
        }

        await Assert.That(Directory.GetFiles(Path.GetDirectoryName(raster)!)).IsEquivalentTo(new[] { raster });
        File.Delete(copy);
        File.Delete(copy + ".aux.xml");
    }

    [Test]
    public async Task a_non_raster_input_fails_the_job_with_gdals_reason_and_is_not_retried()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        cluster.Api.WriteInput("notes.txt", "not pixels");

        var job = await SubmitAndWaitAsync(cluster, "notes.txt");

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("gdal_error");
        await Assert.That(job.Error.Retryable).IsFalse();
        await Assert.That(job.Attempt).IsEqualTo(1);
    }

    [Test]
    [Arguments("../outside.tif")]
    [Arguments("/etc/hostname")]
    [Arguments("missing.tif")]
    public async Task an_input_outside_the_data_root_or_missing_is_a_400_at_submit(string path)
    {
        await using var cluster = await Cluster.StartAsync();
        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob,
            "{\"tool\":\"info\",\"params\":{\"path\":" + JsonSerializer.Serialize(path, RestJsonContext.Default.String) + "}}");

        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(submit)).Errors![0].Path).IsEqualTo("$.params.path");
    }
}
