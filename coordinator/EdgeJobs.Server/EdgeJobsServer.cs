using EdgeJobs.Agent;
using EdgeJobs.Coordinator;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Server;

/// <summary>
/// A coordinator and, when <see cref="EmbeddedAgentOptions.Slots"/> is above 0, an agent in the same process
/// (one machine, one binary), and a second one for dataset tools (<see cref="EmbeddedAgentOptions.DatasetSlots"/>). The embedded agent dials the coordinator's own link with the agent token
/// of first start and hands its artifacts over by renaming them out of <c>DATA_DIR/agent</c> (the same
/// disk), proving itself with the per-process colocation secret. Stopping drains the agent while the
/// link is still up, so its results reach the ledger, then stops the coordinator.
/// </summary>
public sealed class EdgeJobsServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _agentStop = new();
    private readonly Task _agentRun;

    private EdgeJobsServer(CoordinatorServer coordinator, AgentService? agent, AgentService? datasetAgent, string? agentNotStarted)
    {
        Coordinator = coordinator;
        Agent = agent;
        DatasetAgent = datasetAgent;
        AgentNotStarted = agentNotStarted;
        _agentRun = Task.WhenAll(agent?.RunAsync(_agentStop.Token) ?? Task.CompletedTask, datasetAgent?.RunAsync(_agentStop.Token) ?? Task.CompletedTask);
    }

    public CoordinatorServer Coordinator { get; }

    /// <summary>The embedded agent, or null when there are no local slots or no agent token.</summary>
    public AgentService? Agent { get; }

    /// <summary>The agent that runs dataset tools where the datasets are, or null with no dataset slots or no agent token.</summary>
    public AgentService? DatasetAgent { get; }

    /// <summary>Why there is no embedded agent although slots were asked for (the agent token is missing), for the operator.</summary>
    public string? AgentNotStarted { get; }

    /// <summary>The embedded agent's work dir: on the coordinator's disk, so artifacts move by rename.</summary>
    public static string LocalAgentWorkDir(CoordinatorOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "agent"));

    public static async Task<EdgeJobsServer> StartAsync(CoordinatorOptions options, EmbeddedAgentOptions agent, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agent.Slots);
        ArgumentOutOfRangeException.ThrowIfNegative(agent.DatasetSlots);
        options = options with
        {
            ColocatedAgentWorkDir = agent.Slots > 0 || agent.DatasetSlots > 0 ? LocalAgentWorkDir(options) : null,
            RasterInspector = options.RasterInspector ?? GdalRasterInspector.Instance,
            TileReader = options.TileReader ?? GdalTileReader.Instance,
        };
        var coordinator = await CoordinatorServer.StartAsync(options, cancellation).ConfigureAwait(false);
        if (agent.Slots == 0 && agent.DatasetSlots == 0)
        {
            return new EdgeJobsServer(coordinator, null, null, null);
        }

        var tokenPath = coordinator.Options.AgentTokenPath;
        if (!File.Exists(tokenPath))
        {
            var why = $"no embedded agent: {tokenPath} is missing (mint one with `edgejobs token create --scopes agent`)";
            coordinator.LoggerFactory.CreateLogger("EdgeJobs.Server").LogWarning("{Why}", why);
            return new EdgeJobsServer(coordinator, null, null, why);
        }

        var common = new AgentOptions
        {
            Coordinator = coordinator.LinkAddress.ToString(),
            Token = (await File.ReadAllTextAsync(tokenPath, cancellation).ConfigureAwait(false)).Trim(),
            Name = Environment.MachineName + " (local)",
            Slots = agent.Slots,
            WorkDir = LocalAgentWorkDir(options),
            DataRoot = coordinator.Options.ResolvedDataRoot,
            // The agents in the coordinator's process read datasets where they are.
            DatasetsDir = Path.Combine(coordinator.Options.DataDir, "datasets"),
            DrainTimeout = agent.DrainTimeout,
            Tls = options.LinkTlsCertificate is not null,
            TlsCaFile = options.LinkTlsCertificate,
            ColocationSecret = coordinator.ColocationSecret,
            RasterThreads = agent.RasterThreads ?? Environment.ProcessorCount,
            GdalCacheMegabytes = agent.GdalCacheMegabytes,
            ExecTools = agent.ExecTools,
        };
        var service = agent.Slots > 0 ? new AgentService(common, coordinator.LoggerFactory) : null;
        // Dataset tools get a node of their own, so a long archive extraction never takes a raster slot (nor the reverse).
        var datasetService = agent.DatasetSlots > 0
            ? new AgentService(common with
            {
                Name = Environment.MachineName + " (datasets)",
                Slots = agent.DatasetSlots,
                WorkDir = Path.Combine(LocalAgentWorkDir(options), "datasets-agent"),
                DatasetAccess = new CoordinatorDatasetAccess(coordinator.Datasets),
                ExecTools = [],
            }, coordinator.LoggerFactory, AgentService.DatasetTools())
            : null;
        return new EdgeJobsServer(coordinator, service, datasetService, null);
    }

    /// <summary>Completes when the process is asked to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default) => Coordinator.WaitForShutdownAsync(cancellation);

    /// <summary>Drains the embedded agent (its running jobs finish or are handed back) while the coordinator still listens.</summary>
    public async Task StopAgentAsync()
    {
        await _agentStop.CancelAsync().ConfigureAwait(false);
        await _agentRun.ConfigureAwait(false);
    }

    /// <summary>Drains the embedded agent, then stops the coordinator, even when the agent had failed (its error is rethrown after).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAgentAsync().ConfigureAwait(false);
        }
        finally
        {
            await Coordinator.DisposeAsync().ConfigureAwait(false);
            _agentStop.Dispose();
        }
    }
}
