using System.Collections.Concurrent;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Slurm;

// An allocation's life, as the ledger records it (slurm_allocations.state):
//
//   pending ──squeue: RUNNING──▶ running ──agents idle past the idle timeout, or walltime──▶ ended
//      │ sbatch refused / squeue: FAILED…                 │ FAILED, NODE_FAIL, BOOT_FAIL…  ──▶ failed
//      ▼                                                   │ CANCELLED (scancel by anyone) ──▶ cancelled
//   failed                                                 ▼
//   cancelled (no longer needed while still queued, or the coordinator stopping)
//
// Any end revokes the allocation's token and expires the leases its agents held, so their jobs are retried at once.

/// <summary>
/// Asks Slurm for agents (HyperQueue's automatic allocation, README "HPC"): every <see cref="PollInterval"/> it
/// refreshes its allocations from <c>squeue</c> (<c>sacct</c> once squeue forgets one), then, per queue, counts the jobs
/// that have waited past a grant pass and fit the queue, and submits as many allocations as they need within the
/// queue's backlog and maximum. Slurm decides where and when they run; this decides only how many to ask for.
/// </summary>
public sealed class Allocator
{
    /// <summary>A job counts as waiting only once it has been due this long: a grant pass had its chance at it.</summary>
    private static readonly TimeSpan s_waitedPastGrant = TimeSpan.FromSeconds(1.5);

    private readonly JobLedger _ledger;
    private readonly Dispatcher _dispatcher;
    private readonly ToolCatalog _catalog;
    private readonly SlurmCommands _slurm;
    private readonly ILogger _logger;
    private SlurmSettings _settings;
    private readonly Dictionary<string, QueueState> _queues;
    private readonly ConcurrentDictionary<long, AllocationRow> _open = new();
    private readonly ConcurrentDictionary<long, bool> _connected = new();
    private long _startedAt;

    internal Allocator(SlurmSettings settings, JobLedger ledger, Dispatcher dispatcher, ToolCatalog catalog, ILogger logger)
    {
        _settings = settings;
        _ledger = ledger;
        _dispatcher = dispatcher;
        _catalog = catalog;
        _logger = logger;
        _slurm = new SlurmCommands(settings.BinDir);
        _queues = settings.Queues.ToDictionary(q => q.Name, q => new QueueState(q), StringComparer.Ordinal);
    }

    public TimeSpan PollInterval => _settings.PollInterval;

    /// <summary>
    /// Where the allocations' agents dial (<see cref="SlurmSettings.LinkAddress"/>, else the bound link address, with this
    /// host's name for a wildcard bind), the certificate they trust, and where allocations write their output
    /// (<c>DATA_DIR/slurm</c>). Called once the link listens, before <see cref="RunAsync"/>.
    /// </summary>
    internal void Bind(System.Net.IPEndPoint link, string? tlsCertificate, string dataDir)
    {
        var wildcard = link.Address.Equals(System.Net.IPAddress.Any) || link.Address.Equals(System.Net.IPAddress.IPv6Any);
        var address = _settings.LinkAddress
            ?? (wildcard ? $"{System.Net.Dns.GetHostName()}:{link.Port}" : link.ToString());
        var logDir = Path.Combine(dataDir, "slurm");
        Directory.CreateDirectory(logDir);
        _settings = _settings with
        {
            CoordinatorAddress = address,
            TlsCa = tlsCertificate is null ? null : Path.GetFullPath(tlsCertificate),
            LogDir = logDir,
        };
        _logger.SlurmQueues(_queues.Count, address);
    }

    /// <summary>The queues with their state, for <c>GET /v1/allocations</c> and <c>/metrics</c>.</summary>
    public IReadOnlyList<QueueState> Queues => [.. _queues.Values];

    /// <summary>
    /// Resumes a paused queue (<c>POST /v1/allocations/queues/{name}/resume</c>): the next pass may submit again. False
    /// when no queue has that name; a queue that was not paused stays as it was.
    /// </summary>
    public bool Resume(string name, string by)
    {
        if (!_queues.TryGetValue(name, out var queue))
        {
            return false;
        }

        if (queue.Resume() is { } reason)
        {
            _logger.QueueResumed(name, by, reason); // the next pass (PollInterval) may submit again
        }

        return true;
    }

