using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Server;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Facades;

/// <summary>
/// Seed 003's task API end to end, built from its document's examples: dataset myorg/myds holding the Landsat sample as
/// orthophoto.tif, the document's raster-export NDVI submit run by a real agent, polled to Succeeded, its log read with
/// since, its result downloaded with ETag and Range; then dedup, delete (ended and active), clear and the admin's view.
/// </summary>
[Category("gdal")]
public class DroneDbTaskTests
{
    private const string Tasks = "orgs/myorg/ds/myds/tasks";

    private const string SeedSubmit = """{"toolId":"raster-export","version":"1","path":"orthophoto.tif","params":{"formula":"NDVI","colormap":"rdylgn"},"force":false}""";

    private static async Task<(Cluster Cluster, string Token)> StartAsync()
    {
        var cluster = await Cluster.StartAsync(rasterInspector: GdalRasterInspector.Instance);
        var token = await cluster.Api.MintInOrgAsync("amy", "myorg", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        (await cluster.Api.SendAsync(HttpMethod.Put, "v1/datasets/myorg/myds", token)).EnsureSuccessStatusCode();
        using var upload = new HttpRequestMessage(HttpMethod.Put, "v1/datasets/myorg/myds/files/orthophoto.tif")
        {
            Content = new ByteArrayContent(await File.ReadAllBytesAsync(Samples.Path("L7_ETMs.tif"))),
        };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await cluster.Api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
        await cluster.AddAgentAsync("edge");
        return (cluster, token);
    }

    private static async Task<TaskStatusDto> StatusAsync(Cluster cluster, string token, string taskId)
    {
        using var response = await cluster.Api.GetAsync($"{Tasks}/{taskId}", token);
        response.EnsureSuccessStatusCode();
        return (await ApiServer.ReadAsync(response, TaskJsonContext.Default.TaskStatusDto))!;
    }

    /// <summary>Polls the status as a seed client does, until <paramref name="state"/>; returns every state seen.</summary>
    private static async Task<List<string>> PollUntilAsync(Cluster cluster, string token, string taskId, string state, TimeSpan timeout)
    {
        var seen = new List<string>();
        await Cluster.WaitForAsync(async () =>
        {
            var status = await StatusAsync(cluster, token, taskId);
            if (seen.Count == 0 || seen[^1] != status.State)
            {
                seen.Add(status.State);
            }

            return status.State == state;
        }, timeout, $"task {taskId} to be {state}");
        return seen;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        (await ApiServer.ReadAsync(response, type))!;

    [Test]
    public async Task the_seed_s_ndvi_export_runs_to_succeeded_and_its_result_downloads_with_etag_and_range()
    {
        var (cluster, token) = await StartAsync();
        await using var _ = cluster;
        using var dir = new TempDir();

        using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, Tasks, token, SeedSubmit);
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var task = await ReadAsync(submitted, TaskJsonContext.Default.TaskSubmittedDto);
        await Assert.That(submitted.Headers.Location!.ToString()).IsEqualTo(task.StatusUrl);

        var seen = await PollUntilAsync(cluster, token, task.TaskId, "Succeeded", TimeSpan.FromSeconds(60));
        await Assert.That(seen).DoesNotContain("Failed").And.DoesNotContain("Deleted");

        var status = await StatusAsync(cluster, token, task.TaskId);
        await Assert.That(status.Progress.Percent).IsEqualTo(100);
        await Assert.That(status.Progress.Phase).IsEqualTo("done");
        await Assert.That(status.StartedAt).IsNotNull();
        await Assert.That(status.FinishedAt).IsNotNull();
        await Assert.That(status.Error).IsNull();
        await Assert.That(status.LogTail!).IsNotEmpty();
        await Assert.That(status.Artifact!.ResultUrl).IsEqualTo(task.ResultUrl);
        await Assert.That(status.Artifact.ExpiresAt).IsGreaterThan(DateTime.UtcNow);

        // The log with since: everything from 0, nothing new after the cursor.
        using var log = await cluster.Api.GetAsync($"{Tasks}/{task.TaskId}/log?since=0", token);
        var lines = await ReadAsync(log, TaskJsonContext.Default.TaskLogDto);
        await Assert.That(lines.Cursor).IsEqualTo(status.LogCursor);
        await Assert.That(lines.Lines.Count).IsEqualTo((int)status.LogCursor);
        using var after = await cluster.Api.GetAsync($"{Tasks}/{task.TaskId}/log?since={lines.Cursor}", token);
        var none = await ReadAsync(after, TaskJsonContext.Default.TaskLogDto);
        await Assert.That(none.Lines).IsEmpty();
        await Assert.That(none.Cursor).IsEqualTo(lines.Cursor);

        // The result: an attachment whose ETag is its SHA-256, a colour-mapped GeoTIFF of the input's size.
        using var result = await cluster.Api.GetAsync(task.ResultUrl.TrimStart('/'), token);
        await Assert.That(result.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(result.Content.Headers.ContentDisposition!.DispositionType).IsEqualTo("attachment");
        await Assert.That(result.Headers.ETag!.Tag).IsEqualTo($"\"{status.Artifact.Sha256}\"");
        var bytes = await result.Content.ReadAsByteArrayAsync();
        await Assert.That(bytes.LongLength).IsEqualTo(status.Artifact.SizeBytes);
        await Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes))).IsEqualTo(status.Artifact.Sha256);
        var file = dir.File("ndvi.tif");
        await File.WriteAllBytesAsync(file, bytes);
        var input = RasterOracles.ReadBand(Samples.Path("L7_ETMs.tif"));
        await Assert.That(RasterOracles.ReadBytes(file, 4).Length).IsEqualTo(input.Width * input.Height); // RGBA: the alpha band

