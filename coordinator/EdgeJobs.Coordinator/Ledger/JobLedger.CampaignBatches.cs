using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A parent batch to submit: its job (tool campaign-batch), its page, and who asks.</summary>
public sealed record NewBatch(long Campaign, NewJob Job, long StartPosition, long MaxRecords, bool Force, string Principal);

public enum BatchSubmitResult { Created, ActiveBatch, WrongStart, Exhausted, QuotaExceeded }

/// <summary>What a batch submit did: the batch job, or why not (the active batch, the start the campaign expects).</summary>
public sealed record BatchSubmitOutcome(BatchSubmitResult Result, JobRow? Job, long? ActiveBatch = null, long? Expected = null, SubmitOutcome? Quota = null);

/// <summary>A page read from a campaign's catalog: how many records, how many match in all (if said), and where the next page starts.</summary>
public sealed record BatchPage(long? Matched, long? NextStartPosition);

/// <summary>What a spawn did: made the children, or nothing (the batch was stopped or spawned meanwhile).</summary>
public enum SpawnResult { Spawned, Gone }

// Parent batches and their children (design §8.4). A batch job is never leased: the coordinator reads its page and
// makes its children in one transaction (SpawnBatch), which is also where the campaign's cursor moves, so a crash
// leaves a page either unread (read again at start) or spawned once. Each child's transition keeps the counters
// (OnCampaignChildChanged, from Save), and the last child's end ends the batch.
//
//   batch job: scheduled ──read starts──▶ running ──page spawned──▶ … ──last child ended──▶ completed | partial | failed
//                   └──── stop ──▶ stopped (page unread)    running ── stop ──▶ stop_requested (children stopped) ──▶ stopped
public sealed partial class JobLedger
{
    /// <summary>
    /// Submits a parent batch: refused while another batch of the campaign is active, when the catalog is exhausted, or
    /// when it does not start where the campaign's cursor is (unless forced). One active job for the quotas.
    /// </summary>
    [CacheCommand(false)] // the principal names every dataset its token may read, of any number
    public Task<BatchSubmitOutcome> SubmitBatchAsync(NewBatch batch, SubmitPolicy policy) => WriteAsync(c =>
    {
        var campaign = c.QuerySingle<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE num = @Num", new { Num = batch.Campaign });
        if (campaign.ActiveBatch is { } active)
        {
            return new BatchSubmitOutcome(BatchSubmitResult.ActiveBatch, null, ActiveBatch: active);
        }

        if (!batch.Force && campaign.NextStartPosition is null)
        {
            return new BatchSubmitOutcome(BatchSubmitResult.Exhausted, null);
        }

        if (!batch.Force && campaign.NextStartPosition != batch.StartPosition)
        {
            return new BatchSubmitOutcome(BatchSubmitResult.WrongStart, null, Expected: campaign.NextStartPosition);
        }

        var outcome = Submit(c, batch.Job with { Tool = JobRow.CampaignBatchTool, CampaignId = campaign.Num, ParentId = null, DedupKey = null }, policy);
        if (outcome is not { Result: SubmitResult.Created, Job: { } job })
        {
            return new BatchSubmitOutcome(BatchSubmitResult.QuotaExceeded, null, Quota: outcome);
        }

        var now = Now();
        c.Execute("""
            INSERT INTO campaign_batches (job_id, campaign, start_position, max_records, forced, principal, created_at)
            VALUES (@JobId, @Campaign, @StartPosition, @MaxRecords, @Forced, @Principal, @Now)
            """, new { JobId = job.Id, Campaign = campaign.Num, batch.StartPosition, batch.MaxRecords, Forced = batch.Force ? 1 : 0, batch.Principal, Now = now });
        c.Execute("""
            UPDATE campaigns SET active_batch = @JobId, latest_batch = @JobId, batches = batches + 1,
                                 first_activity_at = coalesce(first_activity_at, @Now), last_activity_at = @Now
            WHERE num = @Num
            """, new { JobId = job.Id, Now = now, campaign.Num });
        return new BatchSubmitOutcome(BatchSubmitResult.Created, job);
    });

