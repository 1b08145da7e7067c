using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// What the seed-003 task API (Facades/DroneDb) needs beyond the jobs': its pages (offset, filtered by a task state),
// the user's deleted mark on a task (task_deletions, migration 0012) and clearing a dataset's ended tasks. A task is
// a job on a dataset, nothing more: these read and delete jobs rows under the same rules as every other caller.
public sealed partial class JobLedger
{
    private const string MarkedSql = "EXISTS (SELECT 1 FROM task_deletions d WHERE d.job_id = jobs.id)";

    /// <summary>A task list's toolId: the tool, and for "build" also the whole-dataset builds (recipe jobs, Datasets/DatasetBuilds) the seed names so.</summary>
    private const string TaskToolSql =
        $"(@Tool IS NULL OR tool = @Tool OR (@Tool = 'build' AND tool = '{JobRow.RecipeTool}' AND tool_version = '{Datasets.DatasetBuilds.RecipeVersion}'))";

    private const string TaskFilterSql = $"""
          AND step_id IS NULL
          AND {TaskToolSql}
          AND (@Owner IS NULL OR owner = @Owner)
          AND ((((@MaskA >> state) & 1) = 1 AND (@WaitA IS NULL OR (not_before > @Now) = @WaitA) AND (@MarkA IS NULL OR {MarkedSql} = @MarkA))
            OR (((@MaskB >> state) & 1) = 1 AND (@WaitB IS NULL OR (not_before > @Now) = @WaitB) AND (@MarkB IS NULL OR {MarkedSql} = @MarkB)))
        ORDER BY id DESC
        LIMIT @Take OFFSET @Skip
        """;

    /// <summary>One dataset's tasks, read in order through jobs_dataset_id (migration 0012).</summary>
    internal const string DatasetTasksSql = $"SELECT {JobColumns.List} FROM jobs WHERE dataset IS NOT NULL AND org = @Org AND dataset = @Dataset\n" + TaskFilterSql;

    /// <summary>The admins' view across datasets (of one org, or every org): the jobs newest first.</summary>
    internal const string AllTasksSql = $"SELECT {JobColumns.List} FROM jobs WHERE dataset IS NOT NULL AND (@Org IS NULL OR org = @Org)\n" + TaskFilterSql;

    /// <summary>One page of jobs on datasets, newest first.</summary>
    public async Task<TaskPage> ListTasksAsync(TaskQuery query)
    {
        var clauses = query.States ?? [new TaskStateClause(Protocol.Jobs.JobStates.All)];
        if (clauses.Count > TaskQuery.MaxClauses)
        {
            throw new ArgumentException($"at most {TaskQuery.MaxClauses} state clauses", nameof(query));
        }

        // An empty union selects nothing: the second clause's mask stays 0, and so does the first's.
        var a = clauses.Count > 0 ? clauses[0] : new TaskStateClause([]);
        var b = clauses.Count > 1 ? clauses[1] : new TaskStateClause([]);
        if (query.Dataset is not null && query.Org is null)
        {
            throw new ArgumentException("a dataset is named with its org", nameof(query));
        }

        var args = new
        {
            query.Org,
            query.Dataset,
            query.Tool,
            query.Owner,
            MaskA = a.Mask,
            WaitA = Flag(a.WaitingOutBackoff),
            MarkA = Flag(a.MarkedDeleted),
            MaskB = b.Mask,
            WaitB = Flag(b.WaitingOutBackoff),
            MarkB = Flag(b.MarkedDeleted),
            Now = Now(),
            query.Take,
            query.Skip,
        };
        await using var c = OpenReader();
        // Two statements, not one with "@Dataset IS NULL OR …": a parameter that may be NULL hides the index from the planner.
        var rows = query.Dataset is null ? c.Query<JobRow>(AllTasksSql, args).ToRowList() : c.Query<JobRow>(DatasetTasksSql, args).ToRowList();
        return new TaskPage(rows, MarkedDeleted(c, [.. rows.Select(r => r.Id)]));
    }

    /// <summary>Whether the user marked this task deleted.</summary>
    public async Task<bool> IsMarkedDeletedAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.ExecuteScalar<long>("SELECT count(*) FROM task_deletions WHERE job_id = @JobId", new { JobId = jobId }) > 0;
    }

    [CacheCommand(false)] // the id list may be longer than a cached command's text parameter (see GetArtifactsAsync)
    private static HashSet<long> MarkedDeleted(SqliteConnection c, IReadOnlyList<long> jobIds)
    {
        if (jobIds.Count == 0)
        {
            return [];
        }

        var ids = "[" + string.Join(',', jobIds.Select(id => id.ToString(CultureInfo.InvariantCulture))) + "]";
        return c.Query<long>("SELECT job_id FROM task_deletions WHERE job_id IN (SELECT value FROM json_each(@Ids))", new { Ids = ids }).ToHashSet();
    }

    /// <summary>
    /// The seed's delete of a task, in one transaction: the job is stopped (scheduled → stopped at once; running →
    /// stop_requested, for the caller to push; an ended job stays as it is), and marked deleted, so it reads Deleted
    /// once it has ended, whatever it ends as. A deleted task also leaves the dedup set (its key is cleared): a later
    /// submit of the same task makes a new one instead of answering with the deleted one.
    /// </summary>
    public Task<Transition> DeleteTaskAsync(long id, string by) => WriteAsync(c =>
    {
        var stopped = Stop(c, id);
        if (stopped.Outcome == TransitionOutcome.NotFound)
        {
            return stopped;
        }

        c.Execute("INSERT INTO task_deletions (job_id, deleted_at, deleted_by) VALUES (@Id, @Now, @By) ON CONFLICT DO NOTHING", new { Id = id, Now = Now(), By = by });
        c.Execute("UPDATE jobs SET dedup_key = NULL WHERE id = @Id", new { Id = id });
        return stopped;
    });

    /// <summary>
    /// Deletes a dataset's ended tasks (optionally one tool's, one owner's) with their events, logs and marks; the
    /// statement itself only ever matches terminal jobs. Their artifact files are the caller's to remove.
    /// </summary>
    /// <returns>The ids deleted.</returns>
    public Task<DeletedJobs> ClearTasksAsync(string org, string dataset, string? tool, string? owner) =>
        WriteAsync(c => WithStepJobs(c, c.Query<long>(ClearTasksSql, new { Org = org, Dataset = dataset, Tool = tool, Owner = owner }).ToRowList()));

    private const string ClearTasksSql = $"""
        DELETE FROM jobs
        WHERE (SELECT terminal FROM job_states s WHERE s.state = jobs.state)
          AND org = @Org AND dataset = @Dataset
          AND {TaskToolSql}
          AND (@Owner IS NULL OR owner = @Owner)
          AND step_id IS NULL
        RETURNING id
        """;

    private static int? Flag(bool? value) => value is { } v ? (v ? 1 : 0) : null;
}