        using var range = new HttpRequestMessage(HttpMethod.Get, task.ResultUrl.TrimStart('/'));
        range.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        range.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await cluster.Api.Http.SendAsync(range);
        await Assert.That(part.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
        await Assert.That(await part.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes[100..200], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // The same task again is the one that exists.
        using var again = await cluster.Api.SendAsync(HttpMethod.Post, Tasks, token, SeedSubmit);
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var repeated = await ReadAsync(again, TaskJsonContext.Default.TaskSubmittedDto);
        await Assert.That(repeated.Deduplicated).IsTrue();
        await Assert.That(repeated.TaskId).IsEqualTo(task.TaskId);

        // The admin's dashboard sees it; a user does not get the dashboard.
        using var sys = await cluster.Api.GetAsync("sys/tasks?toolId=raster-export&state=Succeeded", cluster.Api.Admin);
        await Assert.That((await ReadAsync(sys, TaskJsonContext.Default.IReadOnlyListTaskStatusDto)).Single().TaskId).IsEqualTo(task.TaskId);
        using var notAdmin = await cluster.Api.GetAsync("sys/tasks", token);
        await Assert.That(notAdmin.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);

        // Deleted: listed as such, the result no longer offered; cleared: gone, its artifact with it.
        using var deleted = await cluster.Api.SendAsync(HttpMethod.Delete, $"{Tasks}/{task.TaskId}", token);
        await Assert.That((await ReadAsync(deleted, TaskJsonContext.Default.TaskStatusDto)).State).IsEqualTo("Deleted");
        using var gone = await cluster.Api.GetAsync(task.ResultUrl.TrimStart('/'), token);
        await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        using var cleared = await cluster.Api.SendAsync(HttpMethod.Post, $"{Tasks}/clear", token);
        await Assert.That((await ReadAsync(cleared, TaskJsonContext.Default.TasksClearedDto)).Cleared).IsEqualTo(1);
        using var missing = await cluster.Api.GetAsync($"{Tasks}/{task.TaskId}", token);
        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(Directory.EnumerateFiles(Path.Combine(cluster.Api.Server.Options.DataDir, "artifacts"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(".incoming", StringComparison.Ordinal))).IsEmpty();
    }

    [Test]
    public async Task deleting_a_processing_task_stops_its_tool_and_it_ends_deleted()
    {
        var (cluster, token) = await StartAsync();
        await using var _ = cluster;
        using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, Tasks, token, """{"toolId":"sleep","params":{"seconds":60}}""");
        var task = await ReadAsync(submitted, TaskJsonContext.Default.TaskSubmittedDto);
        await PollUntilAsync(cluster, token, task.TaskId, "Processing", TimeSpan.FromSeconds(20));

        using var deleted = await cluster.Api.SendAsync(HttpMethod.Delete, $"{Tasks}/{task.TaskId}", token);

        await Assert.That(deleted.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var started = DateTime.UtcNow;
        await PollUntilAsync(cluster, token, task.TaskId, "Deleted", TimeSpan.FromSeconds(10));
        await Assert.That(DateTime.UtcNow - started).IsLessThan(TimeSpan.FromSeconds(5));
        var job = (await cluster.Ledger.GetJobAsync(long.Parse(task.TaskId, System.Globalization.CultureInfo.InvariantCulture)))!;
        await Assert.That(job.JobState).IsEqualTo(JobState.Stopped);
    }
}
