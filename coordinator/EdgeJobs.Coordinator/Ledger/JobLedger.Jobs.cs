using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

public sealed partial class JobLedger
{
    /// <summary>Inserts a job in <c>scheduled</c> with its first event, in one transaction. No dedup, no quotas.</summary>
    public Task<JobRow> SubmitAsync(NewJob job) => WriteAsync(c => Insert(c, job, Now()));

    /// <summary>
    /// Submits under <paramref name="policy"/>: an equivalent job (same dedup key) that is active, or
    /// completed within the lookback window with its artifact still present, is returned instead of a
    /// new one; otherwise the active-job quotas are checked and the job inserted — all in one
    /// transaction of the single writer, so concurrent submits can neither both insert nor overshoot.
    /// </summary>
    public Task<SubmitOutcome> SubmitAsync(NewJob job, SubmitPolicy policy) => WriteAsync(c => Submit(c, job, policy));

    /// <summary>
    /// Submits under <paramref name="policy"/> (see <see cref="SubmitAsync(NewJob, SubmitPolicy)"/>), at most
    /// once per <paramref name="idempotency"/> key; <paramref name="answer"/> shapes the answer that is
    /// given, and stored with the job for replays.
    /// </summary>
    public Task<Idempotent<SubmitOutcome>> SubmitAsync(NewJob job, SubmitPolicy policy, IdempotencyRequest? idempotency, Func<SubmitOutcome, StoredAnswer> answer) =>
        IdempotentAsync(idempotency, c => Submit(c, job, policy), answer);

    /// <summary>
    /// The job a submit would repeat: active (the job_states flag, looked up by key: an IN list built a
    /// temporary B-tree on every submit), or completed within the lookback with its artifact, if that is asked for.
    /// </summary>
    internal const string DedupSql = $"""
        SELECT {JobColumns.List} FROM jobs
        WHERE dedup_key = @Key
          AND ((SELECT active FROM job_states s WHERE s.state = jobs.state)
               OR (state = 6 AND finished_at >= @Since
                   AND (@RequiresArtifact = 0 OR EXISTS (SELECT 1 FROM artifacts a WHERE a.job_id = jobs.id AND a.expires_at > @Now))))
        ORDER BY id DESC
        LIMIT 1
        """;

    private SubmitOutcome Submit(SqliteConnection c, NewJob job, SubmitPolicy policy)
    {
        var now = Now();
        if (job.DedupKey is { } key && !policy.Force)
        {
            var existing = c.QuerySingleOrDefault<JobRow>(DedupSql, new { Key = key, Since = now - (long)policy.Lookback.TotalMilliseconds, RequiresArtifact = policy.RequiresArtifact ? 1 : 0, Now = now });
            if (existing is not null)
            {
                return SubmitOutcome.Deduplicated(existing);
            }
        }

        if (policy.Quotas is { } quotas)
        {
            var statements = Statements(c);
            if (statements.Active("all", "") >= quotas.MaxActiveJobs)
            {
                return SubmitOutcome.Refused("active_jobs", quotas.MaxActiveJobs);
            }

            if (statements.Active("owner", job.Owner) >= quotas.MaxActivePerOwner)
            {
                return SubmitOutcome.Refused("active_jobs_per_owner", quotas.MaxActivePerOwner);
            }

            if (statements.Active("tool", job.Tool) >= quotas.MaxActivePerTool)
            {
                return SubmitOutcome.Refused("active_jobs_per_tool", quotas.MaxActivePerTool);
            }
        }

        if (job.Workspace is { } workspace && !TryReserve(c, job.Org, workspace, job.Reserve, out var available))
        {
            return SubmitOutcome.ShortOfCredits(available);
        }

        var row = Insert(c, job, now);
        if (job.Workspace is not null)
        {
            RecordReservation(c, row, job.Reserve, now);
        }

        return SubmitOutcome.Created(row);
    }

