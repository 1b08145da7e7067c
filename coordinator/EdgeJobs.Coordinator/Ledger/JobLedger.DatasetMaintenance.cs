using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>What a dataset tool's write to the index came to.</summary>
public enum MaintenanceResult { Written, LeaseLost, DatasetNotFound, QuotaExceeded }

// Dataset tools (rescan-index, archive-extract) change many entries at once. Each write is fenced: it happens only
// while the job's lease holds, in the same transaction as the check, so a tool that lost its lease (another agent
// retries the job) cannot change the index afterwards.
public sealed partial class JobLedger
{
    /// <summary>
    /// Makes the index say what a rescan read: <paramref name="put"/> rows written as they are (no quota check: the
    /// files are there already), <paramref name="remove"/> paths deleted, <c>bytes_used</c> and <c>entry_count</c> kept.
    /// </summary>
    public Task<MaintenanceResult> ReindexAsync(long jobId, long fence, string org, string dataset, IReadOnlyList<DatasetEntryRow> put, IReadOnlyList<string> remove) =>
        WriteAsync(c =>
        {
            if (!LeaseHeld(c, jobId, fence))
            {
                return MaintenanceResult.LeaseLost;
            }

            if (FindDataset(c, org, dataset) is null)
            {
                return MaintenanceResult.DatasetNotFound;
            }

            foreach (var entry in put)
            {
                var previous = FindEntry(c, org, dataset, entry.Path);
                UpsertEntry(c, org, dataset, entry);
                Account(c, org, dataset, entry.Size - (previous?.Size ?? 0), previous is null ? 1 : 0);
            }

            foreach (var path in remove)
            {
                var removed = c.QuerySingleOrDefault<DatasetEntryRow>(
                    "DELETE FROM dataset_entries WHERE org = @Org AND dataset = @Dataset AND path = @Path RETURNING path, type, size, sha256, mtime",
                    new { Org = org, Dataset = dataset, Path = path });
                if (removed is not null)
                {
                    Account(c, org, dataset, -removed.Size, -1);
                }
            }

            return MaintenanceResult.Written;
        });

    /// <summary>
    /// Records new files a tool put into the dataset (archive-extract's), all or none: refused when the lease is gone or
    /// they would take the dataset past its quota (counting the files they replace).
    /// </summary>
    public Task<MaintenanceResult> AddEntriesAsync(long jobId, long fence, string org, string dataset, IReadOnlyList<DatasetEntryRow> entries) => WriteAsync(c =>
    {
        if (!LeaseHeld(c, jobId, fence))
        {
            return MaintenanceResult.LeaseLost;
        }

        var owner = FindDataset(c, org, dataset);
        if (owner is null)
        {
            return MaintenanceResult.DatasetNotFound;
        }

        // Each replaced entry is read once: for the quota check, then for the accounting.
        var previous = entries.Select(e => FindEntry(c, org, dataset, e.Path)).ToList();
        var delta = entries.Select((e, i) => e.Size - (previous[i]?.Size ?? 0)).Sum();
        if (delta > 0 && owner.ByteQuota is { } quota && owner.BytesUsed + delta > quota)
        {
            return MaintenanceResult.QuotaExceeded;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            UpsertEntry(c, org, dataset, entries[i]);
            Account(c, org, dataset, entries[i].Size - (previous[i]?.Size ?? 0), previous[i] is null ? 1 : 0);
        }

        return MaintenanceResult.Written;
    });

    /// <summary>
    /// Whether the job is still held under <paramref name="fence"/>: running or being stopped, or still only offered —
    /// an agent starts its tool as soon as it has queued its Accept, so a quick tool can write before that Accept is
    /// committed (seen under load: an extraction of a small archive refused as "lease lost"). The fence is that offer's.
    /// </summary>
    private static bool LeaseHeld(SqliteConnection c, long jobId, long fence) => c.ExecuteScalar<long>("""
        SELECT count(*) FROM jobs JOIN job_states ON job_states.state = jobs.state
        WHERE jobs.id = @Id AND jobs.fence = @Fence AND jobs.lease_node_id IS NOT NULL AND job_states.active
        """, new { Id = jobId, Fence = fence }) == 1;
}
