using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// Workspaces and their credits (design §8.5; migration 0017). Every movement is one credit_events row written in the
// transaction that makes it, with the totals after it:
//
//   grant / adjust (admin) ──▶ balance ± amount            (an adjustment may not take the balance below what is reserved)
//   submit with a workspace ─▶ reserved + price            (refused, nothing written, when balance - reserved is short)
//   register (completed job) ─▶ balance - charged, reserved - price   (charged = measured cost, at most the price)
//   failed / stopped job ────▶ reserved - price            (released in the transition's own transaction)
//   completed, never registered, and deleted or its artifact expired ─▶ settled as register would (the sweeper's)
//
// The single writer serialises all of them, so concurrent submits can neither both take the last credit nor overshoot;
// the table's CHECK (balance >= reserved >= 0) would abort a transaction that tried.
public sealed partial class JobLedger
{
    private const string WorkspaceColumns = "org, id, title, balance, reserved, created_at, created_by";

    public Task<CreditChange> CreateWorkspaceAsync(string org, string id, string? title, long balance, string actor, string? reason) => WriteAsync(c =>
    {
        var now = Now();
        var inserted = c.Execute("""
            INSERT INTO workspaces (org, id, title, balance, reserved, created_at, created_by)
            VALUES (@Org, @Id, @Title, @Balance, 0, @Now, @Actor) ON CONFLICT DO NOTHING
            """, new { Org = org, Id = id, Title = title, Balance = balance, Now = now, Actor = actor });
        if (inserted == 0)
        {
            return new CreditChange(CreditChangeResult.Exists, ReadWorkspace(c, org, id));
        }

        var row = ReadWorkspace(c, org, id)!;
        AppendCreditEvent(c, row, "grant", balance, 0, null, actor, reason ?? "opening balance", now);
        return new CreditChange(CreditChangeResult.Changed, row);
    });

    /// <summary>
    /// Adds <paramref name="amount"/> (negative: takes it away) with who and why. Refused when the balance would drop below
    /// what is reserved: the balance never goes negative, and reserved credits are never taken from under a job.
    /// </summary>
    public Task<CreditChange> AdjustCreditsAsync(string org, string id, long amount, string actor, string reason) => WriteAsync(c =>
    {
        var before = ReadWorkspace(c, org, id);
        if (before is null)
        {
            return new CreditChange(CreditChangeResult.NotFound, null);
        }

        if (before.Balance + amount < before.Reserved)
        {
            return new CreditChange(CreditChangeResult.WouldGoNegative, before);
        }

        c.Execute("UPDATE workspaces SET balance = balance + @Amount WHERE org = @Org AND id = @Id", new { Amount = amount, Org = org, Id = id });
        var after = ReadWorkspace(c, org, id)!;
        AppendCreditEvent(c, after, amount >= 0 ? "grant" : "adjust", amount, 0, null, actor, reason, Now());
        return new CreditChange(CreditChangeResult.Changed, after);
    });

    public async Task<WorkspaceRow?> GetWorkspaceAsync(string org, string id)
    {
        await using var c = OpenReader();
        return ReadWorkspace(c, org, id);
    }

    /// <summary>The workspaces of <paramref name="org"/> (every org's for null), by org and id.</summary>
    public async Task<IReadOnlyList<WorkspaceRow>> ListWorkspacesAsync(string? org)
    {
        await using var c = OpenReader();
        return c.Query<WorkspaceRow>($"SELECT {WorkspaceColumns} FROM workspaces WHERE @Org IS NULL OR org = @Org ORDER BY org, id LIMIT 1000", new { Org = org }).ToRowList();
    }

    /// <summary>A workspace's movements after <paramref name="afterSeq"/>, oldest first.</summary>
    public async Task<IReadOnlyList<CreditEventRow>> CreditEventsAsync(string org, string workspace, long afterSeq, int limit)
    {
        await using var c = OpenReader();
        return c.Query<CreditEventRow>("""
            SELECT seq, workspace, at, kind, amount, reserved_delta, balance_after, reserved_after, job_id, actor, reason
            FROM credit_events WHERE org = @Org AND workspace = @Workspace AND seq > @After
            ORDER BY seq LIMIT @Limit
            """, new { Org = org, Workspace = workspace, After = afterSeq, Limit = limit }).ToRowList();
    }

    public async Task<ReservationRow?> GetReservationAsync(long jobId)
    {
        await using var c = OpenReader();
        return ReadReservation(c, jobId);
    }

