using EdgeJobs.Coordinator.Slurm;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Coordinator.Tests.Slurm;

public class SlurmQueueTests
{
    [Test]
    public async Task a_config_file_gives_every_setting_and_defaults_the_rest()
    {
        var queues = SlurmConfigFile.Parse("""
            {"queues": [
              {"name": "big", "partition": "compute", "time_limit": "2h", "account": "geo", "workers_per_allocation": 4,
               "slots_per_worker": 8, "max_allocations": 8, "backlog": 2, "idle_timeout": "90s", "max_failures": 5,
               "labels": {"site": "hpc"}, "tools": ["reproject"], "sbatch_args": ["--qos=low"], "agent": "/opt/edgejobs-agent"},
              {"name": "small", "partition": "debug", "time_limit": "10m"}]}
            """);

        await Assert.That(queues.Count).IsEqualTo(2);
        var big = queues[0];
        await Assert.That(big.TimeLimit).IsEqualTo(TimeSpan.FromHours(2));
        await Assert.That(big.IdleTimeout).IsEqualTo(TimeSpan.FromSeconds(90));
        await Assert.That(big.WorkersPerAllocation * big.SlotsPerWorker).IsEqualTo(32);
        await Assert.That((big.Account, big.MaxAllocations, big.Backlog, big.MaxFailures, big.Agent)).IsEqualTo(("geo", 8, 2, 5, "/opt/edgejobs-agent"));
        await Assert.That(big.Labels["site"]).IsEqualTo("hpc");
        await Assert.That(big.Tools!).IsEquivalentTo(["reproject"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(big.SbatchArgs).IsEquivalentTo(["--qos=low"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var small = queues[1];
        await Assert.That((small.WorkersPerAllocation, small.MaxAllocations, small.Backlog, small.IdleTimeout, small.Tools))
            .IsEqualTo((1, 4, 1, TimeSpan.FromMinutes(5), (IReadOnlyList<string>?)null));
    }

    [Test]
    [Arguments("""{"queues": [{"name": "a", "partition": "p", "time_limit": "10m", "worker_per_allocation": 2}]}""", "queues[0].worker_per_allocation is not a queue setting")]
    [Arguments("""{"queues": [{"name": "a", "partition": "p"}]}""", "queues[0].time_limit is required")]
    [Arguments("""{"queues": [{"name": "a", "partition": "p", "time_limit": "30s"}]}""", "at least 1 minute")]
    [Arguments("""{"queues": [{"name": "a b", "partition": "p", "time_limit": "10m"}]}""", "may hold only letters")]
    [Arguments("""{"queues": [{"name": "a", "partition": "p", "time_limit": "10m", "backlog": 0}]}""", "the backlog must be at least 1")]
    [Arguments("""{"queues": [{"name": "a", "partition": "p", "time_limit": "soon"}]}""", "queues[0].time_limit")]
    [Arguments("""{"queue": []}""", "expected {\"queues\": [...]}")]
    public async Task a_wrong_config_file_names_what_is_wrong(string json, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), $"slurm-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            var error = Assert.Throws<UsageException>(() => SlurmConfigFile.Load(path));
            await Assert.That(error.Message).StartsWith($"--slurm-config {path}: ");
            await Assert.That(error.Message).Contains(message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task a_queue_is_for_every_tool_an_agent_runs_unless_it_names_some()
    {
        var queue = new SlurmQueue { Partition = "p", TimeLimit = TimeSpan.FromMinutes(10) };

        var tools = queue.ToolsFrom(EdgeJobs.Catalog.Tools.ToolCatalog.BuiltIn);

        await Assert.That(tools).Contains("sleep");
        await Assert.That(tools).Contains("reproject");
        await Assert.That(tools.Any(SlurmQueue.CoordinatorOnlyTools.Contains)).IsFalse();
        await Assert.That((queue with { Tools = ["info"] }).ToolsFrom(EdgeJobs.Catalog.Tools.ToolCatalog.BuiltIn)).IsEquivalentTo(["info"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("PENDING", SlurmStates.Phase.Queued)]
    [Arguments("RUNNING", SlurmStates.Phase.Running)]
    [Arguments("COMPLETING", SlurmStates.Phase.Running)]
    [Arguments("COMPLETED", SlurmStates.Phase.Completed)]
    [Arguments("TIMEOUT", SlurmStates.Phase.Completed)]
    [Arguments("CANCELLED", SlurmStates.Phase.Cancelled)]
    [Arguments("FAILED", SlurmStates.Phase.Failed)]
    [Arguments("NODE_FAIL", SlurmStates.Phase.Failed)]
    [Arguments("BOOT_FAIL", SlurmStates.Phase.Failed)]
    [Arguments(null, SlurmStates.Phase.Unknown)]
    public async Task slurm_states_map_onto_an_allocations_phases(string? state, SlurmStates.Phase phase) =>
        await Assert.That(SlurmStates.Of(state)).IsEqualTo(phase);
}