    /// <summary>Batches whose page has not been read, oldest first, with their campaigns (the reader's work list).</summary>
    public async Task<IReadOnlyList<(CampaignBatchRow Batch, CampaignRow Campaign)>> GetUnreadBatchesAsync()
    {
        await using var c = OpenReader();
        var batches = c.Query<CampaignBatchRow>("""
            SELECT b.* FROM campaign_batches b JOIN jobs j ON j.id = b.job_id
            WHERE b.spawned_at IS NULL AND (SELECT active FROM job_states s WHERE s.state = j.state)
            ORDER BY b.job_id
            """).ToRowList();
        var list = new List<(CampaignBatchRow, CampaignRow)>(batches.Count);
        foreach (var batch in batches)
        {
            list.Add((batch, c.QuerySingle<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE num = @Num", new { Num = batch.Campaign })));
        }

        return list;
    }

    /// <summary>
    /// Marks a batch's page as being read (its job running, one more read attempt); null when the batch is no longer
    /// waiting for its page (stopped, or spawned).
    /// </summary>
    public Task<CampaignBatchRow?> StartBatchReadAsync(long jobId) => WriteAsync(c =>
    {
        var job = ReadJob(c, jobId);
        if (job is null || !job.JobState.IsActive() || job.JobState is JobState.StopRequested or JobState.Stopping)
        {
            return null;
        }

        var batch = c.QuerySingleOrDefault<CampaignBatchRow>("""
            UPDATE campaign_batches SET read_attempts = read_attempts + 1 WHERE job_id = @JobId AND spawned_at IS NULL RETURNING *
            """, new { JobId = jobId });
        if (batch is null)
        {
            return null;
        }

        var now = Now();
        var after = job.Copy();
        after.ProgressPhase = "reading the catalog";
        if (job.JobState == JobState.Scheduled)
        {
            after.StartedAt ??= now;
            after.AttemptStartedAt = now;
            Save(c, job, after, new StateChange(JobState.Running, EventReason.Accepted), now);
        }
        else
        {
            Save(c, job, after, null, now);
        }

        return batch;
    });

    /// <summary>
    /// Makes a batch's children and records its page, in one transaction: the children (in record order, each with its
    /// submitted event), the counters, the batch's page and the campaign's cursor. Gone when the batch is no longer
    /// waiting for its page (stopped meanwhile, or spawned already): nothing is written.
    /// </summary>
    /// <param name="children">
    /// A JSON array with one child per record, each an array <c>[tool, tool_version, params, priority, owner, org,
    /// dataset, node_labels, max_attempts, timeout_ms, error_code, error_message]</c>: scheduled, or failed at once when
    /// error_code is set (its record made params the tool refuses).
    /// </param>
    // Not cached: the children's list is megabytes (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    public Task<SpawnResult> SpawnBatchAsync(long jobId, string children, int count, BatchPage page) => WriteAsync(c =>
    {
        var job = ReadJob(c, jobId);
        if (job is null || job.JobState != JobState.Running)
        {
            return SpawnResult.Gone;
        }

        var batch = c.QuerySingleOrDefault<CampaignBatchRow>("SELECT * FROM campaign_batches WHERE job_id = @JobId AND spawned_at IS NULL", new { JobId = jobId });
        if (batch is null)
        {
            return SpawnResult.Gone;
        }

        var now = Now();
        var made = c.Query<MadeChild>("""
            INSERT INTO jobs (tool, tool_version, state, params, priority, owner, max_attempts, timeout_ms, event_seq, created_at, updated_at,
                              finished_at, error_code, error_message, error_retryable, campaign_id, parent_id, dedup_key, org, dataset, node_labels, step_id)
            SELECT value ->> 0, value ->> 1, iif(value ->> 10 IS NULL, @Scheduled, @Failed), value ->> 2, value ->> 3, value ->> 4,
                   coalesce(value ->> 8, @DefaultAttempts), value ->> 9, 1, @Now, @Now,
                   iif(value ->> 10 IS NULL, NULL, @Now), value ->> 10, value ->> 11, iif(value ->> 10 IS NULL, NULL, 0),
                   @Campaign, @JobId, NULL, value ->> 5, value ->> 6, value ->> 7, NULL
            FROM json_each(@Children) ORDER BY key
            RETURNING id, state
            """, new { Scheduled = (int)JobState.Scheduled, Failed = (int)JobState.Failed, Now = now, DefaultAttempts = Options.DefaultMaxAttempts, batch.Campaign, JobId = jobId, Children = children }).ToRowList();
        if (made.Count != count)
        {
            throw new InvalidOperationException($"batch {jobId}: {made.Count} children made of {count}");
        }

        var list = JsonText.Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var child in made)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(child.Id);
                writer.WriteNumberValue(child.State);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        });
        c.Execute("""
            INSERT INTO job_events (job_id, seq, at, from_state, to_state, reason, node_id, attempt, fence, error_code, error_message)
            SELECT value ->> 0, 1, @Now, NULL, value ->> 1, @Submitted, NULL, 0, 0, NULL, NULL FROM json_each(@Made)
            """, new { Now = now, Submitted = (int)EventReason.Submitted, Made = list });
        var failed = made.Count(m => m.State == (int)JobState.Failed);
        foreach (var (state, n) in new[] { (JobState.Scheduled, made.Count - failed), (JobState.Failed, failed) })
        {
            if (n > 0)
            {
                AddChildren(c, batch.Campaign, state, n, now);
            }
        }

