using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>Raster tools stopped mid-run: the job ends stopped and nothing partial is left anywhere.</summary>
[Category("gdal")]
public class RasterStopTests
{
    /// <summary>Many square roots per pixel over 100 Mpixel: seconds of work, so a stop lands mid-run.</summary>
    private static readonly string s_slowFormula = string.Join(" + ", Enumerable.Range(1, 90).Select(i => $"sqrt(b1 * {i})"));

    [Test]
    [Arguments("raster-export", "computing")]
    [Arguments("build", "building")]
    [Arguments("reproject", "warping")]
    [Arguments("merge-multispectral", "merging")]
    [Arguments("nc-to-geotiff", "converting")]
    [Arguments("merge-terrain", "hillshade")]
    [Arguments("align-raster", "warping")]
    public async Task a_tool_stopped_mid_run_ends_stopped_and_leaves_no_partial_output(string tool, string phase)
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var input = Path.Combine(cluster.Api.DataRoot, "big.tif");
        await GdalTool.RunAsync("gdal_create", "-q", "-of", "GTiff", "-outsize", "16000", "16000", "-bands", "1", "-ot", "Byte", "-burn", "7",
            "-a_srs", "EPSG:32633", "-a_ullr", "500000", "4200000", "660000", "4040000", input);
        string[] inputs = [input];
        if (tool == "nc-to-geotiff")
        {
            inputs = [Path.Combine(cluster.Api.DataRoot, "big.nc")];
            await GdalTool.RunAsync("gdal_translate", "-q", "-of", "netCDF", "-co", "FORMAT=NC4", "-co", "COMPRESS=DEFLATE", input, inputs[0]);
            File.Delete(input);
        }

        var paramsJson = tool switch
        {
            "build" => "{\"path\":\"big.tif\",\"compression\":\"deflate\",\"level\":9,\"resampling\":\"lanczos\",\"output\":\"out/big.tif\"}",
            "reproject" => "{\"path\":\"big.tif\",\"crs\":\"EPSG:3857\",\"resampling\":\"lanczos\",\"output\":\"out/big.tif\"}",
            "merge-multispectral" => "{\"paths\":[\"big.tif\",\"big.tif\",\"big.tif\"],\"output\":\"out/big.tif\"}",
            "nc-to-geotiff" => "{\"path\":\"big.nc\",\"variable\":\"Band1\",\"output\":\"out/big.tif\"}",
            "merge-terrain" => "{\"paths\":[\"big.tif\",\"big.tif\"],\"hillshade\":true,\"output\":\"out/big.tif\"}",
            "align-raster" => "{\"source_path\":\"big.tif\",\"reference_path\":\"big.tif\",\"mode\":\"translation\",\"output\":\"out/big.tif\"}",
            _ => "{\"path\":\"big.tif\",\"formula\":\"" + s_slowFormula + "\",\"output\":\"out/big.tif\"}",
        };
        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, "{\"tool\":\"" + tool + "\",\"params\":" + paramsJson + "}");
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;

        await Cluster.WaitForAsync(async () =>
        {
            using var get = await cluster.Api.GetAsync($"v1/jobs/{id}", cluster.Api.Bob);
            var job = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
            if (JobStates.TryParse(job.Status, out var state) && state.IsTerminal())
            {
                throw new InvalidOperationException($"{tool} ended {job.Status} in phase {job.Progress?.Phase} ({job.Error?.Code}) before it was seen in {phase}");
            }

            // In the phase at all: progress within a phase is reported about once a second, so a phase that
            // lasts less than that may never show a percent above its start.
            return job.Progress is { } p && p.Phase == phase;
        }, TimeSpan.FromSeconds(30), $"{tool} to report progress");
        using var stop = await cluster.Api.SendAsync(HttpMethod.Post, $"v1/jobs/{id}/stop", cluster.Api.Bob);
        var stopped = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(10));

        await Assert.That(stopped.JobState).IsEqualTo(JobState.Stopped);
        await Assert.That(Directory.Exists(Path.Combine(cluster.Api.DataRoot, "out"))).IsFalse();
        await Assert.That(Directory.GetFiles(cluster.Api.DataRoot, "*", SearchOption.AllDirectories)).IsEquivalentTo(inputs);
        using var artifact = await cluster.Api.GetAsync($"v1/jobs/{id}/artifact", cluster.Api.Bob);
        await Assert.That((int)artifact.StatusCode).IsEqualTo(404);
    }
}
