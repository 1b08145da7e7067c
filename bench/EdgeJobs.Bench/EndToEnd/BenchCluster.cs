using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using EdgeJobs.Agent;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Coordinator;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// A coordinator (durable commits, the product default) and in-process agents dialling its link over
/// loopback; jobs go in through REST like an upstream system's.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly string _dir;
    private readonly List<(Task Run, CancellationTokenSource Stop)> _agents = [];

    private readonly IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest> _execTools;

    private BenchCluster(string dir, CoordinatorServer server, HttpClient http, IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest> execTools)
    {
        _execTools = execTools;
        _dir = dir;
        Server = server;
        Http = http;
    }

    public CoordinatorServer Server { get; }

    public HttpClient Http { get; }

    /// <summary>When each job's tool started, by job id (Stopwatch timestamps).</summary>
    public ConcurrentDictionary<long, long> Started { get; } = new();

    /// <summary>When each job's tool returned (Stopwatch timestamps), by job id.</summary>
    public ConcurrentDictionary<long, long> Ended { get; } = new();

    /// <param name="execTools">Exec tools every agent of this cluster has (README "Exec tools").</param>
    public static async Task<BenchCluster> StartAsync(int agents, int slots, bool durable = true, IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest>? execTools = null)
    {
        EdgeJobs.Hosting.MallocThresholds.Raise(); // as the edgejobs binaries do at start
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-bench", Guid.NewGuid().ToString("N"));
        var server = await CoordinatorServer.StartAsync(new CoordinatorOptions
        {
            DataDir = Path.Combine(dir, "data"),
            Http = "127.0.0.1:0",
            Link = "127.0.0.1:0",
            LogLevel = LogLevel.Warning,
            Ledger = new LedgerOptions { Durable = durable },
            Quotas = new QuotaOptions { MaxActiveJobs = long.MaxValue, MaxActivePerOwner = long.MaxValue, MaxActivePerTool = long.MaxValue },
        });
        var http = new HttpClient { BaseAddress = server.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(server.Options.AdminTokenPath)).Trim());
        var cluster = new BenchCluster(dir, server, http, execTools ?? []);
        await cluster.AddAgentsAsync(agents, slots);
        return cluster;
    }

    /// <summary>Connects <paramref name="count"/> more in-process agents and waits until each is linked.</summary>
    public async Task AddAgentsAsync(int count, int slots)
    {
        var token = (await File.ReadAllTextAsync(Server.Options.AgentTokenPath)).Trim();
        for (var i = 0; i < count; i++)
        {
            var name = $"bench-{_agents.Count}";
            var agent = new AgentService(new AgentOptions
            {
                Coordinator = Server.LinkAddress.ToString(),
                Token = token,
                Name = name,
                Slots = slots,
                WorkDir = Path.Combine(_dir, name),
                DataRoot = Server.Options.ResolvedDataRoot,
                ExecTools = _execTools,
            }, NullLoggerFactory.Instance, [new StampingTool(Started, Ended)]);
            var stop = new CancellationTokenSource();
            _agents.Add((agent.RunAsync(stop.Token), stop));
            while (!agent.Connected)
            {
                await Task.Delay(5);
            }
        }
    }

    public Task<long> SubmitAsync(double seconds) =>
        SubmitAsync("{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");

    /// <summary>Waits until no job is active.</summary>
    public async Task WaitIdleAsync()
    {
        while ((await Server.Ledger.ActiveCountsAsync("", "")).All > 0)
        {
            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (run, stop) in _agents)
        {
            await stop.CancelAsync();
            await run;
        }

        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Submits any job body; the new job's id.</summary>
    public async Task<long> SubmitAsync(string json)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("v1/jobs", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {text}");
        }

        var at = text.IndexOf("\"id\":", StringComparison.Ordinal) + 5;
        return long.Parse(text.AsSpan(at, text.IndexOf(',', at) - at), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The sleep tool, stamping when each job's tool actually started and when it returned.</summary>
    private sealed class StampingTool(ConcurrentDictionary<long, long> started, ConcurrentDictionary<long, long> ended) : IAgentTool
    {
        private readonly SleepRunner _sleep = new();

        public string Id => _sleep.Id;

        public string Version => _sleep.Version;

        public Task RunAsync(ToolContext context)
        {
            started[context.JobId] = System.Diagnostics.Stopwatch.GetTimestamp();
            return RunAndStampAsync(context);
        }

        private async Task RunAndStampAsync(ToolContext context)
        {
            await _sleep.RunAsync(context);
            ended[context.JobId] = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }
}