        c.Execute("""
            UPDATE campaign_batches SET spawned_at = @Now, records = @Records, matched = @Matched, next_start_position = @Next,
                                        ended_children = ended_children + @Failed
            WHERE job_id = @JobId
            """, new { Now = now, Records = made.Count, page.Matched, Next = page.NextStartPosition, Failed = failed, JobId = jobId });
        c.Execute("""
            UPDATE campaigns SET next_start_position = @Next, total_children = total_children + @Records, last_activity_at = @Now WHERE num = @Num
            """, new { Next = page.NextStartPosition, Records = made.Count, Now = now, Num = batch.Campaign });
        var after = job.Copy();
        after.ProgressPercent = 0;
        after.ProgressPhase = ChildrenPhase(0, made.Count);
        Save(c, job, after, null, now);
        FinishBatchIfEnded(c, jobId, now);
        return SpawnResult.Spawned;
    });

    private static string ChildrenPhase(long completed, long records) => $"{completed} of {records} children completed";

    /// <summary>A batch whose page could not be read: it fails (the campaign's cursor stays, so the page can be asked again).</summary>
    public Task<JobRow?> FailBatchReadAsync(long jobId, string code, string message) => WriteAsync(c =>
    {
        var job = ReadJob(c, jobId);
        if (job is null || job.JobState != JobState.Running
            || c.ExecuteScalar<long>("SELECT count(*) FROM campaign_batches WHERE job_id = @JobId AND spawned_at IS NULL", new { JobId = jobId }) == 0)
        {
            return null;
        }

        var now = Now();
        var after = job.Copy();
        after.ErrorCode = code;
        after.ErrorMessage = Bounded(message);
        after.ErrorRetryable = 1;
        Save(c, job, after, new StateChange(JobState.Failed, EventReason.FatalFailure), now);
        EndBatch(c, job.CampaignId!.Value, jobId, now);
        return ReadJob(c, jobId);
    });

    /// <summary>Counts <paramref name="n"/> more children of <paramref name="campaign"/> in <paramref name="state"/>.</summary>
    private static void AddChildren(SqliteConnection c, long campaign, JobState state, long n, long now) => c.Execute("""
        INSERT INTO campaign_children (campaign, state, n, at) VALUES (@Campaign, @State, @N, @Now)
        ON CONFLICT (campaign, state) DO UPDATE SET n = n + excluded.n, at = excluded.at
        """, new { Campaign = campaign, State = (int)state, N = n, Now = now });

    /// <summary>
    /// A campaign child changed state (from <see cref="Save"/>, in its transaction): its campaign's counts move with it,
    /// and its end counts toward its batch, whose last child's end ends the batch. Two or three statements per change.
    /// </summary>
    private void OnCampaignChildChanged(SqliteConnection c, JobRow child, JobState from, StateChange change, long now)
    {
        // A parent_id and campaign_id given at submit are labels: only a batch's own children are counted.
        var campaign = c.ExecuteScalar<long?>("SELECT campaign FROM campaign_batches WHERE job_id = @JobId", new { JobId = child.ParentId });
        if (campaign != child.CampaignId)
        {
            return;
        }

        c.Execute("UPDATE campaign_children SET n = n - 1, at = @Now WHERE campaign = @Campaign AND state = @State",
            new { Now = now, Campaign = campaign, State = (int)from });
        AddChildren(c, campaign!.Value, change.To, 1, now);
        if (!change.To.IsTerminal())
        {
            return;
        }

        var batch = c.QuerySingle<CampaignBatchRow>("""
            UPDATE campaign_batches SET ended_children = ended_children + 1, completed_children = completed_children + @Completed
            WHERE job_id = @JobId RETURNING *
            """, new { Completed = change.To == JobState.Completed ? 1 : 0, JobId = child.ParentId });
        if (batch.EndedChildren >= batch.Records)
        {
            FinishBatchIfEnded(c, batch.JobId, now);
            return;
        }

        // The batch's progress in whole percents: a write when the whole percent moves, not for every child.
        var parent = ReadJob(c, batch.JobId)!;
        var percent = WholePercent(batch);
        if (parent.ProgressPercent != percent && !parent.JobState.IsTerminal())
        {
            var after = parent.Copy();
            after.ProgressPercent = percent;
            after.ProgressPhase = ChildrenPhase(batch.CompletedChildren, batch.Records ?? 0);
            Save(c, parent, after, null, now);
        }
    }

    private static double WholePercent(CampaignBatchRow batch) => batch.Records is null or 0 ? 100 : Math.Floor(100.0 * batch.EndedChildren / batch.Records.Value);

    /// <summary>
    /// Ends a spawned batch once every child has ended: stopped if it was stopped, completed if every child completed,
    /// failed if none did, partial otherwise.
    /// </summary>
    private void FinishBatchIfEnded(SqliteConnection c, long jobId, long now)
    {
        var job = ReadJob(c, jobId)!;
        var batch = c.QuerySingle<CampaignBatchRow>("SELECT * FROM campaign_batches WHERE job_id = @JobId", new { JobId = jobId });
        if (job.JobState.IsTerminal() || batch.SpawnedAt is null || batch.EndedChildren < batch.Records)
        {
            return;
        }

        var records = batch.Records ?? 0;
        var after = job.Copy();
        after.ProgressPercent = 100;
        after.ProgressPhase = ChildrenPhase(batch.CompletedChildren, records);
        JobState outcome;
        if (job.JobState is JobState.StopRequested or JobState.Stopping)
        {
            outcome = JobState.Stopped;
        }
        else if (batch.CompletedChildren == records)
        {
            outcome = JobState.Completed;
        }
        else
        {
            outcome = batch.CompletedChildren == 0 ? JobState.Failed : JobState.Partial;
            after.ErrorCode = "children_failed";
            after.ErrorMessage = $"{records - batch.CompletedChildren} of {records} children did not complete";
            after.ErrorRetryable = 0;
        }

        Save(c, job, after, new StateChange(outcome, outcome == JobState.Stopped ? EventReason.Stopped : EventReason.StepsEnded), now);
        EndBatch(c, batch.Campaign, jobId, now);
    }

    /// <summary>The campaign may take its next batch.</summary>
    private static void EndBatch(SqliteConnection c, long campaign, long jobId, long now) => c.Execute(
        "UPDATE campaigns SET active_batch = NULL, last_activity_at = @Now WHERE num = @Num AND active_batch = @JobId",
        new { Now = now, Num = campaign, JobId = jobId });

    /// <summary>
    /// Stops a batch job: one whose page is unread ends stopped at once (the reader drops the page); one with children
    /// stops every unfinished child, in this transaction, and ends stopped once the last of them has. Children an agent
    /// holds are left stop_requested: the caller pushes them the stop (<see cref="GetStoppingChildrenAsync"/>).
    /// </summary>
    private Transition StopBatch(SqliteConnection c, JobRow before)
    {
        if (before.JobState.IsTerminal() || before.JobState is JobState.StopRequested or JobState.Stopping)
        {
            return Transition.Ok(before);
        }

        var now = Now();
        var batch = c.QuerySingle<CampaignBatchRow>("SELECT * FROM campaign_batches WHERE job_id = @JobId", new { JobId = before.Id });
        var after = before.Copy();
        if (batch.SpawnedAt is null)
        {
            Save(c, before, after, new StateChange(JobState.Stopped, EventReason.Stopped), now);
            EndBatch(c, batch.Campaign, before.Id, now);
            return Transition.Ok(ReadJob(c, before.Id)!);
        }

        Save(c, before, after, new StateChange(JobState.StopRequested, EventReason.StopRequested), now);
        StopScheduledChildren(c, batch, now);
        var active = c.Query<long>("""
            SELECT id FROM jobs WHERE parent_id = @JobId AND step_id IS NULL AND (SELECT active FROM job_states s WHERE s.state = jobs.state)
            """, new { JobId = before.Id }).ToRowList();
        foreach (var id in active)
        {
            Stop(c, id);
        }

        FinishBatchIfEnded(c, before.Id, now);
        return Transition.Ok(ReadJob(c, before.Id)!);
    }

    /// <summary>
    /// Stops every scheduled child of <paramref name="batch"/> (nobody holds them) as <see cref="Stop"/> would, one by
    /// one, but in five statements however many there are: stopped one by one, 10,000 held the writer for a second.
    /// </summary>
    // Not cached: the list of children is long (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    private static void StopScheduledChildren(SqliteConnection c, CampaignBatchRow batch, long now)
    {
        var stopped = c.Query<long>("""
            UPDATE jobs SET state = @Stopped, event_seq = event_seq + 1, updated_at = @Now, finished_at = @Now
            WHERE parent_id = @JobId AND step_id IS NULL AND state = @Scheduled
            RETURNING id
            """, new { Stopped = (int)JobState.Stopped, Now = now, batch.JobId, Scheduled = (int)JobState.Scheduled }).ToRowList();
        if (stopped.Count == 0)
        {
            return;
        }

        // Each one's event, as Save writes it: from scheduled, to stopped, at its new sequence number.
        c.Execute("""
            INSERT INTO job_events (job_id, seq, at, from_state, to_state, reason, node_id, attempt, fence, error_code, error_message)
            SELECT j.id, j.event_seq, @Now, @Scheduled, @Stopped, @Reason, coalesce(j.lease_node_id, j.node_id), j.attempt, j.fence, j.error_code, j.error_message
            FROM json_each(@Ids) AS stopped JOIN jobs AS j ON j.id = stopped.value
            """, new { Now = now, Scheduled = (int)JobState.Scheduled, Stopped = (int)JobState.Stopped, Reason = (int)EventReason.Stopped,
            Ids = "[" + string.Join(',', stopped.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]" });
        c.Execute("UPDATE campaign_children SET n = n - @Count, at = @Now WHERE campaign = @Campaign AND state = @Scheduled",
            new { Count = stopped.Count, Now = now, batch.Campaign, Scheduled = (int)JobState.Scheduled });
        AddChildren(c, batch.Campaign, JobState.Stopped, stopped.Count, now);
        c.Execute("UPDATE campaign_batches SET ended_children = ended_children + @Count WHERE job_id = @JobId", new { Count = stopped.Count, batch.JobId });
    }

    /// <summary>A stopped batch's children an agent still holds (stop_requested), to push the stop to.</summary>
    public async Task<IReadOnlyList<JobRow>> GetStoppingChildrenAsync(long batchJobId)
    {
        await using var c = OpenReader();
        return c.Query<JobRow>($"""
            SELECT {JobColumns.List} FROM jobs WHERE parent_id = @JobId AND step_id IS NULL AND state = @StopRequested
            """, new { JobId = batchJobId, StopRequested = (int)JobState.StopRequested }).ToRowList();
    }

    /// <summary>Whether <paramref name="jobId"/> is a parent batch (whose children only it makes).</summary>
    public async Task<bool> IsCampaignBatchAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.ExecuteScalar<long>("SELECT count(*) FROM campaign_batches WHERE job_id = @JobId", new { JobId = jobId }) > 0;
    }

    /// <summary>One batch's row; null for a job that is not a parent batch.</summary>
    public async Task<CampaignBatchRow?> GetCampaignBatchAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<CampaignBatchRow>("SELECT * FROM campaign_batches WHERE job_id = @JobId", new { JobId = jobId });
    }
}
