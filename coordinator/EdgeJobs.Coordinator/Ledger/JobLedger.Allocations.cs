using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

// Slurm allocations (slurm_allocations, migration 0016; Slurm/ARCHITECTURE.md): written before sbatch runs and updated
// as squeue/sacct report them, so a restarted coordinator tracks the same allocations instead of asking again.
public sealed partial class JobLedger
{
    /// <summary>
    /// Records an allocation about to be submitted to <paramref name="queue"/>, with the one-time agent token minted for
    /// it (name <c>slurm-allocation-ID</c>, scope <c>agent</c>, stored by <paramref name="tokenHash"/>), in one transaction.
    /// </summary>
    public Task<AllocationRow> CreateAllocationAsync(string queue, int workers, string tokenHash) => WriteAsync(c =>
    {
        var now = Now();
        var row = c.QuerySingle<AllocationRow>("""
            INSERT INTO slurm_allocations (queue, state, workers, submitted_at) VALUES (@Queue, 'pending', @Workers, @Now) RETURNING *
            """, new { Queue = queue, Workers = workers, Now = now });
        row.TokenId = c.QuerySingle<long>("""
            INSERT INTO tokens (name, hash, scopes, created_at) VALUES (@Name, @Hash, 'agent', @Now) RETURNING id
            """, new { Name = $"slurm-allocation-{row.Id}", Hash = tokenHash, Now = now });
        c.Execute("UPDATE slurm_allocations SET token_id = @TokenId WHERE id = @Id", new { row.TokenId, row.Id });
        return row;
    });

    /// <summary>sbatch accepted the allocation as Slurm job <paramref name="slurmJobId"/>.</summary>
    public Task SetAllocationSubmittedAsync(long id, long slurmJobId) => WriteAsync(c =>
        c.Execute("UPDATE slurm_allocations SET slurm_job_id = @SlurmJobId, slurm_state = 'PENDING' WHERE id = @Id", new { Id = id, SlurmJobId = slurmJobId }));

    /// <summary>Slurm started the allocation (its agents are on their way).</summary>
    public Task SetAllocationRunningAsync(long id, string slurmState) => WriteAsync(c =>
        c.Execute("""
            UPDATE slurm_allocations SET state = 'running', slurm_state = @SlurmState, started_at = coalesce(started_at, @Now)
            WHERE id = @Id AND ended_at IS NULL
            """, new { Id = id, SlurmState = slurmState, Now = Now() }));

    /// <summary>
    /// The allocation ended (<paramref name="state"/>: ended, failed or cancelled): its token is revoked, and every lease
    /// its agents (nodes named <c>slurm-JOBID-…</c>) hold expires now, so the sweeper hands those jobs back at once
    /// instead of waiting out the lease. Returns how many leases were cut short.
    /// </summary>
    [CacheCommand(false)] // the reason may quote sbatch's whole answer
    public Task<int> EndAllocationAsync(long id, string state, string? slurmState, string? reason) => WriteAsync(c =>
    {
        var now = Now();
        var row = c.QuerySingleOrDefault<AllocationRow>("SELECT * FROM slurm_allocations WHERE id = @Id", new { Id = id });
        if (row is null || row.EndedAt is not null)
        {
            return 0;
        }

        c.Execute("""
            UPDATE slurm_allocations SET state = @State, slurm_state = coalesce(@SlurmState, slurm_state), reason = @Reason, ended_at = @Now
            WHERE id = @Id
            """, new { Id = id, State = state, SlurmState = slurmState, Reason = reason, Now = now });
        c.Execute("UPDATE tokens SET revoked_at = @Now WHERE id = @TokenId AND revoked_at IS NULL", new { row.TokenId, Now = now });
        if (row.SlurmJobId is not { } job)
        {
            return 0;
        }

        return c.Execute("""
            UPDATE jobs SET lease_expires_at = @Now
            WHERE lease_node_id IN (SELECT id FROM nodes WHERE name LIKE @Prefix)
              AND lease_expires_at > @Now
            """, new { Now = now, Prefix = $"slurm-{job}-%" });
    });

    /// <summary>Whether any agent of Slurm job <paramref name="slurmJobId"/> (a node named <c>slurm-JOBID-…</c>) ever registered.</summary>
    public async Task<bool> AllocationAgentSeenAsync(long slurmJobId)
    {
        await using var c = OpenReader();
        return c.ExecuteScalar<long>("SELECT EXISTS (SELECT 1 FROM nodes WHERE name LIKE @Prefix)", new { Prefix = $"slurm-{slurmJobId}-%" }) != 0;
    }

    /// <summary>Allocations not yet ended, oldest first.</summary>
    public async Task<IReadOnlyList<AllocationRow>> ListOpenAllocationsAsync()
    {
        await using var c = OpenReader();
        return c.Query<AllocationRow>("SELECT * FROM slurm_allocations WHERE ended_at IS NULL ORDER BY id").ToRowList();
    }

    /// <summary>The open allocations and the latest <paramref name="ended"/> ended ones, newest first.</summary>
    public async Task<IReadOnlyList<AllocationRow>> ListAllocationsAsync(int ended = 100)
    {
        await using var c = OpenReader();
        return c.Query<AllocationRow>("""
            SELECT * FROM slurm_allocations WHERE ended_at IS NULL
            UNION ALL
            SELECT * FROM (SELECT * FROM slurm_allocations WHERE ended_at IS NOT NULL ORDER BY id DESC LIMIT @Ended)
            ORDER BY id DESC
            """, new { Ended = ended }).ToRowList();
    }

    /// <summary>
    /// Jobs an allocation of a queue could run: scheduled, not offered, due, of one of <paramref name="toolsJson"/>'s tools
    /// (a JSON array of ids), asking for no labels beyond <paramref name="labelsJson"/>, and — with a
    /// <paramref name="deadline"/> — whose timeout (if any) ends before it. Jobs on datasets and step jobs count too
    /// (allocated agents read datasets over HTTP and take step grants). Only jobs left alone for <paramref name="waitedMs"/>
    /// count (a grant pass has had its chance at them); counted up to <paramref name="max"/>.
    /// </summary>
    [CacheCommand(false)] // a queue's tool list may be longer than a cached command's text parameter (see GetArtifactsAsync)
    public async Task<int> CountWaitingForAsync(string toolsJson, string labelsJson, long deadline, long waitedMs, int max)
    {
        await using var c = OpenReader();
        return (int)c.ExecuteScalar<long>("""
            SELECT count(*) FROM (
              SELECT 1 FROM jobs INDEXED BY jobs_ready
              WHERE state = 1 AND lease_node_id IS NULL AND not_before <= @Now AND updated_at <= @Now - @Waited
                AND tool IN (SELECT value FROM json_each(@Tools))
                AND (@Deadline = 0 OR timeout_ms IS NULL OR @Now + timeout_ms <= @Deadline)
                AND (node_labels IS NULL OR NOT EXISTS (
                  SELECT 1 FROM json_each(node_labels) AS wanted
                  WHERE wanted.value IS NOT (SELECT has.value FROM json_each(@Labels) AS has WHERE has.key = wanted.key)))
              LIMIT @Max)
            """, new { Now = Now(), Tools = toolsJson, Labels = labelsJson, Deadline = deadline, Waited = waitedMs, Max = max });
    }
}
