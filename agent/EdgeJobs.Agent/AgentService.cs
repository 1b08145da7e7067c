using System.Security.Cryptography;
using EdgeJobs.Agent.Link;
using EdgeJobs.Agent.Runner;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Agent.Tools.Exec;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Agent;

/// <summary>
/// An agent: runs jobs the coordinator grants until stopped, then drains — no new grants, running jobs
/// get <see cref="AgentOptions.DrainTimeout"/> to finish, the rest are stopped and handed back — and
/// returns once the coordinator has every result.
/// </summary>
public sealed class AgentService
{
    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private readonly JobRunner _runner;
    private readonly AgentLink _link;

    public AgentService(AgentOptions options, ILoggerFactory loggers, IEnumerable<IAgentTool>? tools = null)
    {
        _options = options;
        _logger = loggers.CreateLogger("EdgeJobs.Agent");
        Directory.CreateDirectory(options.WorkDir);

        // Artifacts of a previous run were for leases this process no longer holds.
        var outbox = Path.Combine(options.WorkDir, "outbox");
        if (Directory.Exists(outbox))
        {
            Directory.Delete(outbox, recursive: true);
        }
        if (options.GdalCacheMegabytes is { } cache)
        {
            // Applied when GDAL loads (lazily, with the first raster job); nothing loads it here.
            Interop.Gdal.GdalLibrary.SetCacheMegabytes(cache);
        }

        // A tool whose program this node lacks is not advertised: its jobs go to agents that can run them.
        var execTools = new List<ExecAgentTool>();
        foreach (var manifest in options.ExecTools)
        {
            if (ExecAgentTool.CanStart(manifest.Argv.Program))
            {
                execTools.Add(new ExecAgentTool(manifest));
            }
            else
            {
                _logger.ExecProgramMissing(manifest.Id, manifest.Version, manifest.Source, manifest.Argv.Program);
            }
        }

        if (execTools.Count > 0)
        {
            _logger.ExecTools(string.Join(", ", execTools.Select(t => $"{t.Id} v{t.Version}")));
        }

        var registry = (tools ?? BuiltInTools()).Concat(execTools).ToDictionary(t => t.Id, StringComparer.Ordinal);
        _runner = new JobRunner(options, registry, _logger);
        _link = new AgentLink(options, _runner, LoadNodeKey(options.WorkDir), _logger);
    }

    /// <summary>Tools that change whole datasets: only for an agent given <see cref="AgentOptions.DatasetAccess"/>.</summary>
    public static IEnumerable<IAgentTool> DatasetTools() => [new RescanIndexRunner(), new ArchiveExtractRunner(), new BulkDownloadRunner()];

    /// <summary>
    /// Reads the exec tools of a tools dir (every <c>*.json</c>, not its subfolders), refusing the whole dir when one is
    /// wrong: an agent that started without a tool its operator meant it to have would only fail later and elsewhere.
    /// </summary>
    /// <exception cref="Catalog.Exec.ExecManifestException">the file and line of the first problem.</exception>
    public static IReadOnlyList<Catalog.Exec.ExecManifest> LoadExecTools(string toolsDir) =>
        Catalog.Exec.ExecManifestDirectory.Load(toolsDir, Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds);

    public static IEnumerable<IAgentTool> BuiltInTools() => [new SleepRunner(), new RandomArtifactRunner(), new InfoRunner(), new RasterExportRunner(), new BuildRunner(),
        new MergeMultispectralRunner(), new ReprojectRunner(), new NcToGeoTiffRunner(), new MergeTerrainRunner(), new AlignRasterRunner(), new EchoRunner()];

    /// <summary>The node id the coordinator assigned (0 before the first connection).</summary>
    public long NodeId => _link.NodeId;

    public bool Connected => _link.Connected;

    /// <summary>Runs until <paramref name="stop"/> fires, then drains and returns.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var linkStop = new CancellationTokenSource();
        var link = _link.RunAsync(linkStop.Token);
        try
        {
            using var leaving = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var walltime = WalltimeAsync(leaving.Token);
            var left = await Task.WhenAny(link, Task.Delay(Timeout.Infinite, leaving.Token), walltime, IdleAsync(leaving.Token)).ConfigureAwait(false);
            await leaving.CancelAsync().ConfigureAwait(false);
            if (link.IsCompleted)
            {
                await link.ConfigureAwait(false);
                return;
            }

            // SIGTERM to an agent in an allocation is Slurm taking the node away (scancel, preemption): its jobs are handed
            // back at once rather than raced against the kill. Near the walltime, and elsewhere, running jobs may finish.
            await DrainAsync(left != walltime && stop.IsCancellationRequested && _options.AllocationEnd is not null ? TimeSpan.Zero : _options.DrainTimeout).ConfigureAwait(false);
        }
        finally
        {
            await linkStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await link.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Completes when the allocation's walltime is near enough that draining must start (never without one).</summary>
    private async Task WalltimeAsync(CancellationToken cancellation)
    {
        if (_options.LeaveAt is not { } leaveAt)
        {
            await Task.Delay(Timeout.Infinite, cancellation).ConfigureAwait(false);
            return;
        }

        var wait = leaveAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellation).ConfigureAwait(false);
        }

        _logger.WalltimeNear(_options.AllocationEnd!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Completes once the agent has been connected holding no job for <see cref="AgentOptions.IdleTimeout"/> (never when it is zero).</summary>
    private async Task IdleAsync(CancellationToken cancellation)
    {
        if (_options.IdleTimeout <= TimeSpan.Zero)
        {
            await Task.Delay(Timeout.Infinite, cancellation).ConfigureAwait(false);
            return;
        }

        var idleSince = DateTime.UtcNow;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(_options.IdleTimeout.TotalMilliseconds / 10, 100, 1000));
        while (true)
        {
            await Task.Delay(tick, cancellation).ConfigureAwait(false);
            // Idle means connected with nothing to do: an agent that cannot reach the coordinator is not idle, it is waiting
            // (the coordinator cancels an allocation none of whose agents connected, and counts that as a failed start).
            if (!_runner.IsEmpty || !_link.Connected)
            {
                idleSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - idleSince >= _options.IdleTimeout)
            {
                _logger.IdleExit(_options.IdleTimeout.TotalSeconds);
                return;
            }
        }
    }

    private async Task DrainAsync(TimeSpan timeout)
    {
        _runner.StartDraining();
        _link.SendDraining();
        _logger.Draining(timeout.TotalSeconds, _runner.RunningCount);
        var deadline = DateTime.UtcNow + timeout;
        while (_runner.RunningCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        // Whatever still runs is stopped and reported stopped, which hands it back for another agent.
        _runner.StopAll();
        var ackDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_runner.IsEmpty && _link.Connected && DateTime.UtcNow < ackDeadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        _logger.Drained();
    }

    /// <summary>The node's identity, kept in the work dir so a restarted agent is the same node.</summary>
    private static string LoadNodeKey(string workDir)
    {
        var path = Path.Combine(workDir, "node.key");
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                return existing;
            }
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(path, key + "\n");
        return key;
    }
}
