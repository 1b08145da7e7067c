using System.Net.Sockets;
using System.Text;

namespace EdgeJobs.Smoke.Tests;

/// <summary>Both binaries speak sd_notify: READY=1 once serving, WATCHDOG=1 pings, STOPPING=1 on SIGTERM.</summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SystemdNotifyTests
{
    [Test]
    public async Task the_coordinator_and_the_agent_notify_readiness_watchdog_and_stopping()
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"ej-notify-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var env = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "400000" };
        try
        {
            await using var coordinator = new CoordinatorProcess();
            await coordinator.StartAsync(env);
            await Assert.That(await ReceiveAsync(socket, "READY=1")).Contains("STATUS=serving on");
            await Assert.That(await ReceiveAsync(socket, "WATCHDOG=1")).IsEqualTo("WATCHDOG=1");

            await using var agent = coordinator.StartAgent("notify", 1, environment: env);
            await Assert.That(await ReceiveAsync(socket, "STATUS=agent notify")).Contains("READY=1");
            await Assert.That(await agent.TerminateAsync(TimeSpan.FromSeconds(15))).IsEqualTo(0);
            await Assert.That(await ReceiveAsync(socket, "STOPPING=1")).Contains("draining");

            await Assert.That(await coordinator.Process!.TerminateAsync(TimeSpan.FromSeconds(15))).IsEqualTo(0);
            await Assert.That(await ReceiveAsync(socket, "STOPPING=1")).Contains("stopping");
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    /// <summary>The next datagram containing <paramref name="expected"/>, skipping others (watchdog pings interleave).</summary>
    private static async Task<string> ReceiveAsync(Socket socket, string expected)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            var message = Encoding.UTF8.GetString(buffer, 0, n);
            if (message.Contains(expected, StringComparison.Ordinal))
            {
                return message;
            }
        }
    }
}
