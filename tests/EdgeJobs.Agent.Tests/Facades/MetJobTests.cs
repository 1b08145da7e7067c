using System.Net;
using System.Text.Json;
using EdgeJobs.Coordinator.Facades.Met;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Facades;

/// <summary>Seed 000's job routes (<c>/met/jobs</c>) on a real agent: its client submits, polls in its own words and downloads.</summary>
[Category("gdal")]
public class MetJobTests
{
    /// <summary>Polls the MET job in MET's words until it has ended.</summary>
    private static async Task<MetJobDto> EndedAsync(Cluster cluster, long jobId)
    {
        MetJobDto? done = null;
        await Cluster.WaitForAsync(async () =>
        {
            using var poll = await cluster.Api.GetAsync($"met/jobs/{jobId}", cluster.Api.Bob);
            done = JsonSerializer.Deserialize(await poll.Content.ReadAsStringAsync(), MetJsonContext.Default.MetJobDto);
            return done is { Status: "completed" or "failed" or "cancelled" };
        }, TimeSpan.FromSeconds(60), "the MET job to end");
        return done!;
    }

    [Test]
    public async Task a_netcdf_slice_submitted_through_met_runs_to_completed_and_its_result_downloads()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("nc/bcsd_obs_1999.nc", cluster.Api.DataRoot, "climate/bcsd.nc");
        using var dir = new TempDir();

        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "met/jobs/nc-to-geotiff", cluster.Api.Bob,
            """{"params":{"path":"climate/bcsd.nc","variable":"tas","time_index":2}}""");
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var queued = JsonSerializer.Deserialize(await submit.Content.ReadAsStringAsync(), MetJsonContext.Default.MetJobDto)!;
        var done = await EndedAsync(cluster, queued.JobId);

        await Assert.That(queued.Status).IsEqualTo("queued");
        await Assert.That(done.Status).IsEqualTo("completed").Because(done.Error ?? "");
        await Assert.That(done.Progress).IsEqualTo(100);
        await Assert.That(done.JobType).IsEqualTo("nc-to-geotiff");
        var result = done.Result!;
        using var download = await cluster.Api.GetAsync(result.ArtifactUrl.TrimStart('/'), cluster.Api.Bob);
        await Assert.That(download.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var tif = dir.File("slice.tif");
        await File.WriteAllBytesAsync(tif, await download.Content.ReadAsByteArrayAsync());
        await Assert.That(new FileInfo(tif).Length).IsEqualTo(result.SizeBytes);
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-b", "3", "-a_srs", "EPSG:4326", $"NETCDF:\"{Samples.Path("nc/bcsd_obs_1999.nc")}\":tas", reference);
        await Assert.That(await RasterOracles.ChecksumsAsync(tif)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(reference), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    /// <summary>
    /// The same slice read over OPeNDAP (<c>opendap: true</c>: libnetcdf's DAP2 client inside GDAL's netCDF driver) from a
    /// DAP2 server on loopback, which serves the sample file (Debian packages no DAP server; the tests' own
    /// <c>dap2_server.py</c> speaks the protocol). The result equals gdal_translate of the local file.
    /// </summary>
    [Test]
    public async Task a_netcdf_slice_read_over_opendap_equals_the_same_slice_of_the_local_file()
    {
        using var served = new TempDir();
        File.Copy(Samples.Path("nc/bcsd_obs_1999.nc"), served.File("bcsd.nc"));
        using var dap = await PythonScripts.StartServerAsync("dap2_server.py", served.Path);
        await using var cluster = await Cluster.StartAsync(inputUrlAllow: ["127.0.0.1"]);
        await cluster.AddAgentAsync("a");
        using var dir = new TempDir();

        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "met/jobs/nc-to-geotiff", cluster.Api.Bob,
            """{"params":{"url":"@url@","opendap":true,"variable":"tas","time_index":2}}""".Replace("@url@", new Uri(dap.Url, "bcsd.nc").AbsoluteUri, StringComparison.Ordinal));
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await submit.Content.ReadAsStringAsync());
        var queued = JsonSerializer.Deserialize(await submit.Content.ReadAsStringAsync(), MetJsonContext.Default.MetJobDto)!;
        var done = await EndedAsync(cluster, queued.JobId);

        await Assert.That(done.Status).IsEqualTo("completed").Because(done.Error ?? "");
        await Assert.That(dap.Log).Contains(".dods?").Because("the data came through the DAP server");
        using var download = await cluster.Api.GetAsync(done.Result!.ArtifactUrl.TrimStart('/'), cluster.Api.Bob);
        var tif = dir.File("slice.tif");
        await File.WriteAllBytesAsync(tif, await download.Content.ReadAsByteArrayAsync());
        var reference = dir.File("ref.tif");
        await GdalTool.RunAsync("gdal_translate", "-q", "-b", "3", "-a_srs", "EPSG:4326", $"NETCDF:\"{Samples.Path("nc/bcsd_obs_1999.nc")}\":tas", reference);
        await Assert.That(await RasterOracles.ChecksumsAsync(tif)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(reference), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await GdalTool.RunAsync("gdalinfo", tif)).Contains("Origin = (-85.000000000000000,37.125000000000000)");
    }
}
