using System.Collections.Concurrent;
using EdgeJobs.Catalog.Recipes;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Link;
using EdgeJobs.Protocol.Link;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Scheduling;

/// <summary>
/// Pushes work to connected agents. Whenever something may have made work grantable (a submit, a freed
/// slot, a new agent, an expired lease) it is kicked; one loop then offers ready jobs to every agent
/// with free slots for the tools it runs. A one-second tick is the safety net for anything no kick
/// covers (a retry backoff running out, a lost message).
/// </summary>
internal sealed class Dispatcher(JobLedger ledger, ILogger logger, LeaseTokens? leaseTokens = null)
{
    private readonly ConcurrentDictionary<long, AgentSession> _sessions = new();
    private readonly SemaphoreSlim _kick = new(0, 1);

    public static readonly TimeSpan SafetyTick = TimeSpan.FromSeconds(1);

    public IReadOnlyCollection<AgentSession> Sessions => [.. _sessions.Values];

    public AgentSession? Session(long nodeId) => _sessions.TryGetValue(nodeId, out var s) ? s : null;

    /// <summary>Adds a session, closing any older one from the same node.</summary>
    public void Register(AgentSession session)
    {
        AgentSession? previous = null;
        _sessions.AddOrUpdate(session.NodeId, session, (_, old) =>
        {
            previous = old;
            return session;
        });
        previous?.Abort();
        Kick();
    }

    public void Unregister(AgentSession session) => _sessions.TryRemove(new KeyValuePair<long, AgentSession>(session.NodeId, session));

    /// <summary>Something may be grantable: run a pass soon (coalesced).</summary>
    public void Kick()
    {
        // Checked first: kicks come several times per job, and a throw per kick showed in profiles.
        if (_kick.CurrentCount > 0)
        {
            return; // a pass is already pending
        }

        try
        {
            _kick.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another kick got there between the check and the release.
        }
    }

    /// <summary>Tells the agent holding <paramref name="jobId"/> to stop it, now.</summary>
    public void PushStop(long? nodeId, long jobId, long fence)
    {
        if (nodeId is { } id && Session(id) is { } session)
        {
            session.Send(new Stop(jobId, fence));
        }
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                await _kick.WaitAsync(SafetyTick, cancellation).ConfigureAwait(false);
                await GrantPassAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task GrantPassAsync()
    {
        foreach (var session in _sessions.Values)
        {
            if (session.Draining || IsDrainedByOperator(session.NodeId))
            {
                continue;
            }

            var free = session.FreeSlots;
            if (free == 0 || session.Tools.Count == 0)
            {
                continue;
            }

            try
            {
                var leases = await ledger.GrantAsync(session.NodeId, session.GrantableTools, free, session.LabelsJson,
                    readsDatasets: session.DatasetAccess != DatasetAccess.None && (session.DatasetAccess == DatasetAccess.Mounted || leaseTokens is not null),
                    takesSteps: session.Features.HasFlag(AgentFeatures.StepArtifacts) && leaseTokens is not null, deadline: session.GrantDeadline).ConfigureAwait(false);
                foreach (var lease in leases)
                {
                    session.Hold(lease.JobId);
                    var grant = new Grant(lease.JobId, lease.Attempt, lease.Fence, lease.Tool, lease.ToolVersion, lease.Params,
                        lease.TimeoutMs is { } t ? ledger.Now() + t : 0);
                    session.Send(lease switch
                    {
                        { StepId: not null } => await StepGrantAsync(session, lease, grant).ConfigureAwait(false),
                        { Dataset: { } dataset } => new DatasetGrant(grant, dataset, InputUrl(session, lease)),
                        _ => grant,
                    });
                }
            }
            catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
            {
                logger.GrantFailed(e, session.NodeId);
            }
        }
    }

    /// <summary>A step job's grant, with the URLs of the earlier steps' artifacts it may name (<c>"step:ID.output"</c>).</summary>
    private async Task<StepGrant> StepGrantAsync(AgentSession session, Lease lease, Grant grant)
    {
        var token = leaseTokens!.Issue(lease.JobId, lease.Fence);
        // Most steps name no earlier artifact: no read for them (a grant pass offers many step jobs in a row).
        var inputs = lease.Params.Contains("\"" + StepReferences.StepPrefix, StringComparison.Ordinal)
            ? await ledger.GetStepInputsAsync(lease.ParentId!.Value, lease.StepId!).ConfigureAwait(false)
            : [];
        StepArtifact[] artifacts = [.. inputs.Where(i => i.Artifact is not null).Select(i =>
        {
            var fileName = Path.GetFileName(i.Artifact!.Path);
            return new StepArtifact(StepReferences.Of(i.StepId),
                $"{session.HttpUrl}v1/leases/{token}/steps/{Uri.EscapeDataString(i.StepId)}/{Uri.EscapeDataString(fileName)}", fileName, i.Artifact.SizeBytes);
        })];
        return new StepGrant(grant, lease.Dataset, lease.Dataset is null ? null : InputUrl(session, lease), artifacts);
    }

    /// <summary>Where an agent without the datasets mounted reads this lease's inputs; null for one that mounts them.</summary>
    private string? InputUrl(AgentSession session, Lease lease) =>
        session.DatasetAccess == DatasetAccess.Mounted ? null : $"{session.HttpUrl}v1/leases/{leaseTokens!.Issue(lease.JobId, lease.Fence)}/files/";

    private readonly ConcurrentDictionary<long, bool> _operatorDrained = new();

    /// <summary>Operator drains (REST) are kept here as well as in the ledger, so a pass needs no read.</summary>
    public void SetOperatorDrained(long nodeId, bool drained)
    {
        _operatorDrained[nodeId] = drained;
        if (!drained)
        {
            Kick();
        }
    }

    public bool IsDrainedByOperator(long nodeId) => _operatorDrained.TryGetValue(nodeId, out var drained) && drained;
}
