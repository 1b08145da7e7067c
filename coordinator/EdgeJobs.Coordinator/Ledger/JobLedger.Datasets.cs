using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// Datasets (design §8.2): create, read, list, delete. Their files belong to Datasets/DatasetStore; the
// ledger keeps what is true about them, so every question the API asks is answered here.
public sealed partial class JobLedger
{
    /// <summary>
    /// Creates the dataset, or returns the existing one (<c>Created</c> false). A quota given for an existing
    /// dataset replaces its quota (a PUT states the dataset as the caller wants it); null keeps it.
    /// </summary>
    public Task<(DatasetRow Dataset, bool Created)> CreateDatasetAsync(string org, string name, long? byteQuota) => WriteAsync(c =>
    {
        var existing = FindDataset(c, org, name);
        if (existing is not null)
        {
            if (byteQuota is not null && byteQuota != existing.ByteQuota)
            {
                c.Execute("UPDATE datasets SET byte_quota = @Quota WHERE org = @Org AND name = @Name", new { Quota = byteQuota, Org = org, Name = name });
                existing.ByteQuota = byteQuota;
            }

            return (existing, false);
        }

        var created = c.QuerySingle<DatasetRow>(
            "INSERT INTO datasets (org, name, created_at, byte_quota) VALUES (@Org, @Name, @Now, @Quota) RETURNING org, name, created_at, byte_quota, bytes_used, entry_count",
            new { Org = org, Name = name, Now = Now(), Quota = byteQuota });
        return (created, true);
    });

    public async Task<DatasetRow?> GetDatasetAsync(string org, string name)
    {
        await using var c = OpenReader();
        return FindDataset(c, org, name);
    }

    /// <summary>
    /// One page of the datasets of <paramref name="org"/> (of every org when it is null), by org and name, after the
    /// dataset <paramref name="after"/> (keyset paging); <c>More</c> when another page follows.
    /// </summary>
    public async Task<(IReadOnlyList<DatasetRow> Rows, bool More)> ListDatasetsAsync(string? org, (string Org, string Name)? after, int limit)
    {
        await using var c = OpenReader();
        var rows = c.Query<DatasetRow>("""
            SELECT org, name, created_at, byte_quota, bytes_used, entry_count FROM datasets
            WHERE (@Org IS NULL OR org = @Org) AND (org > @AfterOrg OR (org = @AfterOrg AND name > @AfterName))
            ORDER BY org, name LIMIT @Take
            """, new { Org = org, AfterOrg = after?.Org ?? "", AfterName = after?.Name ?? "", Take = limit + 1 }).ToRowList();
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return (rows, more);
    }

    /// <summary>
    /// Removes the dataset and its index (the caller then removes its files); refused while an active job
    /// uses it. The index goes in this one transaction (ON DELETE CASCADE), so no listing ever shows half a dataset.
    /// </summary>
    public Task<DatasetDeleteResult> DeleteDatasetAsync(string org, string name) => WriteAsync(c =>
    {
        if (FindDataset(c, org, name) is null)
        {
            return DatasetDeleteResult.NotFound;
        }

        if (ActiveJobsOnDataset(c, org, name) > 0)
        {
            return DatasetDeleteResult.InUse;
        }

        c.Execute("DELETE FROM datasets WHERE org = @Org AND name = @Name", new { Org = org, Name = name });
        return DatasetDeleteResult.Deleted;
    });

    /// <summary>Active jobs on the dataset (the partial index <c>jobs_dataset</c>: no job of another dataset is read).</summary>
    private static long ActiveJobsOnDataset(SqliteConnection c, string org, string name) => c.ExecuteScalar<long>("""
        SELECT count(*) FROM jobs INDEXED BY jobs_dataset JOIN job_states ON job_states.state = jobs.state
        WHERE jobs.org = @Org AND jobs.dataset = @Name AND job_states.active
        """, new { Org = org, Name = name });

    private static DatasetRow? FindDataset(SqliteConnection c, string org, string name) => c.QuerySingleOrDefault<DatasetRow>(
        "SELECT org, name, created_at, byte_quota, bytes_used, entry_count FROM datasets WHERE org = @Org AND name = @Name",
        new { Org = org, Name = name });
}
