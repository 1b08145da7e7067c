using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// The mechanics every transition shares: read the row, let JobRules decide, write the new row back
// with a compare-and-set on (state, fence, event_seq), and append the event in the same transaction.
public sealed partial class JobLedger
{
    /// <summary>The writer's prepared per-job statements; <paramref name="c"/> is the connection the operation was given.</summary>
    private HotStatements Statements(SqliteConnection c) =>
        _writer.Statements.Connection == c ? _writer.Statements
            : throw new InvalidOperationException("ledger writes run on the writer's connection only");

    private JobRow? ReadJob(SqliteConnection c, long id) => Statements(c).Read(id);

    /// <summary>
    /// Writes <paramref name="after"/> over <paramref name="before"/>. With a state change it bumps the event
    /// sequence, appends the event, and on a terminal state stamps <c>finished_at</c> and drops the lease.
    /// </summary>
    private void Save(SqliteConnection c, JobRow before, JobRow after, StateChange? change, long now)
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

        var updated = Statements(c).CompareAndSet(before, after);
        if (updated != 1)
        {
            // Every write goes through the single writer, so the row cannot have moved under us.
            throw new InvalidOperationException($"compare-and-set on job {before.Id} lost inside the single writer");
        }

        if (changed)
        {
            InsertEvent(c, after, before.JobState, change!.Value, now);
            if (after.StepId is not null && after.ParentId is not null)
            {
                OnStepJobChanged(c, after, change.Value, now); // moves its recipe job on, in this transaction
            }
            else if (after.ParentId is not null && after.CampaignId is not null)
            {
                OnCampaignChildChanged(c, after, before.JobState, change.Value, now); // counts it, and ends its batch after the last
            }

            if (after.Workspace is not null && change.Value.To.IsTerminal())
            {
                OnPayingJobEnded(c, after, change.Value.To, now); // releases what it reserved, unless it completed
            }
        }
    }
}
