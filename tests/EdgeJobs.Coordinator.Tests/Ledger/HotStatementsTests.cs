using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>The writer's native statements on their unhappy path: a failing one reports SQLite's error and stays usable.</summary>
public class HotStatementsTests
{
    [Test]
    public async Task a_statement_that_fails_throws_sqlites_error_and_runs_again_afterwards()
    {
        await using var f = new LedgerFixture();
        var job = await f.Ledger.SubmitAsync(new NewJob { Tool = "sleep", ToolVersion = "1", Params = "{}", Owner = "bob" });

        var (error, after) = await f.Ledger.WriteAsync(c =>
        {
            using var statements = new HotStatements(c);
            var row = statements.Read(job.Id)!;
            SqliteException? failure = null;
            try
            {
                // Event 1 (submitted) is already there: the primary key (job_id, seq) refuses a second one.
                statements.InsertEvent(row, null, new StateChange(JobState.Scheduled, EventReason.Submitted), 0);
            }
            catch (SqliteException e)
            {
                failure = e;
            }

            row.EventSeq = 2;
            statements.InsertEvent(row, JobState.Scheduled, new StateChange(JobState.Scheduled, EventReason.Submitted), 0);
            return (failure, statements.Read(job.Id));
        });

        await Assert.That(error).IsNotNull();
        await Assert.That(error!.SqliteErrorCode).IsEqualTo(19); // SQLITE_CONSTRAINT
        await Assert.That(error.Message).Contains("UNIQUE constraint failed: job_events.job_id, job_events.seq");
        await Assert.That(after!.Id).IsEqualTo(job.Id);
        await Assert.That((await f.Ledger.GetEventsAsync(job.Id)).Count).IsEqualTo(2);
    }
}
