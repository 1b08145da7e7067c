using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>One held lease as an agent's heartbeat reports it; <see cref="Outputs"/> null from agents that do not report them.</summary>
public sealed record LeaseHeartbeat(long JobId, long Fence, ProgressReport Progress, IReadOnlyList<string> NewLogLines, bool StopAcknowledged, long FirstLogSeq = 0,
    IReadOnlyList<OutputProgress>? Outputs = null);

// What agents drive in bulk: a whole heartbeat in one transaction, timeouts, and node bookkeeping.
public sealed partial class JobLedger
{
    /// <summary>
    /// Applies a heartbeat: renews every lease still held under its fence, stores progress (per output too)
    /// and log lines, records acknowledged stops, and stamps the node's heartbeat — one transaction. Returns
    /// each lease's state afterwards (null when the lease is gone: fenced, finished or deleted).
    /// </summary>
    public Task<IReadOnlyList<(long JobId, long Fence, JobState? State)>> ApplyHeartbeatAsync(long nodeId, IReadOnlyList<LeaseHeartbeat> leases) =>
        WriteAsync<IReadOnlyList<(long, long, JobState?)>>(c =>
        {
            c.Execute("UPDATE nodes SET last_heartbeat_at = @Now WHERE id = @Id", new { Now = Now(), Id = nodeId });
            var verdicts = new List<(long, long, JobState?)>(leases.Count);
            foreach (var lease in leases)
            {
                if (lease.StopAcknowledged)
                {
                    AcknowledgeStop(c, lease.JobId, lease.Fence);
                }

                if (lease.NewLogLines.Count > 0)
                {
                    AppendLog(c, lease.JobId, lease.Fence, lease.NewLogLines, lease.FirstLogSeq);
                }

                var renewed = Renew(c, lease.JobId, lease.Fence, lease.Progress);
                if (renewed.IsOk && lease.Outputs is { Count: > 0 } outputs)
                {
                    RecordOutputs(c, lease.JobId, renewed.Job!.Attempt, outputs);
                }

                verdicts.Add((lease.JobId, lease.Fence, renewed.IsOk ? renewed.State : null));
            }

            return verdicts;
        });

    /// <summary>
    /// Running jobs whose attempt has outlived its timeout: flagged timed out and moved to
    /// stop_requested, so the stop is pushed and the job ends failed with code <c>timeout</c>.
    /// </summary>
    /// <returns>The jobs that timed out now, with the node holding each.</returns>
    public Task<IReadOnlyList<JobRow>> TimeOutDueJobsAsync() => WriteAsync<IReadOnlyList<JobRow>>(c =>
    {
        var now = Now();
        var due = c.Query<JobRow>(
            $"SELECT {JobColumns.List} FROM jobs WHERE state = 2 AND timeout_ms IS NOT NULL AND attempt_started_at + timeout_ms <= @Now AND timed_out = 0 LIMIT 1000",
            new { Now = now }).ToRowList();
        var timedOut = new List<JobRow>(due.Count);
        foreach (var before in due)
        {
            var after = before.Copy();
            after.TimedOut = 1;
            Save(c, before, after, new StateChange(JobState.StopRequested, EventReason.TimedOut), now);
            timedOut.Add(after);
        }

        return timedOut;
    });

    /// <summary>An attempt's end with its last log lines, in one transaction (so a retried report cannot duplicate lines).</summary>
    /// <remarks>
    /// A verified <paramref name="artifact"/> is recorded in the same transaction, only if the job completed;
    /// the attempt's final <paramref name="outputs"/> whenever the end is applied (a stopped job keeps what it had written).
    /// </remarks>
    public Task<Transition> FinishWithLogAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord? artifact = null, long firstLogSeq = 0,
        IReadOnlyList<OutputProgress>? outputs = null) => WriteAsync(c => FinishWithLog(c, jobId, fence, finalLines, report, artifact, firstLogSeq, outputs));

    private Transition FinishWithLog(SqliteConnection c, long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord? artifact, long firstLogSeq,
        IReadOnlyList<OutputProgress>? outputs)
    {
        if (finalLines.Count > 0)
        {
            var logged = AppendLog(c, jobId, fence, finalLines, firstLogSeq);
            if (!logged.IsOk)
            {
                return logged;
            }
        }

        var finished = Finish(c, jobId, fence, report);
        if (finished.IsOk && finished.State == JobState.Completed && artifact is not null)
        {
            RecordArtifact(c, jobId, artifact);
        }

        if (finished.IsOk && outputs is { Count: > 0 })
        {
            RecordOutputs(c, jobId, finished.Job!.Attempt, outputs);
        }

        return finished;
    }

    /// <summary>Marks a node draining (no new grants) or ready again. False when no such node.</summary>
    public Task<bool> SetDrainingAsync(long nodeId, bool draining) =>
        WriteAsync(c => c.Execute("UPDATE nodes SET draining = @Draining WHERE id = @Id", new { Draining = draining ? 1 : 0, Id = nodeId }) == 1);

    public async Task<NodeRow?> GetNodeAsync(long nodeId)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<NodeRow>("SELECT * FROM nodes WHERE id = @Id", new { Id = nodeId });
    }

    internal const string LeasesOfNodeSql = $"SELECT {JobColumns.List} FROM jobs WHERE lease_node_id = @Node";

    /// <summary>Jobs a node holds a lease or offer on, by node (for the nodes view and reconnects).</summary>
    public async Task<IReadOnlyList<JobRow>> LeasesOfNodeAsync(long nodeId)
    {
        await using var c = OpenReader();
        return c.Query<JobRow>(LeasesOfNodeSql, new { Node = nodeId }).ToRowList();
    }

    /// <summary>How many leases (running or stopping) each node holds.</summary>
    public async Task<IReadOnlyDictionary<long, int>> RunningCountsAsync()
    {
        await using var c = OpenReader();
        return c.Query<NodeCount>("SELECT j.lease_node_id AS node_id, count(*) AS count FROM jobs j JOIN job_states s ON s.state = j.state WHERE s.leased AND j.lease_node_id IS NOT NULL GROUP BY j.lease_node_id")
            .ToDictionary(r => r.NodeId, r => r.Count);
    }

    internal sealed class NodeCount
    {
        public long NodeId { get; set; }
        public int Count { get; set; }
    }

}
