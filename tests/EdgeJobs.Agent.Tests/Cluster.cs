using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeJobs.Agent.Tests;

/// <summary>A coordinator and agents in this process, with short leases so expiry tests run in seconds.</summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly List<(AgentService Agent, CancellationTokenSource Stop, Task Run, TempDir Dir)> _agents = [];

    private Cluster(ApiServer api) => Api = api;

    public ApiServer Api { get; }

    public JobLedger Ledger => Api.Ledger;

    /// <summary>The coordinator's datasets directory, as an agent that mounts it is given it.</summary>
    public string DatasetsDir => Path.Combine(Api.Server.Options.DataDir, "datasets");

    public static async Task<Cluster> StartAsync(TimeSpan? leaseTtl = null, TimeSpan? artifactTtl = null, QuotaOptions? quotas = null, (string Cert, string Key)? linkTls = null,
        string? colocatedAgentWorkDir = null, EdgeJobs.Coordinator.Datasets.IRasterInspector? rasterInspector = null, IReadOnlyList<string>? inputUrlAllow = null)
    {
        var api = await ApiServer.StartAsync(configure: o => o with
        {
            InputUrlAllow = inputUrlAllow ?? o.InputUrlAllow,
            RasterInspector = rasterInspector,
            TileReader = EdgeJobs.Server.GdalTileReader.Instance,
            ColocatedAgentWorkDir = colocatedAgentWorkDir,
            LinkTlsCertificate = linkTls?.Cert,
            LinkTlsKey = linkTls?.Key,
            Quotas = quotas ?? o.Quotas,
            ArtifactTtl = artifactTtl ?? TimeSpan.FromHours(1),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            SweepInterval = TimeSpan.FromMilliseconds(100),
            Ledger = o.Ledger with { LeaseTtl = leaseTtl ?? TimeSpan.FromSeconds(2), RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromMilliseconds(200) },
        });
        return new Cluster(api);
    }

    public async Task<AgentService> AddAgentAsync(string name, int slots = 2, ILoggerFactory? loggers = null, IEnumerable<EdgeJobs.Agent.Tools.IAgentTool>? tools = null,
        bool tls = false, string? tlsCa = null, bool waitForConnection = true, string? workDir = null, string? colocationSecret = null,
        string? datasetsDir = null, IReadOnlyDictionary<string, string>? labels = null, string? dataRoot = null, long? downloadInputsUpToBytes = null,
        IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest>? execTools = null)
    {
        var dir = new TempDir();
        var agent = new AgentService(new AgentOptions
        {
            Coordinator = Api.Server.LinkAddress.ToString(),
            Token = Api.Agent,
            Name = name,
            Slots = slots,
            WorkDir = workDir ?? dir.File("work"),
            ColocationSecret = colocationSecret,
            DataRoot = dataRoot ?? Api.DataRoot,
            DatasetsDir = datasetsDir,
            DownloadInputsUpToBytes = downloadInputsUpToBytes ?? AgentOptions.DefaultDownloadInputsUpToBytes,
            Labels = labels ?? new Dictionary<string, string>(),
            DrainTimeout = TimeSpan.FromSeconds(5),
            Tls = tls,
            TlsCaFile = tlsCa,
            ExecTools = execTools ?? [],
        }, loggers ?? NullLoggerFactory.Instance, tools);
        var stop = new CancellationTokenSource();
        var run = agent.RunAsync(stop.Token);
        _agents.Add((agent, stop, run, dir));
        if (waitForConnection)
        {
            await WaitForAsync(() => Task.FromResult(agent.Connected), TimeSpan.FromSeconds(10), $"agent {name} to connect");
        }

        return agent;
    }

    /// <summary>Stops an agent as SIGTERM would: drain, hand back, exit.</summary>
    public async Task StopAgentAsync(AgentService agent)
    {
        var entry = _agents.Single(a => a.Agent == agent);
        await entry.Stop.CancelAsync();
        await entry.Run;
    }

    public async Task<JobRow> WaitForStateAsync(long jobId, Func<JobState, bool> done, TimeSpan timeout)
    {
        JobRow? job = null;
        await WaitForAsync(async () => (job = await Ledger.GetJobAsync(jobId)) is { } j && done(j.JobState), timeout, $"job {jobId}");
        return job!;
    }

    /// <summary>Submits a job body through REST as bob, waits for it to end, and returns it as the API shows it.</summary>
    public async Task<JobDto> SubmitAndWaitAsync(string body, TimeSpan? timeout = null)
    {
        using var submit = await Api.SendAsync(HttpMethod.Post, "v1/jobs", Api.Bob, body);
        if (submit.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"submit answered {(int)submit.StatusCode}: {await submit.Content.ReadAsStringAsync()}");
        }

        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        await WaitForStateAsync(id, s => s.IsTerminal(), timeout ?? TimeSpan.FromSeconds(30));
        using var get = await Api.GetAsync($"v1/jobs/{id}", Api.Bob);
        return (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
    }

    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, stop, run, dir) in _agents)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
            }

            dir.Dispose();
        }

        await Api.DisposeAsync();
    }
}
