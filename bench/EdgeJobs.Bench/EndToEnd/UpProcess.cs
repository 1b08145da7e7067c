using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// A published `edgejobs up` in its own process on free loopback ports and a fresh data directory, with an
/// HTTP client holding its admin token; disposing kills it and removes the directory.
/// </summary>
internal sealed class UpProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly int _linkPort;

    private UpProcess(Process process, string dir, int linkPort, HttpClient http)
    {
        _process = process;
        _dir = dir;
        _linkPort = linkPort;
        Http = http;
    }

    public HttpClient Http { get; }

    /// <param name="slots">The embedded agent's slots; 0 runs the coordinator alone.</param>
    /// <param name="options">More flags for `up`.</param>
    public static async Task<UpProcess> StartAsync(string binary, int slots, params string[] options)
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-bench", Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var linkPort = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { "up", "--data-dir", Path.Combine(dir, "data"), "--http", $"127.0.0.1:{port}", "--link", $"127.0.0.1:{linkPort}",
                "--local-agent-slots", slots.ToString(CultureInfo.InvariantCulture), "--log-level", "warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        var process = Process.Start(start)!;
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var up = new UpProcess(process, dir, linkPort, http);
        try
        {
            await WaitReadyAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                (await File.ReadAllTextAsync(Path.Combine(dir, "data", "admin.token"))).Trim());
            return up;
        }
        catch
        {
            await up.DisposeAsync();
            throw;
        }
    }

    /// <summary>A separate `edgejobs-agent` process attached to this coordinator's link.</summary>
    public Process StartAgent(string binary, int slots) => Process.Start(new ProcessStartInfo(binary)
    {
        ArgumentList = { "--coordinator", $"127.0.0.1:{_linkPort}", "--token-file", Path.Combine(_dir, "data", "agent.token"),
            "--work-dir", Path.Combine(_dir, "agent"), "--slots", slots.ToString(CultureInfo.InvariantCulture), "--log-level", "warning" },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    })!;

    /// <summary>CPU used so far by this coordinator and by the benchmark process (the clients).</summary>
    public CpuSnapshot CpuSnapshot()
    {
        _process.Refresh();
        return new CpuSnapshot(_process, _process.TotalProcessorTime, Process.GetCurrentProcess().TotalProcessorTime);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync("readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>CPU time of the coordinator and of the benchmark process at one moment.</summary>
internal readonly record struct CpuSnapshot(Process Coordinator, TimeSpan CoordinatorCpu, TimeSpan ClientCpu)
{
    /// <summary>CPU per job since this snapshot, e.g. "CPU per job: edgejobs up 150 µs, clients 45 µs".</summary>
    public string PerJob(int jobs)
    {
        Coordinator.Refresh();
        var server = (Coordinator.TotalProcessorTime - CoordinatorCpu).TotalMicroseconds / jobs;
        var client = (Process.GetCurrentProcess().TotalProcessorTime - ClientCpu).TotalMicroseconds / jobs;
        return string.Create(CultureInfo.InvariantCulture, $"CPU per job: edgejobs up {server:0} µs, clients {client:0} µs");
    }
}
