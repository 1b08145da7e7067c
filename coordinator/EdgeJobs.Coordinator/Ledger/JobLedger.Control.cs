using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// Operations upstream systems drive through REST: stop, delete, bulk delete, cleanup.
public sealed partial class JobLedger
{
    /// <summary>
    /// Stops a job: scheduled → stopped at once; running → stop_requested; anything else is left as it is
    /// and answered Ok (the desired outcome — not running — holds or will).
    /// </summary>
    public Task<Transition> StopAsync(long id) => WriteAsync(c => Stop(c, id));

    /// <summary>Stops a job (see <see cref="StopAsync(long)"/>) at most once per <paramref name="idempotency"/> key.</summary>
    public Task<Idempotent<Transition>> StopAsync(long id, IdempotencyRequest? idempotency, Func<Transition, StoredAnswer> answer) =>
        IdempotentAsync(idempotency, c => Stop(c, id), answer);

    /// <summary>Schedules a held job (design §8.5's <c>dispatch</c>), at most once per <paramref name="idempotency"/> key.</summary>
    public Task<Idempotent<Transition>> DispatchAsync(long id, IdempotencyRequest? idempotency, Func<Transition, StoredAnswer> answer) =>
        IdempotentAsync(idempotency, c => Dispatch(c, id), answer);

    private Transition Dispatch(SqliteConnection c, long id)
    {
        var before = ReadJob(c, id);
        if (before is null)
        {
            return Transition.NotFound;
        }

        if (JobRules.Dispatch(before.JobState) is not { } change)
        {
            return Transition.Conflict(before);
        }

        if (change.IsUnchanged())
        {
            return Transition.Ok(before);
        }

        var after = before.Copy();
        after.NotBefore = Now();
        Save(c, before, after, change, after.NotBefore);
        return Transition.Ok(after);
    }

    private Transition Stop(SqliteConnection c, long id)
    {
        var before = ReadJob(c, id);
        if (before is null)
        {
            return Transition.NotFound;
        }

        if (before.IsRecipe)
        {
            return StopRecipe(c, before);
        }

        if (before.IsCampaignBatch)
        {
            return StopBatch(c, before);
        }

        var change = JobRules.Stop(before.JobState)!.Value;
        if (change.IsUnchanged())
        {
            return Transition.Ok(before);
        }

        var after = before.Copy();
        Save(c, before, after, change, Now());
        return Transition.Ok(after);
    }

    /// <summary>Deletes a terminal job with its events and logs. Active jobs are a conflict; absent ones NotFound.</summary>
    public Task<Transition> DeleteAsync(long id) => WriteAsync(c => Delete(c, id));

    /// <summary>
    /// Deletes a terminal job (see <see cref="DeleteAsync(long)"/>) at most once per <paramref name="idempotency"/>
    /// key. Only the ledger row goes: its artifact file is the caller's to remove, once this has committed.
    /// </summary>
    public Task<Idempotent<Transition>> DeleteAsync(long id, IdempotencyRequest? idempotency, Func<Transition, StoredAnswer> answer) =>
        IdempotentAsync(idempotency, c => Delete(c, id), answer);

    private Transition Delete(SqliteConnection c, long id)
    {
        var job = ReadJob(c, id);
        if (job is null)
        {
            return Transition.NotFound;
        }

        // A step job goes with its recipe job, never alone: a later step may still need its artifact.
        if (!JobRules.CanDelete(job.JobState) || job.StepId is not null)
        {
            return Transition.Conflict(job);
        }

        c.Execute("DELETE FROM jobs WHERE id = @Id AND (SELECT terminal FROM job_states s WHERE s.state = jobs.state)", new { Id = id });
        DeleteStepJobs(c, [id]);
        return Transition.Ok(job);
    }

    /// <summary>
    /// Deletes every job in the given terminal states in one statement. Active states are refused
    /// before anything is touched; the statement itself also only ever matches terminal rows.
    /// </summary>
    /// <returns>The ids deleted, and those of the step jobs that went with recipe jobs among them.</returns>
    /// <param name="org">Only this org's jobs; null for every org.</param>
    public Task<DeletedJobs> DeleteByStateAsync(IReadOnlyCollection<JobState> states, string? org)
    {
        var mask = TerminalMask(states);
        return WriteAsync(c => WithStepJobs(c, c.Query<long>(
            "DELETE FROM jobs WHERE (SELECT terminal FROM job_states s WHERE s.state = jobs.state) AND ((@Mask >> state) & 1) = 1 AND (@Org IS NULL OR org = @Org) AND step_id IS NULL RETURNING id",
            new { Mask = mask, Org = org }).ToRowList()));
    }

    /// <summary>Deletes terminal jobs in <paramref name="states"/> that finished at least <paramref name="olderThan"/> ago.</summary>
    /// <returns>The ids deleted, and those of the step jobs that went with recipe jobs among them.</returns>
    /// <param name="org">Only this org's jobs; null for every org.</param>
    /// <param name="owner">Only this owner's jobs; null for every owner.</param>
    public Task<DeletedJobs> CleanupAsync(TimeSpan olderThan, IReadOnlyCollection<JobState> states, string? org, string? owner = null)
    {
        var mask = TerminalMask(states);
        return WriteAsync(c => WithStepJobs(c, c.Query<long>(
            "DELETE FROM jobs WHERE (SELECT terminal FROM job_states s WHERE s.state = jobs.state) AND ((@Mask >> state) & 1) = 1 AND finished_at <= @Cutoff AND (@Org IS NULL OR org = @Org) AND (@Owner IS NULL OR owner = @Owner) AND step_id IS NULL RETURNING id",
            new { Mask = mask, Cutoff = Now() - (long)olderThan.TotalMilliseconds, Org = org, Owner = owner }).ToRowList()));
    }

    /// <summary>Deletes the step jobs of the recipe jobs among <paramref name="deleted"/>.</summary>
    private static DeletedJobs WithStepJobs(SqliteConnection c, List<long> deleted) => new(deleted, DeleteStepJobs(c, deleted));

    /// <summary>
    /// Deletes the step jobs of <paramref name="parents"/> (step jobs of a terminal recipe job are all terminal) and
    /// returns their ids, whose artifact files go too.
    /// </summary>
    // Not cached: the list of parents can be longer than 4000 characters (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    private static List<long> DeleteStepJobs(SqliteConnection c, IReadOnlyCollection<long> parents) => parents.Count == 0 ? [] : c.Query<long>(
        "DELETE FROM jobs WHERE step_id IS NOT NULL AND parent_id IN (SELECT value FROM json_each(@Parents)) RETURNING id",
        new { Parents = "[" + string.Join(',', parents.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]" }).ToRowList();

    private static long TerminalMask(IReadOnlyCollection<JobState> states)
    {
        var mask = 0L;
        foreach (var state in states)
        {
            if (!state.IsTerminal())
            {
                throw new ArgumentException($"only terminal jobs can be deleted; '{state.Name()}' is active", nameof(states));
            }

            mask |= 1L << (int)state;
        }

        return mask;
    }
}

/// <summary>Jobs deleted: those named (as listed), and the step jobs of recipe jobs among them (their artifact files go too).</summary>
public sealed record DeletedJobs(IReadOnlyList<long> Ids, IReadOnlyList<long> StepJobIds)
{
    public IEnumerable<long> All => Ids.Concat(StepJobIds);
}
