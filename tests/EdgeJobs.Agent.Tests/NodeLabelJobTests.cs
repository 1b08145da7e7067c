using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>
/// Data that lives only on one node (a survey on the field laptop that runs the agent): a job requiring node labels is
/// granted only to an agent carrying them, its paths are that node's own, and a missing one is a clear, final failure.
/// </summary>
[Category("gdal")]
public class NodeLabelJobTests
{
    [Test]
    public async Task a_job_for_labelled_nodes_waits_for_one_runs_on_its_own_data_and_refuses_a_missing_path()
    {
        await using var cluster = await Cluster.StartAsync();
        using var laptopData = new TempDir();
        await cluster.AddAgentAsync("office");
        using var present = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob,
            """{"tool":"raster-export","params":{"path":"survey/l7.tif"},"node_labels":{"site":"farm-7"}}""");
        using var missing = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob,
            """{"tool":"raster-export","params":{"path":"survey/absent.tif"},"node_labels":{"site":"farm-7"}}""");
        await Assert.That(present.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var presentJob = (await ApiServer.ReadAsync(present, RestJsonContext.Default.JobDto))!;
        var missingJob = (await ApiServer.ReadAsync(missing, RestJsonContext.Default.JobDto))!;

        // The office agent runs raster-export but lacks the label: nothing is offered to it.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await Assert.That((await cluster.Ledger.GetJobAsync(presentJob.Id))!.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That((await cluster.Ledger.GetJobAsync(presentJob.Id))!.LeaseNodeId).IsNull();

        Samples.CopyTo("L7_ETMs.tif", laptopData.Path, "survey/l7.tif");
        await cluster.AddAgentAsync("laptop", labels: new Dictionary<string, string> { ["site"] = "farm-7", ["os"] = "linux" }, dataRoot: laptopData.Path);
        var done = await cluster.WaitForStateAsync(presentJob.Id, s => s.IsTerminal(), TimeSpan.FromSeconds(30));
        var refused = await cluster.WaitForStateAsync(missingJob.Id, s => s.IsTerminal(), TimeSpan.FromSeconds(30));

        await Assert.That(done.JobState).IsEqualTo(JobState.Completed);
        var nodes = await cluster.Ledger.ListNodesAsync();
        await Assert.That(nodes.Single(n => n.Id == done.NodeId).Name).IsEqualTo("laptop");
        await Assert.That(refused.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(refused.ErrorCode).IsEqualTo("bad_input");
        await Assert.That(refused.ErrorRetryable).IsEqualTo(0);
        await Assert.That(refused.Attempt).IsEqualTo(1);
        await Assert.That(refused.ErrorMessage!).Contains("survey/absent.tif");
    }
}
