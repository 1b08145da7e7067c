using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>The writer's native statements: values bound and read back as they are, and a failing one reports SQLite's error and stays usable.</summary>
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

    [Test]
    public async Task every_kind_of_value_binds_and_reads_back_as_it_is()
    {
        await using var f = new LedgerFixture();
        var longText = string.Concat(Enumerable.Repeat("δ€x", 400)); // > 512 UTF-8 bytes: the pooled buffer
        long? noLong = null;
        int? noInt = null;
        double? noDouble = null;
        long? someLong = -7;

        var read = await f.Ledger.WriteAsync(c =>
        {
            using var s = new RawStatement(c, "SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4), ?5, ?6, ?7, ?8, ?9, ?10");
            s.Run(noLong, noInt, noDouble, (string?)null, someLong, long.MaxValue, 2.5, "plain", "naïve ✓", longText);
            var row = (s.String(0), s.String(1), s.String(2), s.String(3), s.Int64OrNull(4), s.Int64(5), s.Double(6), s.String(7), s.String(8), s.String(9));
            s.Reset();
            return row;
        });

        await Assert.That((read.Item1, read.Item2, read.Item3, read.Item4)).IsEqualTo(("null", "null", "null", "null"));
        await Assert.That((read.Item5, read.Item6, read.Item7)).IsEqualTo(((long?)-7, long.MaxValue, 2.5));
        await Assert.That((read.Item8, read.Item9, read.Item10)).IsEqualTo(("plain", "naïve ✓", longText));
    }
}
