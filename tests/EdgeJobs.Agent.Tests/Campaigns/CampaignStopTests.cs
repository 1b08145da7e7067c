using System.Diagnostics;
using System.Net;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Campaigns;

/// <summary>
/// Stopping a campaign on real agents: its batch and every unfinished child stop in one transaction, and the agents
/// running children hear of it at once, not when their 60 s tools would have ended. (That completed children stay
/// completed is the ledger's test, CampaignLedgerTests.)
/// </summary>
public class CampaignStopTests
{
    [Test]
    public async Task stopping_a_campaign_stops_its_running_children_on_their_agents_at_once()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a", slots: 2);
        await cluster.AddAgentAsync("b", slots: 2);
        for (var i = 0; i < 8; i++)
        {
            cluster.Api.WriteInput($"scenes/{i}.tif", "x");
        }

        // Each child would take a minute; four run at once (two slots on each agent), four wait.
        using (var created = await cluster.Api.SendAsync(HttpMethod.Post, "v1/campaigns", cluster.Api.Bob, """
            {"id":"survey","source":{"type":"data_root","root":"scenes","glob":"*.tif"},
             "template":{"tool":"echo","params":{"string_input":"{record.path}","pause":60}}}
            """))
        {
            await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created).Because(await created.Content.ReadAsStringAsync());
        }

        using var batched = await cluster.Api.SendAsync(HttpMethod.Post, "v1/campaigns/survey/batches", cluster.Api.Bob, """{"max_records":8}""");
        await Assert.That(batched.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var batch = (await ApiServer.ReadAsync(batched, RestJsonContext.Default.JobDto))!.Id;
        List<JobRow> children = [];
        await Cluster.WaitForAsync(async () =>
        {
            children = [.. (await cluster.Ledger.ListJobsAsync(new JobQuery { States = JobStates.All, Tool = "echo", Limit = 100 })).Jobs];
            return children.Count(c => c.JobState == JobState.Running) == 4;
        }, TimeSpan.FromSeconds(30), "four children running, two on each agent");

        var clock = Stopwatch.StartNew();
        using var stopped = await cluster.Api.SendAsync(HttpMethod.Post, "v1/campaigns/survey/stop", cluster.Api.Bob, "{}");
        await Assert.That(stopped.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await cluster.WaitForStateAsync(batch, state => state.IsTerminal(), TimeSpan.FromSeconds(20));
        foreach (var child in children)
        {
            await cluster.WaitForStateAsync(child.Id, state => state.IsTerminal(), TimeSpan.FromSeconds(20));
        }

        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(15)); // the agents heard at once: their tools would run 60 s
        var ended = (await cluster.Ledger.ListJobsAsync(new JobQuery { States = JobStates.All, Tool = "echo", Limit = 100 })).Jobs;
        await Assert.That(ended.Count).IsEqualTo(8);
        await Assert.That(ended.All(c => c.JobState == JobState.Stopped)).IsTrue();
        await Assert.That(ended.Where(c => c.Attempt > 0).Select(c => c.NodeId).Distinct().Count()).IsEqualTo(2);
        await Assert.That((await cluster.Ledger.GetJobAsync(batch))!.JobState).IsEqualTo(JobState.Stopped);
    }
}
