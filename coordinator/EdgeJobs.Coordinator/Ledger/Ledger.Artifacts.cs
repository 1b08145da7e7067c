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
}

public sealed partial class Ledger
{
    /// <summary>Records (or replaces) the artifact of a job, kept until <paramref name="expiresAt"/>.</summary>
    public Task RecordArtifactAsync(long jobId, string path, long sizeBytes, string sha256, DateTimeOffset expiresAt) => WriteAsync(c => c.Execute("""
        INSERT OR REPLACE INTO artifacts (job_id, path, size_bytes, sha256, created_at, expires_at)
        VALUES (@JobId, @Path, @SizeBytes, @Sha256, @Now, @ExpiresAt)
        """, new { JobId = jobId, Path = path, SizeBytes = sizeBytes, Sha256 = sha256, Now = Now(), ExpiresAt = expiresAt.ToUnixTimeMilliseconds() }));

    public async Task<ArtifactRow?> GetArtifactAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<ArtifactRow>("SELECT * FROM artifacts WHERE job_id = @JobId", new { JobId = jobId });
    }
}
