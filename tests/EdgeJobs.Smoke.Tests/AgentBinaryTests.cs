using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// The published coordinator and agents as separate processes, killed and partitioned on purpose:
/// every job completes exactly once, nothing is lost, stops stop.
/// </summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AgentBinaryTests
{
    private static readonly string[] s_fastLeases = ["--lease-ttl", "2s", "--heartbeat-interval", "0.3s"];

    private static async Task AssertCompletedOnceAsync(CoordinatorProcess coordinator, long id)
    {
        var job = await coordinator.GetAsync(id);
        await Assert.That(job.Status).IsEqualTo("completed");
        var events = await coordinator.EventsAsync(id);
        await Assert.That(events.Count(e => e.Reason == "succeeded")).IsEqualTo(1);
    }

    [Test]
    public async Task two_agents_complete_three_hundred_jobs_exactly_once_and_a_stop_lands_within_a_second()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        await using var a = coordinator.StartAgent("a", 4);
        await using var b = coordinator.StartAgent("b", 4);

        var ids = new List<long>();
        for (var i = 0; i < 300; i++)
        {
            ids.Add(await coordinator.SubmitAsync($"{{\"seconds\":{i % 4 * 0.01}}}"));
        }

        foreach (var id in ids)
        {
            await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(60));
        }

        var nodes = new HashSet<long?>();
        foreach (var id in ids)
        {
            await AssertCompletedOnceAsync(coordinator, id);
            var job = await coordinator.GetAsync(id);
            await Assert.That(job.Attempt).IsEqualTo(1);
            nodes.Add(job.NodeId);
        }

        await Assert.That(nodes.Count).IsEqualTo(2);

        var sleeper = await coordinator.SubmitAsync("{\"seconds\":60}");
        await coordinator.WaitAsync(sleeper, j => j.Status == "running", TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        using var stop = await coordinator.Http.PostAsync($"v1/jobs/{sleeper}/stop", null);
        var stopped = await coordinator.WaitAsync(sleeper, CoordinatorProcess.Ended, TimeSpan.FromSeconds(10));
        await Assert.That(stopped.Status).IsEqualTo("stopped");
        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(1));

        await Assert.That(await a.TerminateAsync(TimeSpan.FromSeconds(15))).IsEqualTo(0);
        await Assert.That(a.Output).Contains("drained; exiting");
    }

    [Test]
    public async Task a_job_on_an_agent_killed_with_sigkill_completes_once_on_another_agent()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        var victim = coordinator.StartAgent("victim", 1);
        var id = await coordinator.SubmitAsync("{\"seconds\":2}");
        var running = await coordinator.WaitAsync(id, j => j.Status == "running", TimeSpan.FromSeconds(10));

        victim.KillHard();
        await using var survivor = coordinator.StartAgent("survivor", 1);
        var done = await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(30));

        await AssertCompletedOnceAsync(coordinator, id);
        await Assert.That(done.NodeId).IsNotEqualTo(running.NodeId);
        await Assert.That(done.Attempt).IsEqualTo(2);
        var reasons = (await coordinator.EventsAsync(id)).Select(e => e.Reason).ToArray();
        await Assert.That(reasons).Contains("lease_expired");
        await victim.DisposeAsync();
    }

    [Test]
    public async Task killing_the_coordinator_mid_run_loses_no_job_and_finishes_none_twice()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        await using var a = coordinator.StartAgent("a", 3);
        await using var b = coordinator.StartAgent("b", 3);
        var ids = new List<long>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add(await coordinator.SubmitAsync($"{{\"seconds\":{0.05 + (i % 5 * 0.05)}}}"));
        }

        await coordinator.WaitAsync(ids[30], CoordinatorProcess.Ended, TimeSpan.FromSeconds(30));
        coordinator.Process!.KillHard();
        await Task.Delay(500);
        await coordinator.StartAsync();

        foreach (var id in ids)
        {
            await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(60));
        }

        foreach (var id in ids)
        {
            await AssertCompletedOnceAsync(coordinator, id);
        }

        await Assert.That(await coordinator.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    [Test]
    public async Task a_stop_sent_just_before_the_coordinator_dies_still_ends_stopped_once_it_is_back()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        await using var agent = coordinator.StartAgent("a", 1);
        var id = await coordinator.SubmitAsync("{\"seconds\":60}");
        await coordinator.WaitAsync(id, j => j.Status == "running", TimeSpan.FromSeconds(10));

        using (await coordinator.Http.PostAsync($"v1/jobs/{id}/stop", null))
        {
        }

        coordinator.Process!.KillHard();
        await Task.Delay(300);
        await coordinator.StartAsync();
        var done = await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(20));

        await Assert.That(done.Status).IsEqualTo("stopped");
    }

    [Test]
    public async Task an_agent_cut_off_past_its_lease_cannot_overwrite_the_replacements_result()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        await using var proxy = new TcpProxy(coordinator.LinkPort);
        await using var cutOff = coordinator.StartAgent("cut-off", 1, $"127.0.0.1:{proxy.Port}");
        var id = await coordinator.SubmitAsync("{\"seconds\":3}");
        var first = await coordinator.WaitAsync(id, j => j.Status == "running", TimeSpan.FromSeconds(10));

        proxy.Pause();
        await using var replacement = coordinator.StartAgent("replacement", 1);
        var done = await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(30));
        await Task.Delay(1500); // the cut-off agent's own sleep has ended by now; its report waits in the proxy
        proxy.Resume();
        await Task.Delay(1500);

        await AssertCompletedOnceAsync(coordinator, id);
        var after = await coordinator.GetAsync(id);
        await Assert.That(after.NodeId).IsNotEqualTo(first.NodeId);
        await Assert.That(after.NodeId).IsEqualTo(done.NodeId);
        await Assert.That(coordinator.Process!.Output).Contains("stale or unknown lease");
    }

    [Test]
    public async Task malformed_oversized_and_unauthenticated_frames_close_only_their_own_connection()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        await using var agent = coordinator.StartAgent("good", 1);

        var garbage = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(garbage, 8);
        garbage.AsSpan(4).Fill(0xEE);
        await Assert.That(await SendAndWaitForCloseAsync(coordinator.LinkPort, garbage)).IsTrue();

        var huge = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(huge, uint.MaxValue);
        await Assert.That(await SendAndWaitForCloseAsync(coordinator.LinkPort, huge)).IsTrue();

        var badToken = LinkFrames.Encode(new Hello(LinkProtocol.Version, "ej_not-a-real-token", "intruder", "intruder", [], [], 1, []));
        await Assert.That(await SendAndWaitForCloseAsync(coordinator.LinkPort, badToken)).IsTrue();

        var notHello = LinkFrames.Encode(new Accept(1, 1));
        await Assert.That(await SendAndWaitForCloseAsync(coordinator.LinkPort, notHello)).IsTrue();

        // A valid token does not excuse an incompatible protocol...
        var agentToken = (await File.ReadAllTextAsync(coordinator.AgentTokenFile)).Trim();
        var oldAgent = LinkFrames.Encode(new Hello(LinkProtocol.Version + 1, agentToken, "future", "future", [], [], 1, []));
        await Assert.That(await SendAndWaitForCloseAsync(coordinator.LinkPort, oldAgent)).IsTrue().Because("a Hello with another protocol version");

        // ...and an authenticated agent that breaks the artifact stream (a chunk with no start) is cut off.
        var welcomed = LinkFrames.Encode(new Hello(LinkProtocol.Version, agentToken, "broken-stream", "broken-stream", [], [], 1, []));
        var orphanChunk = LinkFrames.Encode(new ArtifactChunk(1, 1, 4096, [1, 2, 3]));
        await Assert.That(await SendAndWaitForCloseAsync(coordinator.LinkPort, [.. welcomed, .. orphanChunk])).IsTrue().Because("an orphan artifact chunk\n" + coordinator.Process!.Output);

        var id = await coordinator.SubmitAsync("{\"seconds\":0.1}");
        await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(20));
        await AssertCompletedOnceAsync(coordinator, id);
        var log = coordinator.Process!.Output;
        await Assert.That(log).Contains("closing agent link from");
        await Assert.That(log).Contains("the agent token is not known");
        await Assert.That(log).Contains("outside 1..");
        await Assert.That(log).Contains("speaks link protocol");
        await Assert.That(log).Contains("without a start");
    }

    [Test]
    public async Task the_agent_has_help_and_refuses_bad_usage_and_a_bad_token_with_distinct_exit_codes()
    {
        var help = await Binary.RunAsync(Binary.EdgeJobsAgent, ["--help"]);
        var usage = await Binary.RunAsync(Binary.EdgeJobsAgent, ["--slots", "2"]);
        await Assert.That(help.Exit).IsEqualTo(0);
        await Assert.That(help.Stdout).Contains("usage: edgejobs-agent");
        await Assert.That(usage.Exit).IsEqualTo(2);
        await Assert.That(usage.Stderr).Contains("--coordinator");
        await Assert.That(help.Stdout).Contains("--raster-threads N");
        var threads = await Binary.RunAsync(Binary.EdgeJobsAgent, ["--coordinator", "127.0.0.1:1", "--token-file", "/dev/null", "--raster-threads", "0"]);
        await Assert.That(threads.Exit).IsEqualTo(2);
        await Assert.That(threads.Stderr).Contains("--raster-threads must be an integer from 1 to 1024, not '0'");
        var cache = await Binary.RunAsync(Binary.EdgeJobsAgent, ["--coordinator", "127.0.0.1:1", "--token-file", "/dev/null", "--gdal-cache-mb", "lots"]);
        await Assert.That(cache.Exit).IsEqualTo(2);
        await Assert.That(cache.Stderr).Contains("--gdal-cache-mb must be an integer from 16");

        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        var badToken = Path.Combine(coordinator.DataDir, "bad.token");
        await File.WriteAllTextAsync(badToken, "ej_wrong");
        var refused = await Binary.RunAsync(Binary.EdgeJobsAgent,
            ["--coordinator", $"127.0.0.1:{coordinator.LinkPort}", "--token-file", badToken, "--work-dir", Path.Combine(coordinator.DataDir, "bad-agent")]);
        await Assert.That(refused.Exit).IsEqualTo(3);
        await Assert.That(refused.Stdout + refused.Stderr).Contains("refused this agent: unauthorized");
    }

    /// <summary>True when the coordinator closes the connection after these bytes (whatever it answers first).</summary>
    private static async Task<bool> SendAndWaitForCloseAsync(int port, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
