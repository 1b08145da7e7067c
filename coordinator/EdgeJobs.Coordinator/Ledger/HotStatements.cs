using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The statements the writer runs several times for every job — insert it, find the next ready one, read
/// it, compare-and-set it, append its events and log lines — prepared once on the writer's connection, with parameters
/// bound and columns read by position (<see cref="RawStatement"/>). Going through the general mapper each time
/// (a new command, parameters bound by name, columns matched by name) cost more than SQLite's own work:
/// grant + accept + finish took 320-376 µs and 61 KB per job that way, 125 µs and 18 KB as prepared
/// SqliteCommands, and less again on the native statements.
/// Used only on the writer's thread, like the connection it belongs to.
/// </summary>
internal sealed class HotStatements : IDisposable
{
    private readonly RawStatement _insert;
    private readonly RawStatement _nextReady;
    private readonly RawStatement _read;
    private readonly RawStatement _update;
    private readonly RawStatement _event;
    private readonly RawStatement _logLine;
    private readonly RawStatement _logSeq;
    private readonly RawStatement _logAgentSeq;
    private readonly RawStatement _active;

    public HotStatements(SqliteConnection connection)
    {
        Connection = connection;
        _insert = new RawStatement(connection, InsertSql);
        _nextReady = new RawStatement(connection, NextReadySql);
        _read = new RawStatement(connection, $"SELECT {JobColumns.List} FROM jobs WHERE id = ?1");
        _update = new RawStatement(connection, CompareAndSetSql);
        _event = new RawStatement(connection, """
            INSERT INTO job_events (job_id, seq, at, from_state, to_state, reason, node_id, attempt, fence, error_code, error_message)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """);
        _logLine = new RawStatement(connection, "INSERT INTO job_logs (job_id, seq, attempt, at, line) VALUES (?1, ?2, ?3, ?4, ?5)");
        _logSeq = new RawStatement(connection, "UPDATE jobs SET log_seq = ?1, log_first_seq = ?2, updated_at = ?3 WHERE id = ?4");
        _logAgentSeq = new RawStatement(connection, "UPDATE jobs SET log_agent_fence = ?1, log_agent_seq = ?2 WHERE id = ?3");
        _active = new RawStatement(connection, "SELECT coalesce((SELECT active FROM active_counts WHERE scope = ?1 AND name = ?2), 0)");
        Steps = new StepStatements(connection);
    }

    /// <summary>A recipe step job's own statements.</summary>
    public StepStatements Steps { get; }

    /// <summary>
    /// A new job, read back by its rowid afterwards: RETURNING would collect the row in a temporary B-tree,
    /// built and dropped on every submit, which costs more than reading the row by its key.
    /// </summary>
    internal const string InsertSql = """
        INSERT INTO jobs (tool, tool_version, state, params, priority, owner, max_attempts, timeout_ms,
                          event_seq, created_at, updated_at, campaign_id, parent_id, dedup_key, org, dataset, node_labels, step_id,
                          workspace, project)
        VALUES (?1, ?2, ?16, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?17, ?18)
        """;

    /// <summary>Every transition of a job: its mutable columns, if it is still the row the transition read.</summary>
    internal const string CompareAndSetSql = """
        UPDATE jobs SET
          state = ?1, attempt = ?2, fence = ?3, timed_out = ?4,
          lease_node_id = ?5, lease_expires_at = ?6, not_before = ?7, node_id = ?8,
          progress_percent = ?9, progress_phase = ?10,
          error_code = ?11, error_message = ?12, error_retryable = ?13,
          event_seq = ?14, started_at = ?15, attempt_started_at = ?16, finished_at = ?17, updated_at = ?18, cpu_ms = ?23
        WHERE id = ?19 AND state = ?20 AND fence = ?21 AND event_seq = ?22
        """;

    /// <summary>
    /// Scheduled, not offered, due, for one of the tools (?2, a JSON array of <c>id@version</c>, or of ids for any version), on a node carrying every label the
    /// job asks for (?3, the node's labels as a JSON object), on a dataset only if the node reads datasets (?4), and a
    /// recipe's step job only if the node takes step grants (?5), and — for a node that must stop by a deadline (?6, Unix ms; 0:
    /// none), an agent in a Slurm allocation — only a job whose timeout (if it has one) ends before it; best first. INDEXED BY: left to
    /// itself the planner picks jobs_state and sorts every scheduled job for each grant, which made granting
    /// slower the longer the queue (546 jobs/s drained from a queue of 15,000). A test checks the plan.
    /// </summary>
    internal const string NextReadySql = $"""
        SELECT {JobColumns.List} FROM jobs INDEXED BY jobs_ready
        WHERE state = 1 AND lease_node_id IS NULL AND not_before <= ?1
          AND (tool IN (SELECT value FROM json_each(?2)) OR (tool || '@' || tool_version) IN (SELECT value FROM json_each(?2)))
          AND (dataset IS NULL OR ?4)
          AND (step_id IS NULL OR ?5)
          AND (?6 = 0 OR timeout_ms IS NULL OR ?1 + timeout_ms <= ?6)
          AND (node_labels IS NULL OR NOT EXISTS (
            SELECT 1 FROM json_each(node_labels) AS wanted
            WHERE wanted.value IS NOT (SELECT has.value FROM json_each(?3) AS has WHERE has.key = wanted.key)))
        ORDER BY priority DESC, id
        LIMIT 1
        """;

    public SqliteConnection Connection { get; }

