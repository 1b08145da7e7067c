using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The statements a recipe's step job runs in its own transitions, once per step — its step starts, its step ends, its
/// recipe counts the end — prepared once on the writer's connection like <see cref="HotStatements"/>. Through the general
/// mapper each was prepared again on every call (a recycled command loses its prepared statement with its connection),
/// and a 999-step fan-out's leaves took twice as long in the ledger as 999 plain jobs.
/// </summary>
internal sealed class StepStatements : IDisposable
{
    private readonly RawStatement _start;
    private readonly RawStatement _end;
    private readonly RawStatement _ended;
    private readonly RawStatement _count;
    private readonly RawStatement _counts;

    public StepStatements(SqliteConnection connection)
    {
        _start = new RawStatement(connection, """
            UPDATE job_steps SET state = ?1, started_at = coalesce(started_at, ?2)
            WHERE job_id = ?3 AND step_id = ?4 AND step_job_id = ?5 AND state = ?6
            """);
        _end = new RawStatement(connection, """
            UPDATE job_steps SET state = ?1, finished_at = ?2, error_code = ?3, error_message = ?4
            WHERE job_id = ?5 AND step_id = ?6 AND step_job_id = ?7 AND state IN (?8, ?9)
            """);
        _ended = new RawStatement(connection, "SELECT dependents, continue_on_failure FROM job_steps WHERE job_id = ?1 AND step_id = ?2");
        _count = new RawStatement(connection, "UPDATE job_recipes SET ended_steps = ended_steps + 1, completed_steps = completed_steps + ?1 WHERE job_id = ?2");
        _counts = new RawStatement(connection, "SELECT total_steps, ended_steps, completed_steps, fail_fast FROM job_recipes WHERE job_id = ?1");
    }

    /// <summary>The step run by <paramref name="stepJobId"/> is running, if it was pending.</summary>
    public void Start(long recipeJobId, string stepId, long stepJobId, long now)
    {
        try
        {
            _start.Run((int)StepState.Running, now, recipeJobId, stepId, stepJobId, (int)StepState.Pending);
        }
        finally
        {
            _start.Reset();
        }
    }

    /// <summary>
    /// Ends the step run by <paramref name="stepJobId"/> if it has not ended; then the step as far as what follows needs
    /// it (its dependents, whether it may fail), else null (not the step's own job, or the step had ended).
    /// </summary>
    public StepRow? End(long recipeJobId, string stepId, long stepJobId, StepState state, string? code, string? message, long now)
    {
        bool changed;
        try
        {
            _end.Run((int)state, now, code, message, recipeJobId, stepId, stepJobId, (int)StepState.Pending, (int)StepState.Running);
            changed = _end.Changes == 1;
        }
        finally
        {
            _end.Reset();
        }

        if (!changed)
        {
            return null;
        }

        try
        {
            _ended.Run(recipeJobId, stepId);
            return new StepRow
            {
                JobId = recipeJobId,
                StepId = stepId,
                State = (int)state,
                StepJobId = stepJobId,
                Dependents = _ended.String(0),
                ContinueOnFailure = _ended.Int32(1),
            };
        }
        finally
        {
            _ended.Reset();
        }
    }

    /// <summary>Counts one more ended step (and completed, when it did) on the recipe job; its counters afterwards.</summary>
    public JobRecipeRow CountEnded(long recipeJobId, bool completed)
    {
        try
        {
            _count.Run(completed ? 1 : 0, recipeJobId);
        }
        finally
        {
            _count.Reset();
        }

        try
        {
            _counts.Run(recipeJobId);
            return new JobRecipeRow
            {
                JobId = recipeJobId,
                TotalSteps = _counts.Int32(0),
                EndedSteps = _counts.Int32(1),
                CompletedSteps = _counts.Int32(2),
                FailFast = _counts.Int32(3),
            };
        }
        finally
        {
            _counts.Reset();
        }
    }

    public void Dispose()
    {
        _start.Dispose();
        _end.Dispose();
        _ended.Dispose();
        _count.Dispose();
        _counts.Dispose();
    }
}
