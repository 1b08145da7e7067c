using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

public class NodeTests
{
    private static async Task<IReadOnlyList<NodeDto>> NodesAsync(Cluster cluster)
    {
        using var response = await cluster.Api.GetAsync("v1/nodes", cluster.Api.Admin);
        return (await ApiServer.ReadAsync(response, RestJsonContext.Default.NodeListDto))!.Nodes;
    }

    private static async Task<long> SubmitAsync(Cluster cluster, double seconds)
    {
        using var response = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob,
            "{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");
        return (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobDto))!.Id;
    }

    [Test]
    public async Task nodes_show_ready_agents_with_their_tools_and_running_jobs()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a", slots: 2);
        var id = await SubmitAsync(cluster, 30);
        await cluster.WaitForStateAsync(id, s => s == JobState.Running, TimeSpan.FromSeconds(10));

        var node = (await NodesAsync(cluster)).Single();

        await Assert.That(node.Name).IsEqualTo("a");
        await Assert.That(node.State).IsEqualTo("ready");
        await Assert.That(node.Connected).IsTrue();
        await Assert.That(node.Slots).IsEqualTo(2);
        await Assert.That(node.RunningJobs).IsEqualTo(1);
        await Assert.That(node.Tools.GetRawText()).IsEqualTo("""[{"id":"sleep","version":"1"},{"id":"random-artifact","version":"1"},{"id":"info","version":"1"},{"id":"raster-export","version":"1"},{"id":"build","version":"1"},{"id":"merge-multispectral","version":"1"},{"id":"reproject","version":"1"},{"id":"nc-to-geotiff","version":"1"},{"id":"merge-terrain","version":"1"},{"id":"align-raster","version":"1"},{"id":"echo","version":"1"}]""");
    }

    [Test]
    public async Task a_drained_node_gets_no_new_jobs_until_it_is_enabled_again()
    {
        await using var cluster = await Cluster.StartAsync();
        var agent = await cluster.AddAgentAsync("a", slots: 2);

        using (var drain = await cluster.Api.SendAsync(HttpMethod.Post, $"v1/nodes/{agent.NodeId}/drain", cluster.Api.Admin))
        {
            await Assert.That(drain.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That((await ApiServer.ReadAsync(drain, RestJsonContext.Default.NodeDto))!.State).IsEqualTo("draining");
        }

        var id = await SubmitAsync(cluster, 0);
        await Task.Delay(1500);
        await Assert.That((await cluster.Ledger.GetJobAsync(id))!.JobState).IsEqualTo(JobState.Scheduled);

        using (await cluster.Api.SendAsync(HttpMethod.Post, $"v1/nodes/{agent.NodeId}/enable", cluster.Api.Admin))
        {
        }

        var done = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(10));
        await Assert.That(done.JobState).IsEqualTo(JobState.Completed);
    }

    [Test]
    public async Task a_node_whose_agent_is_gone_is_down()
    {
        await using var cluster = await Cluster.StartAsync();
        var agent = await cluster.AddAgentAsync("a");
        await cluster.StopAgentAsync(agent);

        await Cluster.WaitForAsync(async () => (await NodesAsync(cluster)).Single().State == "down", TimeSpan.FromSeconds(10), "the node to be down");
        await Assert.That((await NodesAsync(cluster)).Single().Connected).IsFalse();
    }

    [Test]
    [Arguments("abc", HttpStatusCode.BadRequest)]
    [Arguments("999", HttpStatusCode.NotFound)]
    public async Task draining_a_malformed_or_unknown_node_is_refused(string id, HttpStatusCode expected)
    {
        await using var cluster = await Cluster.StartAsync();
        using var response = await cluster.Api.SendAsync(HttpMethod.Post, $"v1/nodes/{id}/drain", cluster.Api.Admin);
        await Assert.That(response.StatusCode).IsEqualTo(expected);
    }
}
