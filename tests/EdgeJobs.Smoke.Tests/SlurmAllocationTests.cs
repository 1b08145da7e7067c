using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// The published coordinator asking a real Slurm for agents (issue 17, README "HPC"): the one-node cluster
/// scripts/slurm-up starts (scripts/test does), with allocations running dist/edgejobs-agent through srun.
/// </summary>
[NotInParallel("edgejobs-binary")]
[Category("slurm")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SlurmAllocationTests
{
    private static string[] Queue(params string[] more) => QueueOf("10m", "3s", more);

    private static string[] QueueOf(string timeLimit, string idleTimeout, params string[] more) =>
        ["--slurm-partition", "debug", "--slurm-time-limit", timeLimit, "--slurm-idle-timeout", idleTimeout, .. more];

    [Test]
    public async Task forty_jobs_with_no_agent_get_allocations_complete_once_each_and_the_allocations_end_when_idle()
    {
        await using var slurm = await SlurmCoordinator.StartAsync(Queue("--slurm-workers-per-allocation", "2", "--slurm-slots-per-worker", "2",
            "--slurm-max-allocations", "2", "--slurm-backlog", "1"));
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await slurm.Coordinator.SubmitAsync($"{{\"seconds\":{0.1 + (i % 3 * 0.1)}}}"));
        }

        foreach (var id in ids)
        {
            await slurm.Coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(120));
        }

        var nodes = new HashSet<long?>();
        foreach (var id in ids)
        {
            var job = await slurm.Coordinator.GetAsync(id);
            await Assert.That(job.Status).IsEqualTo("completed");
            await Assert.That((await slurm.Coordinator.EventsAsync(id)).Count(e => e.Reason == "succeeded")).IsEqualTo(1);
            nodes.Add(job.NodeId);
        }

        var allocations = await slurm.WaitForAllocationsAsync(a => a.All(x => x.EndedAt is not null), TimeSpan.FromSeconds(60));
        await Assert.That(allocations.Count).IsBetween(1, 2);
        foreach (var allocation in allocations)
        {
            // One that started ends when its agents are idle; one still queued when the last job was taken is not needed.
            if (allocation.StartedAt is not null)
            {
                await Assert.That((allocation.State, allocation.SlurmState)).IsEqualTo(("ended", "COMPLETED"));
            }
            else
            {
                await Assert.That((allocation.State, allocation.Reason)).IsEqualTo(("cancelled", "no longer needed: no job waits for it"));
            }
        }

        await Assert.That(allocations.Count(a => a.State == "ended")).IsGreaterThanOrEqualTo(1);

        // Every job ran on an allocation's agent (the coordinator's own agent runs dataset tools only).
        var names = await slurm.NodeNamesAsync();
        await Assert.That(nodes.All(n => n is { } id && names[id].StartsWith("slurm-", StringComparison.Ordinal))).IsTrue();
        await Assert.That(await slurm.SqueueLiveAsync(allocations)).IsEmpty();
    }

    [Test]
    public async Task scancel_of_an_allocation_mid_job_hands_its_job_to_another_agent_before_the_lease_could_expire()
    {
        await using var slurm = await SlurmCoordinator.StartAsync([.. Queue("--slurm-max-allocations", "1"), "--lease-ttl", "60s"]);
        var id = await slurm.Coordinator.SubmitAsync("{\"seconds\":20}");
        var running = await slurm.Coordinator.WaitAsync(id, j => j.Status == "running", TimeSpan.FromSeconds(60));
        var allocation = (await slurm.AllocationsAsync()).Single();
        await Assert.That((await slurm.NodeNamesAsync())[running.NodeId!.Value]).IsEqualTo($"slurm-{allocation.SlurmJobId}-0");

        await using var other = slurm.Coordinator.StartAgent("hand-started", 1);
        var (exit, _, stderr) = await Binary.RunAsync("scancel", [allocation.SlurmJobId.ToString(CultureInfo.InvariantCulture)]);
        await Assert.That(exit).IsEqualTo(0).Because(stderr);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var retried = await slurm.Coordinator.WaitAsync(id, j => j.Status == "running" && j.Attempt == 2, TimeSpan.FromSeconds(30));
        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(20)); // a lease of 60 s would have held it far longer
        await Assert.That(retried.NodeId).IsNotEqualTo(running.NodeId);
        var ended = await slurm.WaitForAllocationsAsync(a => a.Any(x => x.SlurmJobId == allocation.SlurmJobId && x.EndedAt is not null), TimeSpan.FromSeconds(30));
        await Assert.That(ended.First(x => x.SlurmJobId == allocation.SlurmJobId).State).IsEqualTo("cancelled");
        var done = await slurm.Coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(60));
        await Assert.That(done.Status).IsEqualTo("completed");
        await Assert.That((await slurm.Coordinator.EventsAsync(id)).Count(e => e.Reason == "succeeded")).IsEqualTo(1);
    }

    [Test]
    public async Task a_job_whose_timeout_outlasts_the_time_limit_is_never_granted_to_an_allocation()
    {
        await using var slurm = await SlurmCoordinator.StartAsync(QueueOf("2m", "30s"));
        var tooLong = await slurm.SubmitAsync("{\"tool\":\"sleep\",\"force\":true,\"timeout_s\":600,\"params\":{\"seconds\":1}}");
        var fits = await slurm.SubmitAsync("{\"tool\":\"sleep\",\"force\":true,\"timeout_s\":20,\"params\":{\"seconds\":1}}");
        var done = await slurm.Coordinator.WaitAsync(fits, CoordinatorProcess.Ended, TimeSpan.FromSeconds(60));
        await Assert.That(done.Status).IsEqualTo("completed");

        // The allocation's agent is connected and idle for a few grant passes: the long job stays where it is.
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(300);
            var waiting = await slurm.Coordinator.GetAsync(tooLong);
            await Assert.That(waiting.Status).IsEqualTo("scheduled");
            await Assert.That(waiting.Attempt).IsEqualTo(0);
        }

        // One allocation, for the job that fits; none asked for the one no allocation could finish.
        await Assert.That((await slurm.AllocationsAsync()).Count).IsEqualTo(1);
        using var stop = await slurm.Coordinator.Http.PostAsync($"v1/jobs/{tooLong}/stop", null);
        await Assert.That((await slurm.Coordinator.WaitAsync(tooLong, CoordinatorProcess.Ended, TimeSpan.FromSeconds(10))).Status).IsEqualTo("stopped");
    }

    [Test]
    public async Task a_broken_sbatch_argument_pauses_the_queue_after_n_failures_with_the_reason()
    {
        await using var slurm = await SlurmCoordinator.StartAsync(Queue("--slurm-sbatch-arg=--no-such-option", "--slurm-max-failures", "2"));
        await slurm.Coordinator.SubmitAsync("{\"seconds\":1}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement queue;
        while (true)
        {
            using var document = JsonDocument.Parse(await slurm.Coordinator.Http.GetStringAsync("v1/allocations"));
            queue = document.RootElement.GetProperty("queues")[0].Clone();
            if (queue.GetProperty("state").GetString() == "paused" || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        await Assert.That(queue.GetProperty("state").GetString()).IsEqualTo("paused");
        var reason = queue.GetProperty("paused_reason").GetString()!;
        await Assert.That(reason).Contains("2 allocations in a row failed");
        await Assert.That(reason).Contains("--no-such-option");
        await Assert.That(slurm.Coordinator.Process!.Output).Contains("slurm queue default paused");

        var (exit, table, _) = await Binary.RunAsync(Binary.EdgeJobs, ["allocations", "--url", $"http://127.0.0.1:{slurm.Coordinator.HttpPort}",
            "--token-file", Path.Combine(slurm.Coordinator.DataDir, "admin.token")]);
        await Assert.That(exit).IsEqualTo(0);
        await Assert.That(table).Contains("default  paused");
        await Assert.That(table).Contains("sbatch refused it");

        // Paused means no more submissions: the two failed ones stay all there is.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var allocations = await slurm.AllocationsAsync();
        await Assert.That(allocations.Count).IsEqualTo(2);
        await Assert.That(allocations.All(a => a.State == "failed" && a.Reason!.Contains("sbatch refused", StringComparison.Ordinal))).IsTrue();

        // Resumed by an operator (without fixing the argument here): it asks again, fails twice more, and pauses again.
        string[] client = ["--url", $"http://127.0.0.1:{slurm.Coordinator.HttpPort}", "--token-file", Path.Combine(slurm.Coordinator.DataDir, "admin.token")];
        var unknown = await Binary.RunAsync(Binary.EdgeJobs, ["allocations", "resume", "nope", .. client]);
        var (resumed, after, _) = await Binary.RunAsync(Binary.EdgeJobs, ["allocations", "resume", "default", .. client]);
        await Assert.That(unknown.Exit).IsNotEqualTo(0);
        await Assert.That(unknown.Stderr).Contains("no Slurm queue is named 'nope'");
        await Assert.That(resumed).IsEqualTo(0);
        await Assert.That(after).Contains("default  active");
        await Assert.That(slurm.Coordinator.Process!.Output).Contains("slurm queue default resumed by admin");
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await slurm.AllocationsAsync()).Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await Assert.That((await slurm.AllocationsAsync()).Count).IsEqualTo(4);
        using var again = JsonDocument.Parse(await slurm.Coordinator.Http.GetStringAsync("v1/allocations"));
        await Assert.That(again.RootElement.GetProperty("queues")[0].GetProperty("state").GetString()).IsEqualTo("paused");
    }

    [Test]
    public async Task an_allocation_whose_agents_never_connect_is_cancelled_as_a_failed_start_and_pauses_the_queue()
    {
        // Port 1: nothing listens there, so the allocation's agent redials until it is cancelled.
        await using var slurm = await SlurmCoordinator.StartAsync(Queue("--slurm-link-address", "127.0.0.1:1", "--slurm-connect-timeout", "5s",
            "--slurm-max-failures", "1"));
        await slurm.Coordinator.SubmitAsync("{\"seconds\":1}");

        var ended = await slurm.WaitForAllocationsAsync(a => a.Any(x => x.EndedAt is not null), TimeSpan.FromSeconds(60));
        var allocation = ended.Single();
        await Assert.That(allocation.State).IsEqualTo("failed");
        await Assert.That(allocation.StartedAt).IsNotNull();
        await Assert.That(allocation.Reason!).StartsWith($"no agent of allocation {allocation.SlurmJobId} connected within 5s of its start (do compute nodes reach 127.0.0.1:1");
        using var document = JsonDocument.Parse(await slurm.Coordinator.Http.GetStringAsync("v1/allocations"));
        var queue = document.RootElement.GetProperty("queues")[0];
        await Assert.That(queue.GetProperty("state").GetString()).IsEqualTo("paused");
        await Assert.That(queue.GetProperty("paused_reason").GetString()!).Contains("no agent of allocation");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await slurm.SqueueLiveAsync(ended)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await Assert.That(await slurm.SqueueLiveAsync(ended)).IsEmpty();
    }

    [Test]
    public async Task slurm_check_runs_a_test_allocation_of_the_queue_and_reports_slurms_answer()
    {
        var ok = await Binary.RunAsync(Binary.EdgeJobs, ["slurm", "check", .. Queue("--slurm-workers-per-allocation", "2")], timeout: TimeSpan.FromSeconds(120));
        await Assert.That(ok.Exit).IsEqualTo(0).Because(ok.Stderr);
        await Assert.That(ok.Stdout).Contains("in partition debug: 2 of 2 agents answered (edgejobs-agent ");

        var refused = await Binary.RunAsync(Binary.EdgeJobs, ["slurm", "check", "--slurm-partition", "no-such-partition", "--slurm-time-limit", "10m"]);
        await Assert.That(refused.Exit).IsEqualTo(1);
        await Assert.That(refused.Stderr).Contains("queue default: sbatch refused the allocation: sbatch: error: invalid partition specified: no-such-partition");
    }

    [Test]
    public async Task a_coordinator_killed_and_restarted_finds_its_allocation_again_without_a_duplicate_or_a_leak()
    {
        await using var slurm = await SlurmCoordinator.StartAsync(Queue("--slurm-max-allocations", "2", "--slurm-backlog", "2"));
        var id = await slurm.Coordinator.SubmitAsync("{\"seconds\":6}");
        await slurm.Coordinator.WaitAsync(id, j => j.Status == "running", TimeSpan.FromSeconds(60));
        var before = (await slurm.AllocationsAsync()).Single();

        slurm.Coordinator.Process!.KillHard();
        await slurm.Coordinator.StartAsync();

        var done = await slurm.Coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(60));
        await Assert.That(done.Status).IsEqualTo("completed");
        await Assert.That(done.Attempt).IsEqualTo(1);
        await Assert.That(slurm.Coordinator.Process.Output).Contains("tracking 1 allocations found in the ledger");
        var after = await slurm.WaitForAllocationsAsync(a => a.All(x => x.EndedAt is not null), TimeSpan.FromSeconds(60));
        await Assert.That(after.Count).IsEqualTo(1);
        await Assert.That(after[0].SlurmJobId).IsEqualTo(before.SlurmJobId);
        await Assert.That(after[0].State).IsEqualTo("ended");
        await Assert.That(await slurm.SqueueLiveAsync(after)).IsEmpty();
    }
}

