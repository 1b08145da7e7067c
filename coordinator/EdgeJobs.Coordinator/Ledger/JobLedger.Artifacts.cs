using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A job's artifact as recorded in the ledger.</summary>
public sealed class ArtifactRow
{
    public long JobId { get; set; }
    public string Path { get; set; } = "";
    public long SizeBytes { get; set; }
    public string Sha256 { get; set; } = "";
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
    public long? DeletedAt { get; set; }

    /// <summary>
    /// Whether the artifact may still be served at <paramref name="now"/> (Unix ms): not swept and not past its time. Its
    /// file can still be gone (removed by hand, a sweep under way): whoever serves it checks that where it opens it.
    /// </summary>
    public bool IsKeptAt(long now) => DeletedAt is null && ExpiresAt > now;
}

/// <summary>A verified artifact to record with its job's end.</summary>
public sealed record ArtifactRecord(string Path, long SizeBytes, string Sha256, DateTimeOffset ExpiresAt);

public sealed partial class JobLedger
{
    /// <summary>Records (or replaces) the artifact of a job, kept until <paramref name="expiresAt"/>.</summary>
    public Task RecordArtifactAsync(long jobId, string path, long sizeBytes, string sha256, DateTimeOffset expiresAt) => WriteAsync(c => c.Execute("""
        INSERT OR REPLACE INTO artifacts (job_id, path, size_bytes, sha256, created_at, expires_at)
        VALUES (@JobId, @Path, @SizeBytes, @Sha256, @Now, @ExpiresAt)
        """, new { JobId = jobId, Path = path, SizeBytes = sizeBytes, Sha256 = sha256, Now = Now(), ExpiresAt = expiresAt.ToUnixTimeMilliseconds() }));

    private void RecordArtifact(Microsoft.Data.Sqlite.SqliteConnection c, long jobId, ArtifactRecord artifact) => c.Execute("""
        INSERT OR REPLACE INTO artifacts (job_id, path, size_bytes, sha256, created_at, expires_at, deleted_at)
        VALUES (@JobId, @Path, @SizeBytes, @Sha256, @Now, @ExpiresAt, NULL)
        """, new { JobId = jobId, artifact.Path, artifact.SizeBytes, artifact.Sha256, Now = Now(), ExpiresAt = artifact.ExpiresAt.ToUnixTimeMilliseconds() });

    /// <summary>Artifacts past their TTL: marked deleted (the caller removes the files); returns them.</summary>
    // A recipe step's artifact is what later steps read (by lease URL): it is kept past its time while its recipe job has
    // not ended, however long the recipe runs (a step may wait out a day's retry backoff), and expires with the next
    // sweep after the job ends.
    public Task<IReadOnlyList<ArtifactRow>> ExpireArtifactsAsync() => WriteAsync<IReadOnlyList<ArtifactRow>>(c => c.Query<ArtifactRow>("""
        UPDATE artifacts SET deleted_at = @Now
        WHERE deleted_at IS NULL AND expires_at <= @Now
          AND NOT EXISTS (SELECT 1 FROM jobs AS step JOIN jobs AS recipe ON recipe.id = step.parent_id
                          WHERE step.id = artifacts.job_id AND step.step_id IS NOT NULL
                            AND NOT (SELECT terminal FROM job_states WHERE job_states.state = recipe.state))
        RETURNING *
        """, new { Now = Now() }).ToRowList());

    public async Task<ArtifactRow?> GetArtifactAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<ArtifactRow>("SELECT * FROM artifacts WHERE job_id = @JobId", new { JobId = jobId });
    }

    /// <summary>The artifacts of a page of jobs, by job id, in one query.</summary>
    // Not cached: a cached command keeps its text parameter's size from its first run (4000 characters for a short
    // list), and SQLite then reads a longer list cut short: a page of 1,000 jobs after one of 50 failed as malformed JSON.
    [CacheCommand(false)]
    public async Task<IReadOnlyDictionary<long, ArtifactRow>> GetArtifactsAsync(IReadOnlyList<long> jobIds)
    {
        if (jobIds.Count == 0)
        {
            return new Dictionary<long, ArtifactRow>();
        }

        await using var c = OpenReader();
        var ids = "[" + string.Join(',', jobIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        return c.Query<ArtifactRow>("SELECT * FROM artifacts WHERE job_id IN (SELECT value FROM json_each(@Ids))", new { Ids = ids })
            .ToRowList().ToDictionary(a => a.JobId);
    }
}
