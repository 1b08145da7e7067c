using System.Diagnostics;
using System.Net.Sockets;
using EdgeJobs.Protocol.Link;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Link;

/// <summary>
/// An agent that keeps sending but never reads: its answers pile up first in its socket, then in Kestrel's
/// output buffer, then in the session's queue. The queue is bounded, so the coordinator closes that link
/// instead of growing without limit, and goes on serving everyone else.
/// </summary>
public class SlowAgentTests
{
    [Test]
    public async Task an_agent_that_never_reads_has_its_link_closed_when_its_queue_is_full()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { LinkOutgoingQueueCapacity = 8 });
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024, NoDelay = true };
        await client.ConnectAsync(api.Server.LinkAddress);
        await client.SendAsync(LinkFrames.Encode(new Hello(LinkProtocol.Version, api.Agent, "never-reads", "never-reads", [], [], 1, [])));

        // Each heartbeat reports 500 leases the coordinator does not know: it answers with 500 verdicts.
        var reports = Enumerable.Range(1, 500).Select(i => new LeaseReport(1_000_000 + i, 1, 0, null, [], false)).ToArray();
        var heartbeat = LinkFrames.Encode(new Heartbeat(reports, 0));
        var sent = 0;
        var clock = Stopwatch.StartNew();
        Exception? closed = null;
        while (closed is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                await client.SendAsync(heartbeat);
                sent++;
            }
            catch (SocketException e)
            {
                closed = e;
            }
        }

        await Assert.That(closed).IsNotNull().Because($"the link stayed open after {sent} heartbeats ({sent * heartbeat.Length / 1024} KiB) that were never read");
        using var health = await api.SendAsync(HttpMethod.Get, "healthz", token: null);
        await Assert.That(health.IsSuccessStatusCode).IsTrue();
    }
}
