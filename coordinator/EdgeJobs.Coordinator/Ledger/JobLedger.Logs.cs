using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A slice of a job's log: lines after the caller's cursor.</summary>
public sealed record LogPage(long Cursor, IReadOnlyList<string> Lines, long TruncatedFromTail);

// Log lines are numbered per job (jobs.log_seq), across attempts, so a cursor never goes backwards
// when a job is retried. Only the newest LogLinesKept lines are kept.
public sealed partial class JobLedger
{
    public const int MaxLogPage = 1000;

    /// <summary>
    /// Appends lines from the agent holding the lease under <paramref name="fence"/>. <paramref name="firstAgentSeq"/>
    /// is the agent's number for the first line (1-based, per attempt): lines at or below the last number
    /// stored under this fence were stored already (resent after a lost acknowledgement) and are skipped.
    /// 0 means the agent does not number its lines: all are stored.
    /// </summary>
    public Task<Transition> AppendLogAsync(long jobId, long fence, IReadOnlyList<string> lines, long firstAgentSeq = 0) =>
        WriteAsync(c => AppendLog(c, jobId, fence, lines, firstAgentSeq));

    internal Transition AppendLog(SqliteConnection c, long jobId, long fence, IReadOnlyList<string> lines, long firstAgentSeq)
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

        if (firstAgentSeq > 0)
        {
            var stored = before.LogAgentFence == fence ? before.LogAgentSeq : 0;
            var skip = (int)Math.Clamp(stored - firstAgentSeq + 1, 0, lines.Count);
            var last = firstAgentSeq + lines.Count - 1;
            if (last > stored)
            {
                Statements(c).SetLogAgentSeq(jobId, fence, last);
                before.LogAgentFence = fence;
                before.LogAgentSeq = last;
            }

            lines = skip == 0 ? lines : [.. lines.Skip(skip)];
            if (lines.Count == 0)
            {
                return Transition.Ok(before);
            }
        }

        var now = Now();
        var seq = before.LogSeq;
        var statements = Statements(c);
        foreach (var line in lines)
        {
            seq++;
            statements.InsertLogLine(jobId, seq, before.Attempt, now, line);
        }

        var firstKept = Math.Max(before.LogFirstSeq, seq - Options.LogLinesKept + 1);
        if (firstKept > before.LogFirstSeq)
        {
            c.Execute("DELETE FROM job_logs WHERE job_id = @JobId AND seq < @FirstKept", new { JobId = jobId, FirstKept = firstKept });
        }

        statements.SetLogSeq(jobId, seq, firstKept, now);
        before.LogSeq = seq;
        before.LogFirstSeq = firstKept;
        return Transition.Ok(before);
    }

    /// <summary>
    /// Lines after <paramref name="since"/> (at most <paramref name="limit"/>). <c>TruncatedFromTail</c>
    /// counts lines after the cursor that were already dropped. Null when the job does not exist.
    /// </summary>
    public async Task<LogPage?> ReadLogAsync(long jobId, long since, int limit = MaxLogPage)
    {
        await using var c = OpenReader();
        var job = c.QuerySingleOrDefault<JobRow>($"SELECT {JobColumns.List} FROM jobs WHERE id = @Id", new { Id = jobId });
        if (job is null)
        {
            return null;
        }

        var lines = c.Query<LogLineRow>(
            "SELECT seq, line FROM job_logs WHERE job_id = @JobId AND seq > @Since ORDER BY seq LIMIT @Limit",
            new { JobId = jobId, Since = since, Limit = Math.Clamp(limit, 1, MaxLogPage) }).ToRowList();
        var truncated = Math.Max(0, job.LogFirstSeq - 1 - since);
        var cursor = lines.Count > 0 ? lines[^1].Seq : Math.Max(since, 0);
        return new LogPage(cursor, lines.ConvertAll(l => l.Line), Math.Min(truncated, job.LogSeq));
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first, for the job view.</summary>
    public async Task<IReadOnlyList<string>> LogTailAsync(long jobId, int count)
    {
        await using var c = OpenReader();
        var lines = c.Query<string>(
            "SELECT line FROM job_logs WHERE job_id = @JobId ORDER BY seq DESC LIMIT @Count",
            new { JobId = jobId, Count = count }).ToRowList();
        lines.Reverse();
        return lines;
    }
}
