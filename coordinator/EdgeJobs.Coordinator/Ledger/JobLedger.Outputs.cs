using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>One output's progress as an agent reports it (README "REST API v1", <c>/progress</c>).</summary>
public sealed record OutputProgress(string Name, long BytesWritten, long BlocksDone, long? BlocksTotal, int Files);

/// <summary>A row of <c>job_outputs</c>.</summary>
public sealed class OutputRow
{
    public string Name { get; set; } = "";
    public long BytesWritten { get; set; }
    public long BlocksDone { get; set; }
    public long? BlocksTotal { get; set; }
    public int Files { get; set; }
    public long UpdatedAt { get; set; }
}

// Progress per output rides on the writes that already carry the job's progress (a heartbeat's renew, a
// finish), in their transaction: no sync of its own, and it survives a restart as the percent does.
public sealed partial class JobLedger
{
    /// <summary>
    /// Stores what the attempt <paramref name="attempt"/> reports of its outputs. A row whose values did not
    /// change is not written (heartbeats repeat the same numbers while GDAL works), so its
    /// <c>updated_at</c> says when it last moved.
    /// </summary>
    internal void RecordOutputs(SqliteConnection c, long jobId, int attempt, IReadOnlyList<OutputProgress> outputs)
    {
        var now = Now();
        foreach (var o in outputs)
        {
            c.Execute("""
                INSERT INTO job_outputs (job_id, name, attempt, bytes_written, blocks_done, blocks_total, files, updated_at)
                VALUES (@JobId, @Name, @Attempt, @BytesWritten, @BlocksDone, @BlocksTotal, @Files, @Now)
                ON CONFLICT (job_id, name) DO UPDATE SET attempt = excluded.attempt, bytes_written = excluded.bytes_written,
                  blocks_done = excluded.blocks_done, blocks_total = excluded.blocks_total, files = excluded.files, updated_at = excluded.updated_at
                WHERE attempt IS NOT excluded.attempt OR bytes_written IS NOT excluded.bytes_written OR blocks_done IS NOT excluded.blocks_done
                  OR blocks_total IS NOT excluded.blocks_total OR files IS NOT excluded.files
                """, new { JobId = jobId, o.Name, Attempt = attempt, o.BytesWritten, o.BlocksDone, o.BlocksTotal, o.Files, Now = now });
        }
    }

    /// <summary>The outputs attempt <paramref name="attempt"/> reported, by name; earlier attempts' rows are not shown.</summary>
    public async Task<IReadOnlyList<OutputRow>> GetOutputsAsync(long jobId, int attempt)
    {
        await using var c = OpenReader();
        return c.Query<OutputRow>(
            "SELECT name, bytes_written, blocks_done, blocks_total, files, updated_at FROM job_outputs WHERE job_id = @JobId AND attempt = @Attempt ORDER BY name",
            new { JobId = jobId, Attempt = attempt }).ToRowList();
    }
}
