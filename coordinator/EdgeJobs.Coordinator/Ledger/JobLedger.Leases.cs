using System.Diagnostics.CodeAnalysis;
using Dapper;
using EdgeJobs.Hosting;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// The lease protocol the link drives:
//
//   grant (offer: scheduled + lease_node_id, fence+1) ──accept(fence)──▶ running (attempt+1)
//        │ reject / offer expires: offer cleared                 │ renew(fence) extends the lease
//        ▼                                                       ▼
//   scheduled (free)                      finish(fence) / expire ──▶ per JobRules
//
// Every agent write carries the fence it was granted; a stale one is refused (Fenced), so an agent
// that was cut off can never overwrite the result of the agent that replaced it.
public sealed partial class JobLedger
{
    /// <summary>
    /// Offers up to <paramref name="count"/> ready jobs to <paramref name="nodeId"/>, highest priority then oldest
    /// first: jobs of its <paramref name="tools"/> (<c>id@version</c>, or an id for any version) that ask for no labels or for labels in <paramref name="labelsJson"/>,
    /// jobs on datasets only when the node <paramref name="readsDatasets"/>, recipes' step jobs only when it <paramref name="takesSteps"/>,
    /// and, when the node must stop by <paramref name="deadline"/> (Unix ms, 0: never), no job whose timeout ends after it.
    /// </summary>
    public Task<IReadOnlyList<Lease>> GrantAsync(long nodeId, IReadOnlyCollection<string> tools, int count = 1, string labelsJson = "{}", bool readsDatasets = true,
        bool takesSteps = true, long deadline = 0)
    {
        var toolsJson = JsonText.Array(tools);
        return WriteRelaxedAsync<IReadOnlyList<Lease>>(c =>
        {
            var now = Now();
            var leases = new List<Lease>(count);
            while (leases.Count < count)
            {
                var before = Statements(c).NextReady(now, toolsJson, labelsJson, readsDatasets, takesSteps, deadline);
                if (before is null)
                {
                    break;
                }

                leases.Add(Offer(c, before, nodeId, now).Lease);
            }

            return leases;
        });
    }

    /// <summary>
    /// Offers one specific job to <paramref name="nodeId"/> (the scheduler's push path: a job just
    /// submitted goes straight to an idle agent). Conflict unless the job is scheduled, free and due.
    /// </summary>
    public Task<(Transition Result, Lease? Lease)> GrantJobAsync(long jobId, long nodeId) => WriteRelaxedAsync(c =>
    {
        var before = ReadJob(c, jobId);
        if (before is null)
        {
            return (Transition.NotFound, (Lease?)null);
        }

        var now = Now();
        if (before.JobState != JobState.Scheduled || before.LeaseNodeId is not null || before.NotBefore > now)
        {
            return (Transition.Conflict(before), null);
        }

        var (after, lease) = Offer(c, before, nodeId, now);
        return (Transition.Ok(after), lease);
    });

    /// <summary>Offers a scheduled job to a node under a new fence (no state change, no event: not running yet).</summary>
    private (JobRow After, Lease Lease) Offer(SqliteConnection c, JobRow before, long nodeId, long now)
    {
        var after = before.Copy();
        after.Fence = before.Fence + 1;
        after.LeaseNodeId = nodeId;
        after.LeaseExpiresAt = now + (long)Options.OfferTtl.TotalMilliseconds;
        Save(c, before, after, null, now);
        return (after, new Lease(after.Id, after.Fence, after.Attempt + 1, after.Tool, after.ToolVersion,
            after.Params, after.TimeoutMs, after.LeaseExpiresAt.Value, after.Dataset is { } dataset ? after.Org + "/" + dataset : null,
            after.StepId, after.StepId is null ? null : after.ParentId));
    }

    /// <summary>The agent accepted the grant: the job is now <c>running</c> under the lease.</summary>
    public Task<Transition> AcceptAsync(long jobId, long fence, long nodeId) => WriteAsync(c => Accept(c, jobId, fence, nodeId));

    internal Transition Accept(SqliteConnection c, long jobId, long fence, long nodeId)
    {
        var before = ReadJob(c, jobId);
        if (IsRefused(before, fence, out var refusal))
        {
            return refusal;
        }

        if (JobRules.Accept(before.JobState) is not { } change)
        {
            return Transition.Conflict(before);
        }

        if (before.LeaseNodeId != nodeId)
        {
            return Transition.Fenced(before);
        }

        var now = Now();
        var after = before.Copy();
        after.Attempt = before.Attempt + 1;
        after.NodeId = nodeId;
        after.StartedAt ??= now;
        after.AttemptStartedAt = now;
        after.LeaseExpiresAt = now + (long)Options.LeaseTtl.TotalMilliseconds;
        after.ProgressPercent = 0;
        after.ProgressPhase = null;
        Save(c, before, after, change, now);
        return Transition.Ok(after);
    }

