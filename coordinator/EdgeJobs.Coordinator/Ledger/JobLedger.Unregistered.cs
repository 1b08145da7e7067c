using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A reservation the sweeper settled without a register: the job, what it was charged, why.</summary>
public sealed record UnregisteredSettlement(long JobId, string Org, string Workspace, long Charged, long Reserved, string Why);

// A completed job holds its reservation until register settles it. One nobody will register any more — deleted, or
// its artifact expired — would hold those credits for ever; the sweeper settles it from the work the job measurably did,
// as register would have (the work was done: leaving it unregistered does not make it free).
public sealed partial class JobLedger
{
    private const string UnregisteredSql = """
        SELECT r.job_id FROM credit_reservations r INDEXED BY credit_reservations_open
        LEFT JOIN jobs j ON j.id = r.job_id
        WHERE r.settled_at IS NULL
          AND (j.id IS NULL
               OR (j.state = 6 AND EXISTS (SELECT 1 FROM artifacts a WHERE a.job_id = r.job_id AND a.deleted_at IS NOT NULL)))
        LIMIT @Max
        """;

    /// <summary>
    /// Settles the open reservations of completed jobs that were deleted or whose artifact expired before a register;
    /// <paramref name="price"/> prices a tool's measured work (millicredits), charged up to what was reserved.
    /// </summary>
    public Task<IReadOnlyList<UnregisteredSettlement>> SettleUnregisteredAsync(Func<string, MeasuredWork, long> price, int max = 1000) =>
        WriteAsync<IReadOnlyList<UnregisteredSettlement>>(c =>
        {
            var settled = new List<UnregisteredSettlement>();
            var now = Now();
            foreach (var jobId in c.Query<long>(UnregisteredSql, new { Max = max }).ToRowList())
            {
                var reservation = ReadReservation(c, jobId)!;
                var (tool, work, why) = ReadJob(c, jobId) is { } job
                    ? (job.Tool, MeasuredWorkOf(c, job), "its artifact expired before a register")
                    : (reservation.Tool ?? "", new MeasuredWork((reservation.WallMs ?? 0) / 1000.0, reservation.CpuMs / 1000.0, reservation.OutputBytes ?? 0),
                        "the job was deleted before a register");
                var charged = Settle(c, reservation, price(tool, work), work, "edgejobs", why, now);
                settled.Add(new UnregisteredSettlement(jobId, reservation.Org, reservation.Workspace, charged, reservation.Amount, why));
            }

            return settled;
        });
}
