using System.Net;
using System.Text.Json;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Api;

public class JobsApiTests
{
    [Test]
    public async Task submit_answers_202_with_location_and_the_scheduled_job_with_canonical_params()
    {
        await using var api = await ApiServer.StartAsync();
        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob,
            """{"tool":"sleep","params":{"fatal":false,"seconds":2.5},"priority":3,"max_attempts":2,"timeout_s":60}""");

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var job = (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobDto))!;
        await Assert.That(response.Headers.Location!.ToString()).IsEqualTo($"/v1/jobs/{job.Id}");
        await Assert.That(job.Status).IsEqualTo("scheduled");
        await Assert.That(job.Owner).IsEqualTo("bob");
        await Assert.That(job.Priority).IsEqualTo(3);
        await Assert.That(job.MaxAttempts).IsEqualTo(2);
        await Assert.That(job.TimeoutS).IsEqualTo(60);
        await Assert.That(job.Deduplicated).IsNotNull();
        await Assert.That(job.Deduplicated!.Value).IsFalse();
        await Assert.That(job.Params.GetRawText()).IsEqualTo("""{"seconds":2.5,"fail":false,"fatal":false}""");
    }

    [Test]
    public async Task get_events_and_log_show_a_jobs_whole_life()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        var running = await JobWalker.RunAsync(api.Ledger, job.Id, 7);
        await api.Ledger.AppendLogAsync(job.Id, running.Fence, ["starting", "halfway"]);
        await api.Ledger.RenewAsync(job.Id, running.Fence, new EdgeJobs.Coordinator.Ledger.ProgressReport(50, "sleeping"));
        await api.Ledger.FinishAsync(job.Id, running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.Succeeded));

        using var get = await api.GetAsync($"v1/jobs/{job.Id}", api.Bob);
        var dto = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
        await Assert.That(dto.Status).IsEqualTo("completed");
        await Assert.That(dto.NodeId).IsEqualTo(7);
        await Assert.That(dto.Attempt).IsEqualTo(1);
        await Assert.That(dto.Progress!.Percent).IsEqualTo(100);
        // The last report said "sleeping" at 50%: a completed job reads done, not its tool's last words.
        await Assert.That(dto.Progress.Phase).IsEqualTo("done");
        await Assert.That(dto.LogCursor).IsEqualTo(2);
        await Assert.That(dto.LogTail!).IsEquivalentTo(new[] { "starting", "halfway" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(dto.DurationMs).IsNotNull();
        await Assert.That(dto.FinishedAt).IsNotNull();

        using var events = await api.GetAsync($"v1/jobs/{job.Id}/events", api.Bob);
        var timeline = (await ApiServer.ReadAsync(events, RestJsonContext.Default.JobEventListDto))!.Events;
        await Assert.That(timeline.Select(e => $"{e.From}->{e.To}:{e.Reason}").ToArray()).IsEquivalentTo(new[]
        {
            "->scheduled:submitted", "scheduled->running:accepted", "running->completed:succeeded",
        }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(timeline[1].Fence).IsEqualTo(running.Fence);

        using var log = await api.GetAsync($"v1/jobs/{job.Id}/log?since=1", api.Bob);
        var lines = (await ApiServer.ReadAsync(log, RestJsonContext.Default.JobLogDto))!;
        await Assert.That(lines.Lines).IsEquivalentTo(new[] { "halfway" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(lines.Cursor).IsEqualTo(2);
        await Assert.That(lines.TruncatedFromTail).IsEqualTo(0);
    }

    [Test]
    [Arguments(JobState.Scheduled, "stopped")]
    [Arguments(JobState.Running, "stop_requested")]
    [Arguments(JobState.StopRequested, "stop_requested")]
    [Arguments(JobState.Stopping, "stopping")]
    [Arguments(JobState.Stopped, "stopped")]
    [Arguments(JobState.Completed, "completed")]
    [Arguments(JobState.Failed, "failed")]
    public async Task stop_through_rest_answers_200_with_the_job_in_every_state(JobState from, string expected)
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, job.Id, from);

        using var response = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/stop", api.Bob);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await ApiServer.ReadAsync(response, RestJsonContext.Default.JobDto))!.Status).IsEqualTo(expected);
    }

    [Test]
    [Arguments(JobState.Scheduled, HttpStatusCode.Conflict)]
    [Arguments(JobState.Running, HttpStatusCode.Conflict)]
    [Arguments(JobState.StopRequested, HttpStatusCode.Conflict)]
    [Arguments(JobState.Stopping, HttpStatusCode.Conflict)]
    [Arguments(JobState.Stopped, HttpStatusCode.NoContent)]
    [Arguments(JobState.Completed, HttpStatusCode.NoContent)]
    [Arguments(JobState.Failed, HttpStatusCode.NoContent)]
    public async Task delete_through_rest_is_204_for_terminal_and_409_for_active_jobs(JobState from, HttpStatusCode expected)
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, job.Id, from);

        using var response = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{job.Id}", api.Bob);

        await Assert.That(response.StatusCode).IsEqualTo(expected);
        if (expected == HttpStatusCode.Conflict)
        {
            var problem = await ApiServer.ProblemAsync(response);
            await Assert.That(problem.ErrorCode).IsEqualTo("job_active");
            await Assert.That(problem.State).IsEqualTo(from.Name());
        }

        await Assert.That(await api.Ledger.GetJobAsync(job.Id) is null).IsEqualTo(expected == HttpStatusCode.NoContent);
    }

    [Test]
    public async Task deleting_an_absent_job_is_204_and_stopping_one_is_404()
    {
        await using var api = await ApiServer.StartAsync();
        using var delete = await api.SendAsync(HttpMethod.Delete, "v1/jobs/987654", api.Bob);
        using var stop = await api.SendAsync(HttpMethod.Post, "v1/jobs/987654/stop", api.Bob);
        using var get = await api.GetAsync("v1/jobs/987654", api.Bob);

        await Assert.That(delete.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(stop.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(get.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(get)).ErrorCode).IsEqualTo("job_not_found");
    }

    [Test]
    [Arguments("terminal", 4)]
    [Arguments("completed", 1)]
    [Arguments("stopped", 1)]
    [Arguments("failed", 1)]
    [Arguments("FAILED", 1)]
    [Arguments("error", 1)]
    public async Task bulk_delete_through_rest_removes_only_the_named_terminal_jobs(string status, int expected)
    {
        await using var api = await ApiServer.StartAsync();
        foreach (var state in JobStates.All)
        {
            var job = await api.SubmitAsync(api.Bob);
            await JobWalker.IntoStateAsync(api.Ledger, job.Id, state);
        }

        using var response = await api.SendAsync(HttpMethod.Delete, $"v1/jobs?status={status}", api.Admin);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await ApiServer.ReadAsync(response, RestJsonContext.Default.DeletedDto))!.Deleted).IsEqualTo(expected);
        var listed = await api.Ledger.ListJobsAsync(new EdgeJobs.Coordinator.Ledger.JobQuery { States = JobStates.All });
        await Assert.That(listed.Jobs.Count).IsEqualTo(JobStates.All.Length - expected);
    }

    [Test]
    public async Task bulk_delete_with_amp_s_error_status_removes_the_failed_job_and_no_other()
    {
        await using var api = await ApiServer.StartAsync();
        var ids = new Dictionary<JobState, long>();
        foreach (var state in JobStates.All)
        {
            var job = await api.SubmitAsync(api.Bob);
            ids[state] = (await JobWalker.IntoStateAsync(api.Ledger, job.Id, state)).Id;
        }

        using var response = await api.SendAsync(HttpMethod.Delete, "v1/jobs?status=error", api.Admin);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        foreach (var (state, id) in ids)
        {
            using var get = await api.SendAsync(HttpMethod.Get, $"v1/jobs/{id}", api.Admin);
            await Assert.That(get.StatusCode).IsEqualTo(state == JobState.Failed ? HttpStatusCode.NotFound : HttpStatusCode.OK).Because(state.ToString());
        }
    }

    [Test]
    public async Task cleanup_through_rest_purges_old_terminal_jobs_with_their_logs()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var api = await ApiServer.StartAsync(clock);
        var ids = new List<long>();
        foreach (var state in JobStates.All)
        {
            var job = await api.SubmitAsync(api.Bob);
            ids.Add((await JobWalker.IntoStateAsync(api.Ledger, job.Id, state)).Id);
        }

        clock.Advance(TimeSpan.FromHours(2));
        var fresh = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, fresh.Id, JobState.Completed);

        using var narrow = await api.SendAsync(HttpMethod.Post, "v1/jobs/cleanup", api.Admin, """{"older_than_s":3600,"statuses":["failed"]}""");
        using var wide = await api.SendAsync(HttpMethod.Post, "v1/jobs/cleanup", api.Admin, """{"older_than_s":3600}""");

        await Assert.That((await ApiServer.ReadAsync(narrow, RestJsonContext.Default.DeletedDto))!.Deleted).IsEqualTo(1);
        await Assert.That((await ApiServer.ReadAsync(wide, RestJsonContext.Default.DeletedDto))!.Deleted).IsEqualTo(3); // stopped, completed, partial
        await Assert.That(await api.Ledger.GetJobAsync(fresh.Id)).IsNotNull();
        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(6); // the five active ones (held among them) and the fresh one
    }

    [Test]
    public async Task the_catalog_and_features_describe_the_tools_and_the_state_machine()
    {
        await using var api = await ApiServer.StartAsync();
        using var tools = await api.GetAsync("v1/tools", api.Reader);
        using var features = await api.GetAsync("v1/sys/features", api.Reader);
        using var unknown = await api.GetAsync("v1/tools/nope", api.Reader);

        var list = (await ApiServer.ReadAsync(tools, RestJsonContext.Default.ToolListDto))!.Tools;
        var sleep = list.Single(t => t.Id == "sleep");
        await Assert.That(sleep.ParamsSchema["properties"]!["seconds"]!["minimum"]!.GetValue<double>()).IsEqualTo(0);
        await Assert.That(sleep.ParamsSchema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray()).IsEquivalentTo(new[] { "seconds" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(sleep.ParamsSchema["additionalProperties"]!.GetValue<bool>()).IsFalse();
        var f = (await ApiServer.ReadAsync(features, RestJsonContext.Default.FeaturesDto))!;
        await Assert.That(f.JobStates.Select(s => $"{s.Name}:{s.Terminal}").ToArray()).IsEquivalentTo(
            JobStates.All.Select(s => $"{s.Name()}:{s.IsTerminal()}").ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task answers_use_snake_case_and_rfc3339_utc_times()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        using var response = await api.GetAsync($"v1/jobs/{job.Id}", api.Bob);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;

        await Assert.That(root.TryGetProperty("max_attempts", out _)).IsTrue();
        await Assert.That(root.TryGetProperty("log_cursor", out _)).IsTrue();
        var created = root.GetProperty("created_at").GetString()!;
        await Assert.That(DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture).Offset).IsEqualTo(TimeSpan.Zero);
        await Assert.That(created.EndsWith("+00:00", StringComparison.Ordinal) || created.EndsWith('Z')).IsTrue();
    }
}