    /// <summary>The agent declined the grant (no slot, tool missing): the offer is withdrawn, no attempt used.</summary>
    public Task<Transition> RejectAsync(long jobId, long fence) => WriteRelaxedAsync(c => Reject(c, jobId, fence));

    internal Transition Reject(SqliteConnection c, long jobId, long fence)
    {
        var before = ReadJob(c, jobId);
        if (IsRefused(before, fence, out var refusal))
        {
            return refusal;
        }

        if (before.JobState != JobState.Scheduled)
        {
            return Transition.Conflict(before);
        }

        var after = before.Copy();
        after.LeaseNodeId = null;
        after.LeaseExpiresAt = null;
        Save(c, before, after, null, Now());
        return Transition.Ok(after);
    }

    /// <summary>
    /// Extends a held lease and records progress. The answer's state tells the agent whether a stop
    /// was requested meanwhile.
    /// </summary>
    public Task<Transition> RenewAsync(long jobId, long fence, ProgressReport? progress = null) => WriteAsync(c => Renew(c, jobId, fence, progress));

    internal Transition Renew(SqliteConnection c, long jobId, long fence, ProgressReport? progress = null)
    {
        var before = ReadJob(c, jobId);
        if (IsRefused(before, fence, out var refusal))
        {
            return refusal;
        }

        if (!JobRules.HoldsLease(before.JobState))
        {
            return Transition.Conflict(before);
        }

        var now = Now();
        var after = before.Copy();
        after.LeaseExpiresAt = now + (long)Options.LeaseTtl.TotalMilliseconds;
        if (progress is { } p)
        {
            after.ProgressPercent = Math.Clamp(p.Percent, 0, 100);
            after.ProgressPhase = p.Phase;
        }

        Save(c, before, after, null, now);
        return Transition.Ok(after);
    }

    /// <summary>The agent saw the stop and is winding down: stop_requested → stopping.</summary>
    public Task<Transition> AcknowledgeStopAsync(long jobId, long fence) => WriteAsync(c => AcknowledgeStop(c, jobId, fence));

    internal Transition AcknowledgeStop(SqliteConnection c, long jobId, long fence)
    {
        var before = ReadJob(c, jobId);
        if (IsRefused(before, fence, out var refusal))
        {
            return refusal;
        }

        if (JobRules.AcknowledgeStop(before.JobState) is not { } change)
        {
            return Transition.Conflict(before);
        }

        if (change.IsUnchanged())
        {
            return Transition.Ok(before);
        }

        var after = before.Copy();
        Save(c, before, after, change, Now());
        return Transition.Ok(after);
    }

    /// <summary>An attempt ended. Applied only under the current fence.</summary>
    public Task<Transition> FinishAsync(long jobId, long fence, FinishReport report) => WriteAsync(c => Finish(c, jobId, fence, report));

    internal Transition Finish(SqliteConnection c, long jobId, long fence, FinishReport report)
    {
        var before = ReadJob(c, jobId);
        if (IsRefused(before, fence, out var refusal))
        {
            return refusal;
        }

        var attemptsLeft = before.Attempt < before.MaxAttempts;
        if (JobRules.Finish(before.JobState, report.Outcome, attemptsLeft, before.TimedOut != 0) is not { } change)
        {
            return Transition.Conflict(before);
        }

        var now = Now();
        var after = before.Copy();
        ApplyEnding(c, after, change, report.ErrorCode, report.ErrorMessage, now);
        after.CpuMs = CpuMs(report.CpuSeconds);
        Save(c, before, after, change, now);
        return Transition.Ok(after);
    }

    /// <summary>
    /// The agent's CPU seconds as the ledger keeps them; a value no attempt can have (negative, not finite, beyond a year)
    /// is not kept: the job settles from its wall seconds then, as from an agent that does not measure.
    /// </summary>
    private static long? CpuMs(double? seconds) =>
        seconds is { } s && double.IsFinite(s) && s >= 0 && s <= MaxCpuSeconds ? (long)Math.Round(s * 1000) : null;

    private const double MaxCpuSeconds = 366 * 86400.0 * 1024; // a year on 1,024 cores

    internal const string ExpiredLeasesSql = $"SELECT {JobColumns.List} FROM jobs WHERE lease_expires_at <= @Now ORDER BY lease_expires_at LIMIT @Max";

