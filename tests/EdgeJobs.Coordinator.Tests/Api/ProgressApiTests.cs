using System.Net;
using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary>
/// <c>GET /v1/jobs/{id}/progress</c>, amp's per-table progress with a job's outputs as the tables: fed here through
/// the ledger operations the link calls (the agent tests drive it with real tools).
/// </summary>
public class ProgressApiTests
{
    private static LeaseHeartbeat Beat(JobRow running, params OutputProgress[] outputs) =>
        new(running.Id, running.Fence, new ProgressReport(50, "computing"), [], false, 0, outputs);

    [Test]
    public async Task a_scheduled_job_answers_amp_s_shape_with_no_tables()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);

        using var response = await api.GetAsync($"v1/jobs/{job.Id}/progress", api.Bob);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/json");
        await Assert.That(await response.Content.ReadAsStringAsync()).IsEqualTo($$$"""{"job_id":{{{job.Id}}},"status":"scheduled","tables":{}}""");
    }

    [Test]
    public async Task heartbeats_and_the_finish_store_each_output_and_the_answer_names_every_field()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock);
        var job = await api.SubmitAsync(api.Bob);
        var running = await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);

        await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(running, new OutputProgress("ms.ndvi.tif", 1000, 3, 10, 1))]);
        using (var response = await api.GetAsync($"v1/jobs/{job.Id}/progress", api.Bob))
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = document.RootElement;
            await Assert.That(root.EnumerateObject().Select(p => p.Name).ToArray()).IsEquivalentTo(new[] { "job_id", "status", "tables" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(root.GetProperty("status").GetString()).IsEqualTo("running");
            var table = root.GetProperty("tables").GetProperty("ms.ndvi.tif");
            await Assert.That(table.EnumerateObject().Select(p => p.Name).ToArray()).IsEquivalentTo(new[] { "bytes_written", "blocks_done", "blocks_total", "files", "updated_at" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(table.GetProperty("bytes_written").GetInt64()).IsEqualTo(1000);
            await Assert.That(table.GetProperty("blocks_done").GetInt64()).IsEqualTo(3);
            await Assert.That(table.GetProperty("blocks_total").GetInt64()).IsEqualTo(10);
            await Assert.That(table.GetProperty("files").GetInt32()).IsEqualTo(1);
            await Assert.That(table.GetProperty("updated_at").GetDateTimeOffset()).IsEqualTo(clock.GetUtcNow());
        }

        // The same numbers again do not move updated_at: it says when the output last grew.
        var firstSeen = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(5));
        await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(running, new OutputProgress("ms.ndvi.tif", 1000, 3, 10, 1))]);
        await Assert.That((await ProgressAsync(api, job.Id)).Tables["ms.ndvi.tif"].UpdatedAt).IsEqualTo(firstSeen);

        // A heartbeat from an agent without per-output progress leaves what is stored alone.
        await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(running) with { Outputs = null }]);
        await Assert.That((await ProgressAsync(api, job.Id)).Tables["ms.ndvi.tif"].BytesWritten).IsEqualTo(1000);

        clock.Advance(TimeSpan.FromSeconds(5));
        await api.Ledger.FinishWithLogAsync(job.Id, running.Fence, [], new FinishReport(FinishOutcome.Succeeded),
            outputs: [new("ms.ndvi.tif", 4321, 10, 10, 1), new("other.tif", 7, 0, null, 1)]);

        var final = await ProgressAsync(api, job.Id);
        await Assert.That(final.Status).IsEqualTo("completed");
        await Assert.That(final.Tables["ms.ndvi.tif"]).IsEqualTo(new OutputProgressDto(4321, 10, 10, 1, clock.GetUtcNow()));
        await Assert.That(final.Tables["other.tif"].BlocksTotal).IsNull();
    }

    [Test]
    public async Task progress_survives_a_coordinator_restart()
    {
        var api = await ApiServer.StartAsync();
        try
        {
            var job = await api.SubmitAsync(api.Bob);
            var running = await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);
            await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(running, new OutputProgress("a.tif", 512, 1, 4, 1))]);
            var before = await ProgressAsync(api, job.Id);

            api = await api.RestartAsync();

            var after = await ProgressAsync(api, job.Id);
            await Assert.That(after.Tables["a.tif"]).IsEqualTo(before.Tables["a.tif"]);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    [Test]
    public async Task a_retry_shows_its_own_outputs_only_and_a_stale_fence_stores_nothing()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { Ledger = o.Ledger with { RetryBaseDelay = TimeSpan.Zero, RetryMaxDelay = TimeSpan.Zero } });
        var job = await api.SubmitAsync(api.Bob);
        var first = await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);
        await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(first, new OutputProgress("a.tif", 900, 9, 10, 1), new OutputProgress("first-only.tif", 1, 0, null, 1))]);
        await api.Ledger.FinishWithLogAsync(job.Id, first.Fence, [], new FinishReport(FinishOutcome.RetryableFailure, "boom", "try again"));

        // Scheduled again: what the failed attempt wrote is still its last word.
        var waiting = await ProgressAsync(api, job.Id);
        await Assert.That(waiting.Status).IsEqualTo("scheduled");
        await Assert.That(waiting.Tables["a.tif"].BytesWritten).IsEqualTo(900);

        var second = await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);
        await Assert.That((await ProgressAsync(api, job.Id)).Tables).IsEmpty();

        await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(first, new OutputProgress("a.tif", 5, 5, 5, 1))]); // the old lease: fenced
        await api.Ledger.ApplyHeartbeatAsync(JobWalker.Node, [Beat(second, new OutputProgress("a.tif", 100, 1, 10, 1))]);
        var retried = await ProgressAsync(api, job.Id);
        await Assert.That(retried.Tables.Keys.ToArray()).IsEquivalentTo(new[] { "a.tif" });
        await Assert.That(retried.Tables["a.tif"].BytesWritten).IsEqualTo(100);
    }

    [Test]
    public async Task a_deleted_job_takes_its_outputs_with_it()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        var running = await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);
        await api.Ledger.FinishWithLogAsync(job.Id, running.Fence, [], new FinishReport(FinishOutcome.Succeeded), outputs: [new("a.tif", 1, 1, 1, 1)]);

        using var delete = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{job.Id}", api.Bob);
        using var progress = await api.GetAsync($"v1/jobs/{job.Id}/progress", api.Bob);

        await Assert.That(delete.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(progress.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await api.Ledger.GetOutputsAsync(job.Id, running.Attempt)).IsEmpty();
    }

    [Test]
    public async Task an_unknown_job_is_404_and_a_malformed_id_400()
    {
        await using var api = await ApiServer.StartAsync();

        using var unknown = await api.GetAsync("v1/jobs/424242/progress", api.Bob);
        using var malformed = await api.GetAsync("v1/jobs/abc/progress", api.Bob);

        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(unknown)).ErrorCode).IsEqualTo("job_not_found");
        await Assert.That(malformed.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(malformed)).ErrorCode).IsEqualTo("invalid_id");
    }

    private static async Task<JobProgressDto> ProgressAsync(ApiServer api, long jobId)
    {
        using var response = await api.GetAsync($"v1/jobs/{jobId}/progress", api.Bob);
        return response.StatusCode == HttpStatusCode.OK
            ? (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobProgressDto))!
            : throw new InvalidOperationException($"progress answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