    private static long Active(SqliteConnection c, string scope, string name) =>
        c.ExecuteScalar<long>("SELECT coalesce((SELECT active FROM active_counts WHERE scope = @Scope AND name = @Name), 0)", new { Scope = scope, Name = name });

    /// <summary>Active jobs counted by the ledger's triggers: in all, per owner and per tool.</summary>
    public async Task<(long All, long Owner, long Tool)> ActiveCountsAsync(string owner, string tool)
    {
        await using var c = OpenReader();
        return (Active(c, "all", ""), Active(c, "owner", owner), Active(c, "tool", tool));
    }

    /// <summary>Inserts many jobs in one transaction (all or nothing).</summary>
    public Task<IReadOnlyList<JobRow>> SubmitManyAsync(IReadOnlyList<NewJob> jobs) => WriteAsync<IReadOnlyList<JobRow>>(c =>
    {
        var now = Now();
        var rows = new List<JobRow>(jobs.Count);
        foreach (var job in jobs)
        {
            rows.Add(Insert(c, job, now));
        }

        return rows;
    });

    private JobRow Insert(SqliteConnection c, NewJob job, long now)
    {
        var row = Statements(c).Insert(job, job.MaxAttempts ?? Options.DefaultMaxAttempts, now);
        InsertEvent(c, row, null, new StateChange(job.InitialState, EventReason.Submitted), now);
        return row;
    }

    private void InsertEvent(SqliteConnection c, JobRow after, JobState? from, StateChange change, long now) =>
        Statements(c).InsertEvent(after, from, change, now);

    public async Task<JobRow?> GetJobAsync(long id)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<JobRow>($"SELECT {JobColumns.List} FROM jobs WHERE id = @Id", new { Id = id });
    }

    /// <summary>
    /// One page, newest first. Keyset pagination on the id (never reused): a job present when paging
    /// starts appears exactly once however many are added meanwhile.
    /// </summary>
    [CacheCommand(false)] // a list of tools may be longer than a cached command's text parameter (see GetArtifactsAsync)
    public async Task<JobPage> ListJobsAsync(JobQuery query)
    {
        var mask = 0L;
        foreach (var state in query.States)
        {
            mask |= 1L << (int)state;
        }

        await using var c = OpenReader();
        var rows = c.Query<JobRow>($"""
            SELECT {JobColumns.List} FROM jobs
            WHERE id < @Cursor
              AND ((@Mask >> state) & 1) = 1
              AND (@Tool IS NULL OR tool = @Tool)
              AND (@Tools IS NULL OR tool IN (SELECT value FROM json_each(@Tools)))
              AND (@NodeId IS NULL OR node_id = @NodeId)
              AND (@CampaignId IS NULL OR campaign_id = @CampaignId)
              AND (@Owner IS NULL OR owner = @Owner)
              AND (@Org IS NULL OR org = @Org)
              AND step_id IS NULL
            ORDER BY id DESC
            LIMIT @Take
            """, new
        {
            Cursor = query.Cursor ?? long.MaxValue,
            Mask = mask,
            query.Tool,
            Tools = query.Tools is null ? null : JsonText.Array(query.Tools),
            query.NodeId,
            query.CampaignId,
            query.Owner,
            query.Org,
            Take = query.Limit + 1,
        }).ToRowList();

        if (rows.Count <= query.Limit)
        {
            return new JobPage(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new JobPage(rows, rows[^1].Id);
    }

    public async Task<IReadOnlyList<JobEventRow>> GetEventsAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.Query<JobEventRow>("SELECT * FROM job_events WHERE job_id = @JobId ORDER BY seq", new { JobId = jobId }).ToRowList();
    }

    /// <summary>Counts every job in the ledger, whatever its state.</summary>
    public async Task<long> CountJobsAsync()
    {
        await using var c = OpenReader();
        return c.ExecuteScalar<long>("SELECT count(*) FROM jobs");
    }
}
