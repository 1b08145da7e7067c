using EdgeJobs.Agent;
using EdgeJobs.Coordinator;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Server;

/// <summary>
/// A coordinator and, when <see cref="EmbeddedAgentOptions.Slots"/> is above 0, an agent in the same process
/// (one machine, one binary). The embedded agent dials the coordinator's own link with the agent token
/// of first start and hands its artifacts over by renaming them out of <c>DATA_DIR/agent</c> (the same
/// disk), proving itself with the per-process colocation secret. Stopping drains the agent while the
/// link is still up, so its results reach the ledger, then stops the coordinator.
/// </summary>
public sealed class EdgeJobsServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _agentStop = new();
    private readonly Task _agentRun;

    private EdgeJobsServer(CoordinatorServer coordinator, AgentService? agent, string? agentNotStarted)
    {
        Coordinator = coordinator;
        Agent = agent;
        AgentNotStarted = agentNotStarted;
        _agentRun = agent?.RunAsync(_agentStop.Token) ?? Task.CompletedTask;
    }

    public CoordinatorServer Coordinator { get; }

    /// <summary>The embedded agent, or null when there are no local slots or no agent token.</summary>
    public AgentService? Agent { get; }

    /// <summary>Why there is no embedded agent although slots were asked for (the agent token is missing), for the operator.</summary>
    public string? AgentNotStarted { get; }

    /// <summary>The embedded agent's work dir: on the coordinator's disk, so artifacts move by rename.</summary>
    public static string LocalAgentWorkDir(CoordinatorOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "agent"));

    public static async Task<EdgeJobsServer> StartAsync(CoordinatorOptions options, EmbeddedAgentOptions agent, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agent.Slots);
        options = options with
        {
            ColocatedAgentWorkDir = agent.Slots > 0 ? LocalAgentWorkDir(options) : null,
            RasterInspector = options.RasterInspector ?? GdalRasterInspector.Instance,
        };
        var coordinator = await CoordinatorServer.StartAsync(options, cancellation).ConfigureAwait(false);
        if (agent.Slots == 0)
        {
            return new EdgeJobsServer(coordinator, null, null);
        }

        var tokenPath = coordinator.Options.AgentTokenPath;
        if (!File.Exists(tokenPath))
        {
            var why = $"no embedded agent: {tokenPath} is missing (mint one with `edgejobs token create --scopes agent`)";
            coordinator.LoggerFactory.CreateLogger("EdgeJobs.Server").LogWarning("{Why}", why);
            return new EdgeJobsServer(coordinator, null, why);
        }

        var service = new AgentService(new AgentOptions
        {
            Coordinator = coordinator.LinkAddress.ToString(),
            Token = (await File.ReadAllTextAsync(tokenPath, cancellation).ConfigureAwait(false)).Trim(),
            Name = Environment.MachineName + " (local)",
            Slots = agent.Slots,
            WorkDir = LocalAgentWorkDir(options),
            DataRoot = coordinator.Options.ResolvedDataRoot,
            // The agent in the coordinator's process reads datasets where they are.
            DatasetsDir = Path.Combine(coordinator.Options.DataDir, "datasets"),
            DrainTimeout = agent.DrainTimeout,
            Tls = options.LinkTlsCertificate is not null,
            TlsCaFile = options.LinkTlsCertificate,
            ColocationSecret = coordinator.ColocationSecret,
            RasterThreads = agent.RasterThreads ?? Environment.ProcessorCount,
            GdalCacheMegabytes = agent.GdalCacheMegabytes,
        }, coordinator.LoggerFactory);
        return new EdgeJobsServer(coordinator, service, null);
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