    public async Task<RegistrationRow?> GetRegistrationAsync(long jobId)
    {
        await using var c = OpenReader();
        return ReadRegistration(c, jobId);
    }

    /// <summary>Whether <paramref name="org"/>'s workspace can reserve <paramref name="amount"/>; what it could reserve, if not.</summary>
    private static bool TryReserve(SqliteConnection c, string org, string workspace, long amount, out long available)
    {
        var row = ReadWorkspace(c, org, workspace);
        available = row?.Available ?? 0;
        return row is not null && row.Available >= amount;
    }

    /// <summary>Holds <paramref name="amount"/> of the job's workspace for it (after <see cref="TryReserve"/>, in the insert's transaction).</summary>
    private static void RecordReservation(SqliteConnection c, JobRow job, long amount, long now)
    {
        c.Execute("UPDATE workspaces SET reserved = reserved + @Amount WHERE org = @Org AND id = @Id", new { Amount = amount, Org = job.Org, Id = job.Workspace });
        c.Execute("""
            INSERT INTO credit_reservations (job_id, org, workspace, amount, created_at) VALUES (@JobId, @Org, @Workspace, @Amount, @Now)
            """, new { JobId = job.Id, Org = job.Org, Workspace = job.Workspace, Amount = amount, Now = now });
        AppendCreditEvent(c, ReadWorkspace(c, job.Org, job.Workspace!)!, "reserve", 0, amount, job.Id, job.Owner, $"{job.Tool} estimate", now);
    }

    /// <summary>
    /// A job that paid from a workspace ended without completing (from <see cref="Save"/>, in its transaction): its
    /// reservation is released whole. A completed job keeps it until register settles it.
    /// </summary>
    private static void OnPayingJobEnded(SqliteConnection c, JobRow job, JobState to, long now)
    {
        if (to is not (JobState.Failed or JobState.Stopped or JobState.Partial))
        {
            return;
        }

        var reservation = ReadReservation(c, job.Id);
        if (reservation is null || reservation.SettledAt is not null)
        {
            return;
        }

        CloseReservation(c, reservation, charged: 0, outcome: "released", now);
        AppendCreditEvent(c, ReadWorkspace(c, reservation.Org, reservation.Workspace)!, "release", 0, -reservation.Amount, job.Id, "edgejobs",
            $"job {to.Name()}", now);
    }

    /// <summary>
    /// Records a completed job's outputs and settles its reservation (if it made one) from the measured work:
    /// <paramref name="price"/> says what that work costs, charged up to the reservation, the rest released. A second
    /// register answers the first's registration and changes nothing.
    /// </summary>
    public Task<Idempotent<RegisterOutcome>> RegisterAsync(long jobId, string outputsJson, string actor, Func<JobRow, MeasuredWork, long> price,
        IdempotencyRequest? idempotency, Func<RegisterOutcome, StoredAnswer> answer) =>
        IdempotentAsync(idempotency, c => Register(c, jobId, outputsJson, actor, price), answer);

    [CacheCommand(false)] // the outputs may be longer than a cached command's text parameter
    private RegisterOutcome Register(SqliteConnection c, long jobId, string outputsJson, string actor, Func<JobRow, MeasuredWork, long> price)
    {
        var job = ReadJob(c, jobId);
        if (job is null)
        {
            return new RegisterOutcome(RegisterResult.NotFound, null, null, null);
        }

        if (ReadRegistration(c, jobId) is { } earlier)
        {
            var settled = ReadReservation(c, jobId);
            return new RegisterOutcome(RegisterResult.AlreadyRegistered, job, earlier, settled, settled is null ? null : ReadWorkspace(c, settled.Org, settled.Workspace));
        }

        if (job.JobState != JobState.Completed)
        {
            return new RegisterOutcome(RegisterResult.NotCompleted, job, null, ReadReservation(c, jobId));
        }

        var work = MeasuredWorkOf(c, job);
        var reservation = ReadReservation(c, jobId);
        var now = Now();
        long charged = 0;
        if (reservation is { SettledAt: null })
        {
            charged = Settle(c, reservation, price(job, work), work, actor, why: null, now);
            reservation = ReadReservation(c, jobId);
        }

        c.Execute("""
            INSERT INTO job_registrations (job_id, outputs, seconds, cpu_seconds, output_bytes, charged, registered_at, registered_by)
            VALUES (@JobId, @Outputs, @Seconds, @CpuSeconds, @OutputBytes, @Charged, @Now, @Actor)
            """, new { JobId = jobId, Outputs = outputsJson, Seconds = work.WallSeconds, work.CpuSeconds, work.OutputBytes, Charged = charged, Now = now, Actor = actor });
        var workspace = reservation is null ? null : ReadWorkspace(c, reservation.Org, reservation.Workspace);
        return new RegisterOutcome(RegisterResult.Registered, job, ReadRegistration(c, jobId), reservation, workspace);
    }

