using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// The mechanics every transition shares: read the row, let JobRules decide, write the new row back
// with a compare-and-set on (state, fence, event_seq), and append the event in the same transaction.
public sealed partial class Ledger
{
    private const string UpdateJobSql = """
        UPDATE jobs SET
          state = @State, attempt = @Attempt, fence = @Fence, timed_out = @TimedOut,
          lease_node_id = @LeaseNodeId, lease_expires_at = @LeaseExpiresAt, not_before = @NotBefore, node_id = @NodeId,
          progress_percent = @ProgressPercent, progress_phase = @ProgressPhase,
          error_code = @ErrorCode, error_message = @ErrorMessage, error_retryable = @ErrorRetryable,
          event_seq = @EventSeq, started_at = @StartedAt, attempt_started_at = @AttemptStartedAt, finished_at = @FinishedAt, updated_at = @UpdatedAt
        WHERE id = @Id AND state = @ExpectedState AND fence = @ExpectedFence AND event_seq = @ExpectedEventSeq
        """;

    private static JobRow? ReadJob(SqliteConnection c, long id) =>
        c.QuerySingleOrDefault<JobRow>("SELECT * FROM jobs WHERE id = @Id", new { Id = id });

    /// <summary>
    /// Writes <paramref name="after"/> over <paramref name="before"/>. With a state change it bumps the event
    /// sequence, appends the event, and on a terminal state stamps <c>finished_at</c> and drops the lease.
    /// </summary>
    private static void Save(SqliteConnection c, JobRow before, JobRow after, StateChange? change, long now)
    {
        var changed = change is { } s && !s.IsUnchanged();
        after.UpdatedAt = now;
        if (changed)
        {
            after.State = (int)change!.Value.To;
            after.EventSeq = before.EventSeq + 1;
            if (change.Value.To.IsTerminal())
            {
                after.FinishedAt = now;
                after.LeaseNodeId = null;
                after.LeaseExpiresAt = null;
            }
        }

        var updated = c.Execute(UpdateJobSql, new
        {
            after.Id,
            after.State,
            after.Attempt,
            after.Fence,
            after.TimedOut,
            after.LeaseNodeId,
            after.LeaseExpiresAt,
            after.NotBefore,
            after.NodeId,
            after.ProgressPercent,
            after.ProgressPhase,
            after.ErrorCode,
            after.ErrorMessage,
            after.ErrorRetryable,
            after.EventSeq,
            after.StartedAt,
            after.AttemptStartedAt,
            after.FinishedAt,
            after.UpdatedAt,
            ExpectedState = before.State,
            ExpectedFence = before.Fence,
            ExpectedEventSeq = before.EventSeq,
        });

        if (updated != 1)
        {
            // Every write goes through the single writer, so the row cannot have moved under us.
            throw new InvalidOperationException($"compare-and-set on job {before.Id} lost inside the single writer");
        }

        if (changed)
        {
            InsertEvent(c, after, before.JobState, change!.Value, now);
        }
    }
}
