using System.Net;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>
/// <c>GET /v1/jobs/{id}/progress</c> with real tools: what each reports of its output while it runs and when it ends.
/// </summary>
public class OutputProgressTests
{
    [Test]
    [Category("gdal")]
    public async Task an_ndvi_export_reports_its_strips_and_ends_with_the_artifact_s_size()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        // 1100 rows at most 256 rows a strip: 5 strips.
        await RasterOracles.WriteMultispectralAsync(Path.Combine(cluster.Api.DataRoot, "ms.tif"), 300, 1100);

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"raster-export\",\"force\":true,\"params\":{\"path\":\"ms.tif\",\"formula\":\"ndvi\"}}");

        await Assert.That(job.Status).IsEqualTo("completed");
        var progress = await ProgressAsync(cluster, job.Id);
        await Assert.That(progress.JobId).IsEqualTo(job.Id);
        await Assert.That(progress.Status).IsEqualTo("completed");
        await Assert.That(progress.Tables.Keys.ToArray()).IsEquivalentTo(new[] { "ms.ndvi.tif" });
        var output = progress.Tables["ms.ndvi.tif"];
        await Assert.That(output.BytesWritten).IsEqualTo(job.Artifact!.SizeBytes);
        await Assert.That(output.BlocksTotal).IsEqualTo(5);
        await Assert.That(output.BlocksDone).IsEqualTo(5);
        await Assert.That(output.Files).IsEqualTo(1);
    }

    [Test]
    [Category("gdal")]
    public async Task a_cog_built_by_gdal_reports_its_bytes_and_no_block_total()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        await RasterOracles.WriteMultispectralAsync(Path.Combine(cluster.Api.DataRoot, "ms.tif"));

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"build\",\"force\":true,\"params\":{\"path\":\"ms.tif\",\"output\":\"out/ms.tif\"}}");

        await Assert.That(job.Status).IsEqualTo("completed");
        var output = (await ProgressAsync(cluster, job.Id)).Tables["ms.cog.tif"];
        await Assert.That(output.BytesWritten).IsEqualTo(job.Artifact!.SizeBytes);
        await Assert.That(output.BytesWritten).IsEqualTo(new FileInfo(Path.Combine(cluster.Api.DataRoot, "out", "ms.tif")).Length);
        await Assert.That(output.BlocksTotal).IsNull();
        await Assert.That(output.BlocksDone).IsEqualTo(0);
        await Assert.That(output.Files).IsEqualTo(1);
    }

    [Test]
    public async Task random_artifact_counts_its_mebibyte_blocks()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        const int size = (3 << 20) + 5;

        var job = await cluster.SubmitAndWaitAsync($"{{\"tool\":\"random-artifact\",\"force\":true,\"params\":{{\"bytes\":{size},\"seed\":1}}}}");

        var output = (await ProgressAsync(cluster, job.Id)).Tables[$"random-1-{size}.bin"];
        await Assert.That(output).IsEqualTo(output with { BytesWritten = size, BlocksDone = 4, BlocksTotal = 4, Files = 1 });
    }

    [Test]
    public async Task a_tool_that_writes_nothing_has_no_tables()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":0}}");

        await Assert.That((await ProgressAsync(cluster, job.Id)).Tables).IsEmpty();
    }

    [Test]
    public async Task heartbeats_carry_an_output_s_progress_while_the_tool_runs()
    {
        await using var cluster = await Cluster.StartAsync();
        var tool = new HalfwayTool();
        await cluster.AddAgentAsync("a", tools: [tool]);
        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, "{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":1}}");
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;

        JobProgressDto? seen = null;
        await Cluster.WaitForAsync(async () => (seen = await ProgressAsync(cluster, id)).Tables.TryGetValue("half.bin", out var o) && o.BlocksDone == 1,
            TimeSpan.FromSeconds(10), "the halfway heartbeat");
        await Assert.That(seen!.Status).IsEqualTo("running");
        await Assert.That(seen.Tables["half.bin"]).IsEqualTo(seen.Tables["half.bin"] with { BytesWritten = 1000, BlocksDone = 1, BlocksTotal = 2, Files = 1 });

        tool.Release.SetResult();
        await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(10));
        var done = await ProgressAsync(cluster, id);
        await Assert.That(done.Status).IsEqualTo("completed");
        await Assert.That(done.Tables["half.bin"]).IsEqualTo(done.Tables["half.bin"] with { BytesWritten = 2000, BlocksDone = 2, BlocksTotal = 2, Files = 1 });
    }

    private static async Task<JobProgressDto> ProgressAsync(Cluster cluster, long jobId)
    {
        using var response = await cluster.Api.GetAsync($"v1/jobs/{jobId}/progress", cluster.Api.Bob);
        return response.StatusCode == HttpStatusCode.OK
            ? (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobProgressDto))!
            : throw new InvalidOperationException($"progress answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Stands in for sleep: writes half its output, waits to be released, writes the rest.</summary>
    private sealed class HalfwayTool : IAgentTool
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id => SleepTool.Instance.Id;

        public string Version => SleepTool.Instance.Version;

        public async Task RunAsync(ToolContext context)
        {
            var path = Path.Combine(context.WorkDir, "half.bin");
            var output = context.TrackOutput(path, "half.bin");
            await using (var file = new FileStream(path, FileMode.CreateNew))
            {
                await file.WriteAsync(new byte[1000], context.Cancellation);
                await file.FlushAsync(context.Cancellation);
                output.SetBlocks(1, 2);
                context.ReportProgress(50, "halfway");
                await Release.Task.WaitAsync(context.Cancellation);
                await file.WriteAsync(new byte[1000], context.Cancellation);
                output.SetBlocks(2, 2);
            }

            context.SetArtifact(path, "half.bin");
        }
    }
}
