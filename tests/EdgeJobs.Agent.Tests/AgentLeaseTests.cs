using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Agent.Tests;

public class AgentLeaseTests
{
    private static string Sleep(double seconds, string extra = "") =>
        "{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + extra + "}}";

    private static async Task<long> SubmitAsync(Cluster cluster, string body)
    {
        using var response = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, body);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        return (await EdgeJobs.Testing.ApiServer.ReadAsync(response, RestJsonContext.Default.JobDto))!.Id;
    }

    [Test]
    public async Task two_agents_complete_every_job_exactly_once()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a", slots: 3);
        await cluster.AddAgentAsync("b", slots: 3);

        var ids = new List<long>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add(await SubmitAsync(cluster, Sleep(0.01 * (i % 5))));
        }

        foreach (var id in ids)
        {
            await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(60));
        }

        var nodes = new HashSet<long?>();
        foreach (var id in ids)
        {
            var job = (await cluster.Ledger.GetJobAsync(id))!;
            await Assert.That(job.JobState).IsEqualTo(JobState.Completed);
            var events = await cluster.Ledger.GetEventsAsync(id);
            await Assert.That(events.Count(e => e.Reason == (int)EventReason.Succeeded)).IsEqualTo(1);

            // Nothing went wrong, so nothing was retried: in particular an instant job's Finished
            // never overtakes its Accept.
            await Assert.That(job.Attempt).IsEqualTo(1);
            nodes.Add(job.NodeId);
        }

        await Assert.That(nodes.Count).IsEqualTo(2);
    }

    [Test]
    public async Task progress_and_log_lines_reach_the_ledger_and_the_job_runs_only_after_accept()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");

        var id = await SubmitAsync(cluster, Sleep(1.2));
        var done = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(20));

        await Assert.That(done.JobState).IsEqualTo(JobState.Completed);
        var log = await cluster.Ledger.ReadLogAsync(id, 0);
        await Assert.That(log!.Lines[0]).StartsWith("sleeping 1.2 s");
        await Assert.That(log.Lines).Contains("slept 1 s of 1.2");
        var events = await cluster.Ledger.GetEventsAsync(id);
        await Assert.That(events.Select(e => (JobState)e.ToState).ToArray()).IsEquivalentTo(
            new[] { JobState.Scheduled, JobState.Running, JobState.Completed }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_stop_reaches_the_running_tool_within_a_second_and_ends_stopped()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var id = await SubmitAsync(cluster, Sleep(60));
        await cluster.WaitForStateAsync(id, s => s == JobState.Running, TimeSpan.FromSeconds(10));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stop = await cluster.Api.SendAsync(HttpMethod.Post, $"v1/jobs/{id}/stop", cluster.Api.Bob);
        var stopped = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(10));

        await Assert.That(stopped.JobState).IsEqualTo(JobState.Stopped);
        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(1));
        var events = await cluster.Ledger.GetEventsAsync(id);
        await Assert.That(events.Select(e => ((JobState)e.ToState).Name()).ToArray()).IsEquivalentTo(
            new[] { "scheduled", "running", "stop_requested", "stopping", "stopped" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_retryable_failure_is_retried_and_a_fatal_one_is_not()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var retried = await SubmitAsync(cluster, Sleep(0, ",\"fail\":true").Replace("\"force\":true", "\"force\":true,\"max_attempts\":3", StringComparison.Ordinal));
        var fatal = await SubmitAsync(cluster, Sleep(0, ",\"fatal\":true"));

        var r = await cluster.WaitForStateAsync(retried, s => s.IsTerminal(), TimeSpan.FromSeconds(20));
        var f = await cluster.WaitForStateAsync(fatal, s => s.IsTerminal(), TimeSpan.FromSeconds(20));

        await Assert.That(r.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(r.Attempt).IsEqualTo(3);
        await Assert.That(r.ErrorCode).IsEqualTo("requested_failure");
        await Assert.That(f.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(f.Attempt).IsEqualTo(1);
        await Assert.That(f.ErrorRetryable).IsEqualTo(0);
    }

    [Test]
    public async Task a_job_past_its_timeout_is_stopped_and_fails_with_timeout()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var id = await SubmitAsync(cluster, Sleep(30).Replace("\"force\":true", "\"force\":true,\"timeout_s\":0.5", StringComparison.Ordinal));

        var done = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(10));

        await Assert.That(done.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(done.ErrorCode).IsEqualTo("timeout");
    }

    [Test]
    public async Task a_draining_agent_hands_its_jobs_back_and_another_agent_finishes_them()
    {
        await using var cluster = await Cluster.StartAsync();
        var first = await cluster.AddAgentAsync("first", slots: 1);
        var id = await SubmitAsync(cluster, Sleep(30));
        await cluster.WaitForStateAsync(id, s => s == JobState.Running, TimeSpan.FromSeconds(10));
        await cluster.Ledger.StopAsync(0); // no-op: keeps the ledger warm

        var drain = cluster.StopAgentAsync(first);
        await cluster.AddAgentAsync("second", slots: 1);
        await drain;
        var requeued = await cluster.WaitForStateAsync(id, s => s == JobState.Running, TimeSpan.FromSeconds(20));

        await Assert.That(requeued.Attempt).IsEqualTo(2);
        await Assert.That((await cluster.Ledger.GetEventsAsync(id)).Any(e => e.Reason == (int)EventReason.HandedBack)).IsTrue();
    }
}