    /// <summary>Allocations submitted since the coordinator started, by queue.</summary>
    public long Submitted(string queue) => _queues.TryGetValue(queue, out var q) ? Interlocked.Read(ref q.SubmittedCount) : 0;

    public async Task RunAsync(CancellationToken cancellation)
    {
        _startedAt = _ledger.Now();
        foreach (var row in await _ledger.ListOpenAllocationsAsync().ConfigureAwait(false))
        {
            _open[row.Id] = row;
        }

        if (!_open.IsEmpty)
        {
            _logger.AllocationsFound(_open.Count, string.Join(", ", _open.Values.Select(a => a.SlurmJobId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")));
        }

        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            do
            {
                try
                {
                    await PassAsync(cancellation).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
                {
                    _logger.AllocatorPassFailed(e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The coordinator is stopping: every allocation it asked for is cancelled (their agents hand work back first).</summary>
    public async Task CancelAllAsync()
    {
        foreach (var allocation in _open.Values.ToList())
        {
            if (allocation.SlurmJobId is { } job)
            {
                await _slurm.ScancelAsync(job).ConfigureAwait(false);
            }

            await EndAsync(allocation, "cancelled", null, "the coordinator stopped").ConfigureAwait(false);
        }
    }

    private async Task PassAsync(CancellationToken cancellation)
    {
        await RefreshAsync(cancellation).ConfigureAwait(false);
        foreach (var queue in _queues.Values)
        {
            await PlanAsync(queue, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Slurm's word on every open allocation, applied to the ledger.</summary>
    private async Task RefreshAsync(CancellationToken cancellation)
    {
        foreach (var lost in _open.Values.Where(a => a.SlurmJobId is null).ToList())
        {
            // Recorded, but the coordinator stopped before sbatch answered: find it by name, or it never was.
            var found = await _slurm.JobsNamedAsync(BatchScript.JobName(lost.Id), cancellation).ConfigureAwait(false);
            if (found.Count > 0)
            {
                await _ledger.SetAllocationSubmittedAsync(lost.Id, found[0]).ConfigureAwait(false);
                lost.SlurmJobId = found[0];
                lost.SlurmState = "PENDING";
            }
            else
            {
                await EndAsync(lost, "failed", null, "its submission was interrupted").ConfigureAwait(false);
            }
        }

        var ids = _open.Values.Where(a => a.SlurmJobId is not null).Select(a => a.SlurmJobId!.Value).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        if (await _slurm.SqueueAsync(ids, cancellation).ConfigureAwait(false) is not { } states)
        {
            return; // the controller did not answer: nothing can be concluded this time
        }

        foreach (var allocation in _open.Values.Where(a => a.SlurmJobId is not null).ToList())
        {
            var job = allocation.SlurmJobId!.Value;
            var state = states.GetValueOrDefault(job) ?? await _slurm.SacctStateAsync(job, cancellation).ConfigureAwait(false);
            switch (SlurmStates.Of(state))
            {
                case SlurmStates.Phase.Queued:
                    break;
                case SlurmStates.Phase.Running:
                    if (allocation.State != "running")
                    {
                        await _ledger.SetAllocationRunningAsync(allocation.Id, state!).ConfigureAwait(false);
                        allocation.State = "running";
                        allocation.StartedAt = _ledger.Now();
                        _logger.AllocationStarted(allocation.Queue, job);
                    }

                    await CheckAgentsAsync(allocation, job, cancellation).ConfigureAwait(false);
                    break;
                case SlurmStates.Phase.Completed:
                    // Ended before any of its agents ever connected: it ran nothing, a failed start.
                    var ranNothing = !_connected.ContainsKey(allocation.Id) && !await _ledger.AllocationAgentSeenAsync(job).ConfigureAwait(false);
                    await EndAsync(allocation, ranNothing ? "failed" : "ended", state, ranNothing ? "it ended before any of its agents connected" : null).ConfigureAwait(false);
                    if (ranNothing && _queues.TryGetValue(allocation.Queue, out var emptyQueue)
                        && emptyQueue.Failed($"allocation {job} ended {state} before any of its agents connected") is { } emptyWhy)
                    {
                        _logger.QueuePaused(emptyQueue.Queue.Name, emptyWhy);
                    }

                    break;
                case SlurmStates.Phase.Cancelled:
                    await EndAsync(allocation, "cancelled", state, "cancelled in Slurm (scancel)").ConfigureAwait(false);
                    break;
                case SlurmStates.Phase.Failed:
                    await EndAsync(allocation, "failed", state, $"Slurm ended it {state}").ConfigureAwait(false);
                    if (_queues.TryGetValue(allocation.Queue, out var failedQueue) && failedQueue.Failed($"allocation {job} ended {state}") is { } why)
                    {
                        _logger.QueuePaused(failedQueue.Queue.Name, why);
                    }

                    break;
                default:
                    await EndAsync(allocation, "ended", null, "no longer known to Slurm").ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>
    /// A started allocation has started for real once one of its agents connected (the queue's failures in a row reset);
    /// one none of whose agents connected within <see cref="SlurmSettings.ConnectTimeout"/> (counted from the coordinator's
    /// own start too, after a restart) is a failed start: it is cancelled and counts towards pausing the queue, instead of
    /// holding a place until its walltime (a wrong --slurm-link-address, an agent the nodes cannot run).
    /// </summary>
    private async Task CheckAgentsAsync(AllocationRow allocation, long job, CancellationToken cancellation)
    {
        if (_connected.ContainsKey(allocation.Id))
        {
            return;
        }

        if (ConnectedWorkers(allocation) > 0 || await _ledger.AllocationAgentSeenAsync(job).ConfigureAwait(false))
        {
            _connected[allocation.Id] = true;
            if (_queues.TryGetValue(allocation.Queue, out var started))
            {
                started.Succeeded();
            }

            return;
        }

        var since = Math.Max(allocation.StartedAt ?? _ledger.Now(), _startedAt);
        if (_ledger.Now() - since < (long)_settings.ConnectTimeout.TotalMilliseconds)
        {
            return;
        }

        await _slurm.ScancelAsync(job, cancellation).ConfigureAwait(false);
        _queues.TryGetValue(allocation.Queue, out var queue);
        var why = $"no agent of allocation {job} connected within {Hosting.CommandLine.Durations.Format(_settings.ConnectTimeout)} of its start "
            + $"(do compute nodes reach {_settings.CoordinatorAddress}, and can they run {queue?.Queue.Agent ?? _settings.DefaultAgent}?)";
        await EndAsync(allocation, "failed", "CANCELLED", why).ConfigureAwait(false);
        if (queue?.Failed(why) is { } paused)
        {
            _logger.QueuePaused(queue.Queue.Name, paused);
        }
    }

    /// <summary>How many allocations <paramref name="state"/>'s waiting jobs need, and submit them; cancel queued ones nobody needs.</summary>
    private async Task PlanAsync(QueueState state, CancellationToken cancellation)
    {
        var queue = state.Queue;
        var mine = _open.Values.Where(a => a.Queue == queue.Name).ToList();
        var perAllocation = queue.WorkersPerAllocation * queue.SlotsPerWorker;
        var now = _ledger.Now();
        // Only jobs an allocation starting now could finish: their timeout ends before its agents stop taking work.
        var deadline = now + (long)(queue.TimeLimit - queue.DrainMargin - TimeSpan.FromSeconds(5)).TotalMilliseconds;
        var waiting = await _ledger.CountWaitingForAsync(JsonText.Array(queue.ToolsFrom(_catalog)), JsonText.Object(queue.Labels), deadline,
            (long)s_waitedPastGrant.TotalMilliseconds, perAllocation * (queue.MaxAllocations + 1)).ConfigureAwait(false);
        var queued = mine.Where(a => a.State == "pending").ToList();
        if (waiting == 0)
        {
            foreach (var unneeded in queued)
            {
                if (unneeded.SlurmJobId is { } job && (await _slurm.ScancelAsync(job, cancellation).ConfigureAwait(false)).Ok)
                {
                    await EndAsync(unneeded, "cancelled", "CANCELLED", "no longer needed: no job waits for it").ConfigureAwait(false);
                }
            }

            return;
        }

        if (state.PausedReason is not null)
        {
            return;
        }

        // Capacity on its way: queued allocations, and started ones whose agents have not all connected yet.
        var starting = mine.Count(a => a.State == "running" && ConnectedWorkers(a) < a.Workers);
        var coming = (queued.Count + starting) * perAllocation;
        var wanted = (int)Math.Ceiling(Math.Max(0, waiting - coming) / (double)perAllocation);
        var room = Math.Min(queue.Backlog - queued.Count, queue.MaxAllocations - mine.Count);
        for (var i = 0; i < Math.Min(wanted, room); i++)
        {
            if (!await SubmitAsync(state, cancellation).ConfigureAwait(false))
            {
                break;
            }
        }
    }

    private int ConnectedWorkers(AllocationRow allocation) =>
        allocation.SlurmJobId is { } job ? _dispatcher.Sessions.Count(s => s.Name.StartsWith($"slurm-{job}-", StringComparison.Ordinal)) : 0;

    private async Task<bool> SubmitAsync(QueueState state, CancellationToken cancellation)
    {
        var queue = state.Queue;
        var token = TokenSecrets.Generate();
        var row = await _ledger.CreateAllocationAsync(queue.Name, queue.WorkersPerAllocation, TokenSecrets.Hash(token)).ConfigureAwait(false);
        _open[row.Id] = row;
        var script = BatchScript.Render(queue, queue.Agent ?? _settings.DefaultAgent, _settings.CoordinatorAddress, token, _settings.TlsCa, row.Id, _settings.LogDir);
        long? job;
        string? error;
        try
        {
            (job, error) = await _slurm.SbatchAsync(script, BatchScript.Arguments(queue, row.Id, _settings.LogDir), cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong, the row just made ends failed and counts as one: never an open row nobody submitted.
            (job, error) = (null, $"{e.GetType().Name}: {e.Message}");
        }

        if (job is { } id)
        {
            await _ledger.SetAllocationSubmittedAsync(row.Id, id).ConfigureAwait(false);
            row.SlurmJobId = id;
            row.SlurmState = "PENDING";
            Interlocked.Increment(ref state.SubmittedCount);
            _logger.AllocationSubmitted(queue.Name, id, queue.WorkersPerAllocation, queue.Partition);
            return true;
        }

        await EndAsync(row, "failed", null, "sbatch refused it: " + error).ConfigureAwait(false);
        _logger.SubmitFailed(queue.Name, error ?? "");
        if (state.Failed("sbatch: " + error) is { } why)
        {
            _logger.QueuePaused(queue.Name, why);
        }

        return false;
    }

    private async Task EndAsync(AllocationRow allocation, string state, string? slurmState, string? reason)
    {
        var cut = await _ledger.EndAllocationAsync(allocation.Id, state, slurmState, reason).ConfigureAwait(false);
        _open.TryRemove(allocation.Id, out _);
        _connected.TryRemove(allocation.Id, out _);
        if (allocation.SlurmJobId is { } job)
        {
            foreach (var session in _dispatcher.Sessions.Where(s => s.Name.StartsWith($"slurm-{job}-", StringComparison.Ordinal)))
            {
                session.Abort();
            }

            _logger.AllocationEnded(allocation.Queue, job, state, slurmState ?? "-", reason ?? "", cut);
        }

        if (cut > 0)
        {
            _dispatcher.Kick();
        }
    }

    /// <summary>A queue's pause state: failed submissions or starts in a row, and why it paused.</summary>
    public sealed class QueueState(SlurmQueue queue)
    {
        private int _failures;

        public SlurmQueue Queue { get; } = queue;

        internal long SubmittedCount;

        public string? PausedReason { get; private set; }

        public int ConsecutiveFailures => Volatile.Read(ref _failures);

        internal void Succeeded() => Interlocked.Exchange(ref _failures, 0);

        /// <returns>The reason, when this failure paused the queue.</returns>
        internal string? Failed(string what)
        {
            var failures = Interlocked.Increment(ref _failures);
            if (failures < Queue.MaxFailures || PausedReason is not null)
            {
                return null;
            }

            PausedReason = $"{failures} allocations in a row failed; the last: {what}. Fix the cause, then resume the queue " +
                $"(edgejobs allocations resume {Queue.Name}, or a coordinator restart)";
            return PausedReason;
        }

        /// <summary>An operator's resume: the failures are forgotten and allocations may be asked for again.</summary>
        /// <returns>The reason it was paused for; null when it was not paused.</returns>
        internal string? Resume()
        {
            var was = PausedReason;
            Interlocked.Exchange(ref _failures, 0);
            PausedReason = null;
            return was;
        }
    }
}
