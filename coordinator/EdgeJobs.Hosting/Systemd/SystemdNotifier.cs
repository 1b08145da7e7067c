using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeJobs.Hosting.Systemd;

/// <summary>
/// The sd_notify protocol, for <c>Type=notify</c> units: datagrams to <c>$NOTIFY_SOCKET</c> saying
/// READY=1, STOPPING=1, STATUS=… and WATCHDOG=1. Without <c>NOTIFY_SOCKET</c> (not under systemd) every
/// call does nothing. Both binaries use it.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SystemdNotifier()
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || !(path[0] is '/' or '@'))
        {
            return;
        }

        // A leading '@' names a socket in the abstract namespace.
        _endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (TryParseWatchdog(out var interval))
        {
            WatchdogInterval = interval;
        }
    }

    public bool Enabled => _socket is not null;

    /// <summary>How often to ping the watchdog (half of <c>WatchdogSec</c>), when systemd asked for pings.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

    /// <summary>Pings the watchdog while <paramref name="healthy"/> says so, until <paramref name="stop"/>.</summary>
    public async Task RunWatchdogAsync(Func<Task<bool>> healthy, CancellationToken stop)
    {
        if (WatchdogInterval is not { } interval)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                // A wedged process stops pinging, and systemd restarts it.
                if (await healthy().ConfigureAwait(false))
                {
                    Watchdog();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Send(string message)
    {
        if (_socket is null)
        {
            return;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _endpoint!);
        }
        catch (SocketException)
        {
            // systemd went away; nothing to tell.
        }
    }

    private static bool TryParseWatchdog(out TimeSpan interval)
    {
        interval = default;
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds <= 0)
        {
            return false;
        }

        if (pid is { Length: > 0 } && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        interval = TimeSpan.FromTicks(microseconds * 10 / 2);
        return true;
    }

    public void Dispose() => _socket?.Dispose();
}