    /// <summary>Inserts a job in <c>scheduled</c> (or <c>held</c>, if it asks to be) as event 1 and returns its row.</summary>
    public JobRow Insert(NewJob job, int maxAttempts, long now)
    {
        Execute(_insert, job.Tool, job.ToolVersion, job.Params, job.Priority, job.Owner, maxAttempts, job.TimeoutMs, now,
            job.CampaignId, job.ParentId, job.DedupKey, job.Org, job.Dataset, job.NodeLabels, job.StepId,
            (int)job.InitialState, job.Workspace, job.Project);
        return Read(_insert.LastInsertRowId) ?? throw new InvalidOperationException("the job just inserted is not there");
    }

    /// <summary>The next job to offer among <paramref name="toolsJson"/> to a node with <paramref name="labelsJson"/>, or null.</summary>
    public JobRow? NextReady(long now, string toolsJson, string labelsJson, bool readsDatasets, bool takesSteps, long deadline = 0)
    {
        return ReadOne(_nextReady, now, toolsJson, labelsJson, readsDatasets ? 1 : 0, takesSteps ? 1 : 0, deadline);
    }

    public JobRow? Read(long id)
    {
        return ReadOne(_read, id);
    }

    /// <summary>Runs <paramref name="statement"/> and maps its first row (the columns of <see cref="JobColumns.List"/>, in order).</summary>
    private static JobRow? ReadOne(RawStatement statement, params ReadOnlySpan<SqlValue> values)
    {
        try
        {
            return statement.Run(values) ? Map(statement) : null;
        }
        finally
        {
            statement.Reset();
        }
    }

    private static JobRow Map(RawStatement r) => new()
    {
        Id = r.Int64(0),
        Tool = r.String(1),
        ToolVersion = r.String(2),
        State = r.Int32(3),
        Params = r.String(4),
        Priority = r.Int32(5),
        Owner = r.String(6),
        Attempt = r.Int32(7),
        MaxAttempts = r.Int32(8),
        TimeoutMs = r.Int64OrNull(9),
        TimedOut = r.Int32(10),
        Fence = r.Int64(11),
        LeaseNodeId = r.Int64OrNull(12),
        LeaseExpiresAt = r.Int64OrNull(13),
        NotBefore = r.Int64(14),
        NodeId = r.Int64OrNull(15),
        ProgressPercent = (r.IsNull(16) ? null : r.Double(16)),
        ProgressPhase = r.StringOrNull(17),
        ErrorCode = r.StringOrNull(18),
        ErrorMessage = r.StringOrNull(19),
        ErrorRetryable = (int?)r.Int64OrNull(20),
        EventSeq = r.Int64(21),
        LogSeq = r.Int64(22),
        LogFirstSeq = r.Int64(23),
        LogAgentFence = r.Int64(24),
        LogAgentSeq = r.Int64(25),
        CreatedAt = r.Int64(26),
        UpdatedAt = r.Int64(27),
        StartedAt = r.Int64OrNull(28),
        AttemptStartedAt = r.Int64OrNull(29),
        FinishedAt = r.Int64OrNull(30),
        CampaignId = r.Int64OrNull(31),
        ParentId = r.Int64OrNull(32),
        DedupKey = r.StringOrNull(33),
        Org = r.String(34),
        Dataset = r.StringOrNull(35),
        NodeLabels = r.StringOrNull(36),
        StepId = r.StringOrNull(37),
        Workspace = r.StringOrNull(38),
        Project = r.StringOrNull(39),
        CpuMs = r.Int64OrNull(40),
    };

    /// <summary>Writes the mutable columns of <paramref name="after"/> if the row is still <paramref name="before"/>; the rows changed (1, or 0 when it moved).</summary>
    public int CompareAndSet(JobRow before, JobRow after)
    {
        Execute(_update, after.State, after.Attempt, after.Fence, after.TimedOut,
            after.LeaseNodeId, after.LeaseExpiresAt, after.NotBefore, after.NodeId,
            after.ProgressPercent, after.ProgressPhase,
            after.ErrorCode, after.ErrorMessage, after.ErrorRetryable,
            after.EventSeq, after.StartedAt, after.AttemptStartedAt, after.FinishedAt, after.UpdatedAt,
            after.Id, before.State, before.Fence, before.EventSeq, after.CpuMs);
        return _update.Changes;
    }

    public void InsertEvent(JobRow after, JobState? from, StateChange change, long now)
    {
        Execute(_event, after.Id, after.EventSeq, now, (int?)from, (int)change.To, (int)change.Reason,
            after.LeaseNodeId ?? after.NodeId, after.Attempt, after.Fence, after.ErrorCode, after.ErrorMessage);
    }

    public void InsertLogLine(long jobId, long seq, int attempt, long at, string line) => Execute(_logLine, jobId, seq, attempt, at, line);

    public void SetLogSeq(long jobId, long seq, long firstKept, long now) => Execute(_logSeq, seq, firstKept, now, jobId);

    public void SetLogAgentSeq(long jobId, long fence, long last) => Execute(_logAgentSeq, fence, last, jobId);

    /// <summary>Active jobs in a quota's scope ("all", "owner", "tool"), as the triggers count them.</summary>
    public long Active(string scope, string name)
    {
        try
        {
            return _active.Run(scope, name) ? _active.Int64(0) : 0;
        }
        finally
        {
            _active.Reset();
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _nextReady.Dispose();
        _read.Dispose();
        _update.Dispose();
        _event.Dispose();
        _logLine.Dispose();
        _logSeq.Dispose();
        _logAgentSeq.Dispose();
        _active.Dispose();
        Steps.Dispose();
    }

    private static void Execute(RawStatement statement, params ReadOnlySpan<SqlValue> values)
    {
        try
        {
            statement.Run(values);
        }
        finally
        {
            statement.Reset();
        }
    }
}