    /// <summary>The last attempt's seconds on its agent (accepted to finished), its CPU seconds there, and the size of the job's artifact.</summary>
    private static MeasuredWork MeasuredWorkOf(SqliteConnection c, JobRow job)
    {
        var seconds = job is { AttemptStartedAt: { } started, FinishedAt: { } finished } ? Math.Max(0, finished - started) / 1000.0 : 0;
        var bytes = c.ExecuteScalar<long?>("SELECT size_bytes FROM artifacts WHERE job_id = @JobId", new { JobId = job.Id }) ?? 0;
        return new MeasuredWork(seconds, job.CpuMs / 1000.0, bytes);
    }

    /// <summary>
    /// Settles an open reservation from measured work that costs <paramref name="price"/>: charged up to what was
    /// reserved, the rest released, one <c>settle</c> event saying what was measured (and <paramref name="why"/>, if
    /// not at a register). Returns what was charged.
    /// </summary>
    private static long Settle(SqliteConnection c, ReservationRow reservation, long price, MeasuredWork work, string actor, string? why, long now)
    {
        var charged = Math.Clamp(price, 0, reservation.Amount);
        CloseReservation(c, reservation, charged, "settled", now);
        AppendCreditEvent(c, ReadWorkspace(c, reservation.Org, reservation.Workspace)!, "settle", -charged, -reservation.Amount, reservation.JobId, actor,
            $"{(why is null ? "" : why + ": ")}{work}; {reservation.Amount - charged} released", now);
        return charged;
    }

    /// <summary>Settles or releases an open reservation: the balance pays <paramref name="charged"/>, the hold goes.</summary>
    private static void CloseReservation(SqliteConnection c, ReservationRow reservation, long charged, string outcome, long now)
    {
        c.Execute("UPDATE workspaces SET balance = balance - @Charged, reserved = reserved - @Amount WHERE org = @Org AND id = @Id",
            new { Charged = charged, reservation.Amount, reservation.Org, Id = reservation.Workspace });
        c.Execute("UPDATE credit_reservations SET settled_at = @Now, charged = @Charged, outcome = @Outcome WHERE job_id = @JobId",
            new { Now = now, Charged = charged, Outcome = outcome, reservation.JobId });
    }

    private static void AppendCreditEvent(SqliteConnection c, WorkspaceRow after, string kind, long amount, long reservedDelta, long? jobId,
        string actor, string? reason, long now) => c.Execute("""
        INSERT INTO credit_events (org, workspace, at, kind, amount, reserved_delta, balance_after, reserved_after, job_id, actor, reason)
        VALUES (@Org, @Workspace, @Now, @Kind, @Amount, @ReservedDelta, @BalanceAfter, @ReservedAfter, @JobId, @Actor, @Reason)
        """, new
    {
        after.Org, Workspace = after.Id, Now = now, Kind = kind, Amount = amount, ReservedDelta = reservedDelta,
        BalanceAfter = after.Balance, ReservedAfter = after.Reserved, JobId = jobId, Actor = actor, Reason = reason,
    });

    private static WorkspaceRow? ReadWorkspace(SqliteConnection c, string org, string id) =>
        c.QuerySingleOrDefault<WorkspaceRow>($"SELECT {WorkspaceColumns} FROM workspaces WHERE org = @Org AND id = @Id", new { Org = org, Id = id });

    private static ReservationRow? ReadReservation(SqliteConnection c, long jobId) => c.QuerySingleOrDefault<ReservationRow>(
        "SELECT job_id, org, workspace, amount, created_at, settled_at, charged, outcome, tool, wall_ms, cpu_ms, output_bytes FROM credit_reservations WHERE job_id = @JobId", new { JobId = jobId });

    private static RegistrationRow? ReadRegistration(SqliteConnection c, long jobId) => c.QuerySingleOrDefault<RegistrationRow>(
        "SELECT job_id, outputs, seconds, cpu_seconds, output_bytes, charged, registered_at, registered_by FROM job_registrations WHERE job_id = @JobId", new { JobId = jobId });
}
