using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Server;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>What <c>edgejobs up</c> runs, started in this process: the coordinator with its embedded agent.</summary>
public sealed class EdgeJobsServerTests
{
    private static CoordinatorOptions Options(TempDir dir) => new()
    {
        DataDir = dir.File("data"),
        Http = "127.0.0.1:0",
        Link = "127.0.0.1:0",
        Catalog = ToolCatalog.BuiltIn,
    };

    [Test]
    public async Task the_embedded_agent_runs_jobs_and_hands_artifacts_over_by_rename()
    {
        using var dir = new TempDir();
        await using var server = await EdgeJobsServer.StartAsync(Options(dir), new EmbeddedAgentOptions { Slots = 2, DrainTimeout = TimeSpan.FromSeconds(5) });
        using var http = Client(server);

        await Assert.That(server.Agent).IsNotNull();
        await Assert.That(server.AgentNotStarted).IsNull();
        var job = await SubmitAndWaitAsync(http, "{\"tool\":\"random-artifact\",\"params\":{\"bytes\":200000,\"seed\":3}}");

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Artifact!.SizeBytes).IsEqualTo(200_000);
        using var nodes = await http.GetAsync("v1/nodes");
        var node = (await ApiServer.ReadAsync(nodes, RestJsonContext.Default.NodeListDto))!.Nodes.Single(n => !n.Name.EndsWith("(datasets)", StringComparison.Ordinal));
        await Assert.That(node.Name).EndsWith("(local)");
        await Assert.That(node.Slots).IsEqualTo(2);

        // Handed over by rename: nothing is left in the agent's work dir.
        await Assert.That(Directory.EnumerateFiles(EdgeJobsServer.LocalAgentWorkDir(server.Coordinator.Options), "*.bin", SearchOption.AllDirectories)).IsEmpty();
    }

    [Test]
    public async Task stopping_drains_the_embedded_agent_before_the_coordinator_so_a_running_job_completes()
    {
        using var dir = new TempDir();
        var options = Options(dir);
        long id;
        await using (var server = await EdgeJobsServer.StartAsync(options, new EmbeddedAgentOptions { Slots = 1, DrainTimeout = TimeSpan.FromSeconds(10) }))
        {
            using var http = Client(server);
            using var submit = await http.PostAsync("v1/jobs", Json("{\"tool\":\"sleep\",\"params\":{\"seconds\":1}}"));
            id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
            await Cluster.WaitForAsync(async () => (await server.Coordinator.Ledger.GetJobAsync(id))!.JobState == Protocol.Jobs.JobState.Running, TimeSpan.FromSeconds(10), "the job to run");
        }

        await using var ledger = JobLedger.Open(Path.Combine(options.DataDir, "ledger.db"));
        await Assert.That((await ledger.GetJobAsync(id))!.JobState).IsEqualTo(Protocol.Jobs.JobState.Completed);
    }

    [Test]
    public async Task without_slots_or_without_the_agent_token_there_is_no_embedded_agent_and_it_says_why()
    {
        using var dir = new TempDir();
        var options = Options(dir);
        await using (var none = await EdgeJobsServer.StartAsync(options, new EmbeddedAgentOptions { Slots = 0, DatasetSlots = 0 }))
        {
            await Assert.That(none.Agent).IsNull();
            await Assert.That(none.AgentNotStarted).IsNull();
        }

        File.Delete(Path.Combine(options.DataDir, "agent.token"));
        await using var tokenless = await EdgeJobsServer.StartAsync(options, new EmbeddedAgentOptions { Slots = 1 });
        await Assert.That(tokenless.Agent).IsNull();
        await Assert.That(tokenless.AgentNotStarted).Contains("agent.token is missing");
    }

    private static HttpClient Client(EdgeJobsServer server)
    {
        var http = new HttpClient { BaseAddress = server.Coordinator.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(server.Coordinator.Options.AdminTokenPath).Trim());
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JobDto> SubmitAndWaitAsync(HttpClient http, string body)
    {
        using var submit = await http.PostAsync("v1/jobs", Json(body));
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        JobDto? job = null;
        await Cluster.WaitForAsync(async () =>
        {
            using var get = await http.GetAsync($"v1/jobs/{id}");
            job = await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto);
            return job!.Status is "completed" or "failed" or "stopped";
        }, TimeSpan.FromSeconds(30), $"job {id}");
        return job!;
    }
}