/// <summary>An allocation as <c>GET /v1/allocations</c> shows it.</summary>
internal sealed record Allocation(long SlurmJobId, string State, string? SlurmState, string? Reason, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>A coordinator from dist/ with Slurm queue flags; on dispose it stops cleanly and cancels whatever it left in Slurm.</summary>
internal sealed class SlurmCoordinator : IAsyncDisposable
{
    private readonly List<long> _seen = [];

    private SlurmCoordinator(CoordinatorProcess coordinator) => Coordinator = coordinator;

    public CoordinatorProcess Coordinator { get; }

    public static async Task<SlurmCoordinator> StartAsync(string[] flags)
    {
        var (exit, stdout, stderr) = await Binary.RunAsync("sinfo", ["--noheader", "--format=%T"]);
        // Any state in which the node takes jobs: idle, mixed, allocated, or completing the previous test's allocations.
        var state = stdout.Trim();
        if (exit != 0 || state.Length == 0 || state.StartsWith("down", StringComparison.Ordinal) || state.StartsWith("drain", StringComparison.Ordinal)
            || state.StartsWith("fail", StringComparison.Ordinal) || state.Contains("not_responding", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"no Slurm cluster answers (sinfo: {stdout.Trim()} {stderr.Trim()}): run scripts/slurm-up as root (scripts/test does)");
        }

        var coordinator = new CoordinatorProcess(flags);
        await coordinator.StartAsync();
        return new SlurmCoordinator(coordinator);
    }

    public async Task<long> SubmitAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Coordinator.Http.PostAsync("v1/jobs", content);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Accepted
            ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64()
            : throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {body}");
    }

    public async Task<IReadOnlyList<Allocation>> AllocationsAsync()
    {
        using var document = JsonDocument.Parse(await Coordinator.Http.GetStringAsync("v1/allocations"));
        var list = document.RootElement.GetProperty("allocations").EnumerateArray()
            .Where(a => a.GetProperty("slurm_job_id").ValueKind == JsonValueKind.Number || a.GetProperty("state").GetString() == "failed")
            .Select(a => new Allocation(
                a.GetProperty("slurm_job_id").ValueKind == JsonValueKind.Number ? a.GetProperty("slurm_job_id").GetInt64() : 0,
                a.GetProperty("state").GetString()!, a.GetProperty("slurm_state").GetString(), a.GetProperty("reason").GetString(),
                a.GetProperty("started_at").ValueKind == JsonValueKind.String ? a.GetProperty("started_at").GetDateTimeOffset() : null,
                a.GetProperty("ended_at").ValueKind == JsonValueKind.String ? a.GetProperty("ended_at").GetDateTimeOffset() : null))
            .ToList();
        lock (_seen)
        {
            _seen.AddRange(list.Where(a => a.SlurmJobId > 0).Select(a => a.SlurmJobId));
        }

        return list;
    }

    public async Task<IReadOnlyList<Allocation>> WaitForAllocationsAsync(Func<IReadOnlyList<Allocation>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var allocations = await AllocationsAsync();
            if (allocations.Count > 0 && done(allocations))
            {
                return allocations;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"allocations still {string.Join(", ", allocations.Select(a => $"{a.SlurmJobId} {a.State}"))} after {timeout.TotalSeconds} s\n{Coordinator.Process?.Output}");
            }

            await Task.Delay(200);
        }
    }

    public async Task<Dictionary<long, string>> NodeNamesAsync()
    {
        using var document = JsonDocument.Parse(await Coordinator.Http.GetStringAsync("v1/nodes"));
        return document.RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt64(), n => n.GetProperty("name").GetString()!);
    }

    /// <summary>Those of <paramref name="allocations"/> Slurm still runs or queues.</summary>
    public async Task<IReadOnlyList<string>> SqueueLiveAsync(IReadOnlyList<Allocation> allocations)
    {
        var (_, stdout, _) = await Binary.RunAsync("squeue", ["--noheader", "--format=%i %T", "--jobs=" + string.Join(',', allocations.Select(a => a.SlurmJobId))]);
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    public async ValueTask DisposeAsync()
    {
        if (Coordinator.Process is { HasExited: false } process)
        {
            try
            {
                await AllocationsAsync();
            }
            catch (HttpRequestException)
            {
            }

            await process.TerminateAsync(TimeSpan.FromSeconds(60));
        }

        List<long> jobs;
        lock (_seen)
        {
            jobs = [.. _seen.Distinct()];
        }

        if (jobs.Count > 0)
        {
            await Binary.RunAsync("scancel", [.. jobs.Select(j => j.ToString(CultureInfo.InvariantCulture))]);
        }

        await Coordinator.DisposeAsync();
    }
}