    /// <summary>
    /// Ends every lease and offer whose time has passed: offers are withdrawn; running jobs go back to
    /// scheduled (attempts left) or fail; stops in flight end stopped. Driven periodically by the sweeper.
    /// </summary>
    /// <returns>The number of jobs whose state changed.</returns>
    public Task<int> ExpireLeasesAsync(int max = 1000) => WriteAsync(c =>
    {
        var now = Now();
        var rows = c.Query<JobRow>(ExpiredLeasesSql, new { Now = now, Max = max }).ToRowList();
        var changed = 0;
        foreach (var before in rows)
        {
            var after = before.Copy();
            after.LeaseNodeId = null;
            after.LeaseExpiresAt = null;
            var attemptsLeft = before.Attempt < before.MaxAttempts;
            if (before.JobState == JobState.Scheduled)
            {
                Save(c, before, after, null, now);
                continue;
            }

            if (JobRules.Expire(before.JobState, attemptsLeft, before.TimedOut != 0) is not { } change)
            {
                continue;
            }

            var (code, message) = change.To == JobState.Failed && change.Reason == EventReason.LeaseExpired
                ? ("lease_lost", $"the agent stopped renewing its lease on the last attempt ({before.Attempt} of {before.MaxAttempts})")
                : ("lease_expired", "the agent stopped renewing its lease");
            ApplyEnding(c, after, change, code, message, now);
            Save(c, before, after, change, now);
            changed++;
        }

        return changed;
    });

    /// <summary>True (with NotFound or Fenced) when the job is gone or the caller's fence is stale.</summary>
    private static bool IsRefused([NotNullWhen(false)] JobRow? job, long fence, out Transition refusal)
    {
        refusal = job is null ? Transition.NotFound : job.Fence != fence ? Transition.Fenced(job) : default;
        return job is null || job.Fence != fence;
    }

    /// <summary>The progress phase of a job whose tool completed (the percent is 100).</summary>
    public const string CompletedPhase = "done";

    /// <summary>Sets the columns that go with how an attempt ended: error, backoff, lease, progress.</summary>
    private void ApplyEnding(SqliteConnection c, JobRow after, StateChange change, string? errorCode, string? errorMessage, long now)
    {
        switch (change.To)
        {
            case JobState.Completed:
                // A successful retry clears the previous error.
                after.ErrorCode = null;
                after.ErrorMessage = null;
                after.ErrorRetryable = null;
                after.ProgressPercent = 100;
                // Not the tool's last report: a job that ends between two heartbeats would read "100%, opening" for good.
                after.ProgressPhase = CompletedPhase;
                break;
            case JobState.Scheduled:
                after.LeaseNodeId = null;
                after.LeaseExpiresAt = null;
                if (change.Reason == EventReason.HandedBack)
                {
                    after.NotBefore = now;
                    break;
                }

                SetError(after, errorCode ?? "failed", errorMessage, retryable: true);
                var (baseDelay, maxDelay) = RetryBackoff(c, after);
                after.NotBefore = now + (long)Backoff.Delay(after.Attempt, baseDelay, maxDelay, Random.Shared.NextDouble()).TotalMilliseconds;
                break;
            case JobState.Failed when change.Reason == EventReason.TimedOut:
                SetError(after, "timeout", "the job ran past its timeout", retryable: false);
                break;
            case JobState.Failed:
                SetError(after, errorCode ?? "failed", errorMessage, retryable: change.Reason != EventReason.FatalFailure);
                break;
            default:
                break;
        }
    }

    /// <summary>The coordinator's backoff, or a recipe step's own (<c>retry.backoff_s</c>) for its step job.</summary>
    private (TimeSpan Base, TimeSpan Max) RetryBackoff(SqliteConnection c, JobRow job)
    {
        if (job is { StepId: { } stepId, ParentId: { } recipeJobId }
            && c.QuerySingleOrDefault<StepBackoffRow>("SELECT backoff_ms, max_backoff_ms FROM job_steps WHERE job_id = @JobId AND step_id = @StepId",
                new { JobId = recipeJobId, StepId = stepId }) is { BackoffMs: { } first } own)
        {
            var baseDelay = TimeSpan.FromMilliseconds(first);
            // Without its own cap the coordinator's holds, unless the step's first wait is already longer.
            var cap = own.MaxBackoffMs is { } m ? TimeSpan.FromMilliseconds(m) : TimeSpan.FromTicks(Math.Max(Options.RetryMaxDelay.Ticks, baseDelay.Ticks));
            return (baseDelay, cap);
        }

        return (Options.RetryBaseDelay, Options.RetryMaxDelay);
    }

    private static void SetError(JobRow row, string code, string? message, bool retryable)
    {
        row.ErrorCode = code;
        row.ErrorMessage = message;
        row.ErrorRetryable = retryable ? 1 : 0;
    }
}
