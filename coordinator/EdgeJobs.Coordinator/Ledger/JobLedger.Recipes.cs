using Dapper;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// Recipe jobs (design §8.3). A recipe job is never leased; each step runs as a step job (parent_id, step_id) under
// the leases every job has. Everything that moves a recipe forward happens inside the transaction of the step job's
// own transition (Save calls OnStepJobChanged): the step job that completes makes the steps it unblocks runnable, the
// one that fails skips what depends on it, the last one ends the recipe job. So a crash never leaves a step
// completed without its successors made, or a recipe job running with every step ended.
//
//   recipe job: scheduled ──first step job accepted──▶ running ──last step ended──▶ completed | failed | partial
//                    └───────── stop ──▶ stop_requested (pending steps skipped, step jobs stopped) ──▶ stopped
public sealed partial class JobLedger
{
    private const string StepColumns = """
        job_id, step_id, position, tool, tool_version, params, depends_on, dependents, waiting_on, max_attempts, timeout_ms,
        continue_on_failure, state, step_job_id, started_at, finished_at, error_code, error_message, backoff_ms, max_backoff_ms
        """;

    /// <summary>
    /// Submits a recipe job under <paramref name="policy"/>'s quotas (one active job however many steps), at most
    /// once per <paramref name="idempotency"/> key: the job, its steps, and a step job for every step that depends on
    /// nothing, in one transaction.
    /// </summary>
    public Task<Idempotent<SubmitOutcome>> SubmitRecipeAsync(NewRecipeJob recipe, SubmitPolicy policy, IdempotencyRequest? idempotency, Func<SubmitOutcome, StoredAnswer> answer) =>
        IdempotentAsync(idempotency, c =>
        {
            var outcome = Submit(c, recipe.Job with { Tool = JobRow.RecipeTool, DedupKey = null }, policy);
            if (outcome is { Result: SubmitResult.Created, Job: { } job })
            {
                InsertSteps(c, job, recipe);
            }

            return outcome;
        }, answer);

    // Not cached: see SpawnStepJobs.
    [CacheCommand(false)]
    private void InsertSteps(SqliteConnection c, JobRow job, NewRecipeJob recipe)
    {
        var now = Now();
        c.Execute("""
            INSERT INTO job_recipes (job_id, recipe_id, name, inputs, outputs, on_exit_url, total_steps)
            VALUES (@JobId, @RecipeId, @Name, @Inputs, @Outputs, @OnExitUrl, @TotalSteps)
            """, new { JobId = job.Id, recipe.RecipeId, recipe.Name, Inputs = recipe.InputsJson, Outputs = recipe.OutputsJson, recipe.OnExitUrl, TotalSteps = recipe.Steps.Count });
        // All steps in one statement (a 1,000-step recipe was 1,000 statements prepared one by one), then a step job
        // for each that depends on nothing.
        var rows = JsonText.Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var step in recipe.Steps)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(step.Id);
                writer.WriteNumberValue(step.Position);
                writer.WriteStringValue(step.Tool.Id);
                writer.WriteStringValue(step.Tool.Version);
                writer.WriteStringValue(step.CanonicalParams);
                writer.WriteStringValue(JsonText.Array(step.DependsOn));
                writer.WriteStringValue(JsonText.Array(step.Dependents));
                writer.WriteNumberValue(step.DependsOn.Count);
                writer.WriteNumberValue(step.MaxAttempts ?? Options.DefaultMaxAttempts);
                WriteNullable(writer, step.TimeoutMs);

                writer.WriteNumberValue(step.ContinueOnFailure ? 1 : 0);
                WriteNullable(writer, step.Backoff?.BaseMs);
                WriteNullable(writer, step.Backoff?.MaxMs);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        });
        var ready = c.Query<StepRow>($"""
            INSERT INTO job_steps ({StepColumns})
            SELECT @JobId, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9,
                   value ->> 10, @Pending, NULL, NULL, NULL, NULL, NULL, value ->> 11, value ->> 12
            FROM json_each(@Rows)
            RETURNING {StepColumns}
            """, new { JobId = job.Id, Rows = rows, Pending = (int)StepState.Pending }).Where(r => r.WaitingOn == 0).OrderBy(r => r.Position).ToRowList();
        SpawnStepJobs(c, job, ready, now);
    }

    private static void WriteNullable(System.Text.Json.Utf8JsonWriter writer, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>
    /// Makes the step jobs that run <paramref name="steps"/> (scheduled, in step order: the dispatcher offers them like any
    /// job), each with its submitted event, and records them in job_steps: three statements however many steps (a
    /// 999-step fan-out's one-by-one inserts held the writer for 53 ms, its agents idle).
    /// </summary>
    // Not cached: a cached command keeps the size Dapper gave a string parameter the first time (4000 for a short one), and
    // SQLite's parameter truncates a longer string to it (a 999-step fan-out's list of steps arrived cut at 4000 characters).
    [CacheCommand(false)]
    private void SpawnStepJobs(SqliteConnection c, JobRow recipe, IReadOnlyList<StepRow> steps, long now)
    {
        if (steps.Count == 0)
        {
            return;
        }

        var made = c.Query<MadeStepJob>("""
            INSERT INTO jobs (tool, tool_version, state, params, priority, owner, max_attempts, timeout_ms, event_seq, created_at, updated_at,
                              campaign_id, parent_id, dedup_key, org, dataset, node_labels, step_id)
            SELECT s.tool, s.tool_version, @Scheduled, s.params, @Priority, @Owner, s.max_attempts, s.timeout_ms, 1, @Now, @Now,
                   @CampaignId, @ParentId, NULL, @Org, @Dataset, @NodeLabels, s.step_id
            FROM json_each(@Steps) AS wanted
            JOIN job_steps AS s ON s.job_id = @ParentId AND s.step_id = wanted.value
            ORDER BY s.position
            RETURNING id, step_id
            """, new
        {
            Scheduled = (int)JobState.Scheduled,
            recipe.Priority,
            recipe.Owner,
            Now = now,
            recipe.CampaignId,
            ParentId = recipe.Id,
            recipe.Org,
            recipe.Dataset,
            recipe.NodeLabels,
            Steps = JsonText.Array(steps.Select(s => s.StepId)),
        }).ToRowList();
        var list = JsonText.Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var job in made)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(job.StepId);
                writer.WriteNumberValue(job.Id);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        });
        // Each step job's first event, as Insert writes it for any submitted job.
        c.Execute("""
            INSERT INTO job_events (job_id, seq, at, from_state, to_state, reason, node_id, attempt, fence, error_code, error_message)
            SELECT value ->> 1, 1, @Now, NULL, @Scheduled, @Submitted, NULL, 0, 0, NULL, NULL FROM json_each(@Made)
            """, new { Now = now, Scheduled = (int)JobState.Scheduled, Submitted = (int)EventReason.Submitted, Made = list });
        // Driven by the list made (each row finds its step by key): joined the other way round, every step row
        // evaluated every list entry, and 999 made steps took 0.3 s.
        c.Execute("""
            WITH made (step_id, step_job_id) AS MATERIALIZED (SELECT value ->> 0, value ->> 1 FROM json_each(@Made))
            UPDATE job_steps SET step_job_id = made.step_job_id
            FROM made
            WHERE job_steps.job_id = @JobId AND job_steps.step_id = made.step_id
            """, new { JobId = recipe.Id, Made = list });
    }

    private static JobRecipeRow ReadRecipe(SqliteConnection c, long jobId) =>
        c.QuerySingle<JobRecipeRow>("SELECT * FROM job_recipes WHERE job_id = @JobId", new { JobId = jobId });

    /// <summary>
    /// A step job changed state (from <see cref="Save"/>, in its transaction): the first accept starts the recipe job;
    /// an end ends the step, and moves the recipe on. Each is a statement or two per step job (a 999-step fan-out's
    /// leaves each cost eight statements prepared one by one, and the fan-out took 1.7x as long as 1,000 plain jobs).
    /// </summary>
    private void OnStepJobChanged(SqliteConnection c, JobRow stepJob, StateChange change, long now)
    {
        var recipeId = stepJob.ParentId!.Value;
        if (change.To == JobState.Running && change.Reason == EventReason.Accepted)
        {
            Statements(c).Steps.Start(recipeId, stepJob.StepId!, stepJob.Id, now);
            var recipe = ReadJob(c, recipeId)!;
            if (recipe.JobState == JobState.Scheduled)
            {
                var started = recipe.Copy();
                started.StartedAt ??= now;
                started.AttemptStartedAt = now;
                Save(c, recipe, started, new StateChange(JobState.Running, EventReason.Accepted), now);
            }

            return;
        }

        if (!change.To.IsTerminal())
        {
            return; // a retry or a hand-back: the step is still running, in its step job's next attempt
        }

        var parent = ReadJob(c, recipeId)!;
        var stopping = parent.JobState is JobState.StopRequested or JobState.Stopping
            || (change.To == JobState.Stopped && ReadRecipe(c, recipeId).FailFast != 0);
        var (state, code, message) = change.To switch
        {
            JobState.Completed => (StepState.Completed, null, null),
            JobState.Stopped when stopping && stepJob.Attempt == 0 => (StepState.Skipped, null, null),
            JobState.Stopped => (StepState.Failed, "stopped", stopping ? "stopped with its job" : $"its job {stepJob.Id} was stopped"),
            _ => (StepState.Failed, stepJob.ErrorCode ?? "failed", stepJob.ErrorMessage),
        };
        EndStep(c, recipeId, stepJob.Id, stepJob.StepId!, state, code, message, now);
    }

    /// <summary>
    /// Ends a step run by <paramref name="stepJobId"/> (if it has not ended), then: unblocks or skips what depends on it,
    /// stops the rest on a failure that allows no more, and ends the recipe job after its last step.
    /// </summary>
    private void EndStep(SqliteConnection c, long recipeId, long stepJobId, string stepId, StepState state, string? code, string? message, long now)
    {
        var steps = Statements(c).Steps;
        var step = steps.End(recipeId, stepId, stepJobId, state, code, Bounded(message), now);
        if (step is null)
        {
            return; // not the step's own job, or the step had ended
        }

        var info = steps.CountEnded(recipeId, state == StepState.Completed);
        if (state == StepState.Completed)
        {
            var recipe = ReadJob(c, recipeId)!;
            UpdateRecipeProgress(c, recipe, info, now);
            if (recipe.JobState is JobState.Scheduled or JobState.Running && info.FailFast == 0 && step.Dependents != "[]")
            {
                // Every dependent waits for one step less, in one statement; those waiting for none now run.
                // The list is read from the step's row, not bound: this statement runs once per step and stays prepared,
                // and a prepared statement would cut a bound list longer than its first to that one's size (SpawnStepJobs).
                var unblocked = c.Query<StepRow>($"""
                    UPDATE job_steps SET waiting_on = waiting_on - 1
                    WHERE job_id = @JobId
                      AND step_id IN (SELECT value FROM json_each((SELECT dependents FROM job_steps WHERE job_id = @JobId AND step_id = @StepId)))
                    RETURNING {StepColumns}
                    """, new { JobId = recipeId, step.StepId })
                    .Where(r => r.WaitingOn == 0 && r.StepState == StepState.Pending && r.StepJobId is null).OrderBy(r => r.Position).ToRowList();
                SpawnStepJobs(c, recipe, unblocked, now);
            }

            if (info.EndedSteps == info.TotalSteps)
            {
                FinishRecipeIfEnded(c, recipeId, now);
            }

            return;
        }

        SkipDependents(c, step, now);

        // A step stopped with its stopping job fails nothing more: the job ends stopped.
        if (state == StepState.Failed && step.ContinueOnFailure == 0 && info.FailFast == 0 && ReadJob(c, recipeId)!.JobState is JobState.Scheduled or JobState.Running)
        {
            c.Execute("UPDATE job_recipes SET fail_fast = 1 WHERE job_id = @JobId", new { JobId = recipeId });
            StopSteps(c, recipeId, now);
        }

        FinishRecipeIfEnded(c, recipeId, now);
    }

    /// <summary>
    /// A step's error message as kept in its row, at most 2,000 characters: the full one stays with its step job, and
    /// every view of the recipe job reads its steps' rows.
    /// </summary>
    private static string? Bounded(string? message) => message is { Length: > 2000 } ? message[..1999] + "…" : message;

    /// <summary>Skips every pending step downstream of <paramref name="step"/> (they can never get its output).</summary>
    private void SkipDependents(SqliteConnection c, StepRow step, long now)
    {
        var queue = new Queue<string>(JsonText.ReadStrings(step.Dependents));
        while (queue.TryDequeue(out var id))
        {
            var skipped = c.QuerySingleOrDefault<StepRow>($"""
                UPDATE job_steps SET state = @Skipped, finished_at = @Now, error_code = 'dependency_failed', error_message = @Message
                WHERE job_id = @JobId AND step_id = @StepId AND state = @Pending AND step_job_id IS NULL
                RETURNING {StepColumns}
                """, new { Skipped = (int)StepState.Skipped, Now = now, Message = $"step '{step.StepId}' did not complete", step.JobId, StepId = id, Pending = (int)StepState.Pending });
            if (skipped is not null)
            {
                c.Execute("UPDATE job_recipes SET ended_steps = ended_steps + 1 WHERE job_id = @JobId", new { step.JobId });
                foreach (var next in JsonText.ReadStrings(skipped.Dependents))
                {
                    queue.Enqueue(next);
                }
            }
        }
    }

    /// <summary>
    /// Skips every step that has no job yet, and stops every active step job (their own transitions end their steps).
    /// A step job an agent holds becomes stop_requested: the caller pushes the stop (the link handler after a failed
    /// step, the stop endpoint), and its agent's next heartbeat would hear of it anyway.
    /// </summary>
    private void StopSteps(SqliteConnection c, long recipeId, long now)
    {
        var skipped = c.Execute("""
            UPDATE job_steps SET state = @Skipped, finished_at = @Now, error_code = 'stopped', error_message = 'the job was stopped before the step ran'
            WHERE job_id = @JobId AND state = @Pending AND step_job_id IS NULL
            """, new { Skipped = (int)StepState.Skipped, Now = now, JobId = recipeId, Pending = (int)StepState.Pending });
        c.Execute("UPDATE job_recipes SET ended_steps = ended_steps + @Skipped WHERE job_id = @JobId", new { Skipped = skipped, JobId = recipeId });

        var active = c.Query<long>("""
            SELECT id FROM jobs WHERE parent_id = @JobId AND step_id IS NOT NULL AND (SELECT active FROM job_states s WHERE s.state = jobs.state)
            """, new { JobId = recipeId }).ToRowList();
        foreach (var id in active)
        {
            Stop(c, id);
        }
    }

    /// <summary>
    /// The recipe job's progress in whole percents: a write when the whole percent moves, not for every step (a 999-step
    /// fan-out rewrote its recipe job's row 999 times). <c>GET /v1/jobs/{id}</c> counts the steps exactly anyway.
    /// </summary>
    private void UpdateRecipeProgress(SqliteConnection c, JobRow recipe, JobRecipeRow info, long now)
    {
        var percent = WholePercent(info);
        if (recipe.ProgressPercent == percent)
        {
            return;
        }

        var after = recipe.Copy();
        after.ProgressPercent = percent;
        after.ProgressPhase = $"{info.CompletedSteps} of {info.TotalSteps} steps completed";
        Save(c, recipe, after, null, now);
    }

    private static double WholePercent(JobRecipeRow info) => info.TotalSteps == 0 ? 100 : Math.Floor(100.0 * info.CompletedSteps / info.TotalSteps);

    /// <summary>Ends the recipe job once every step has ended: stopped, completed, failed or partial.</summary>
    private void FinishRecipeIfEnded(SqliteConnection c, long recipeId, long now)
    {
        var recipe = ReadJob(c, recipeId)!;
        var info = ReadRecipe(c, recipeId);
        if (recipe.JobState.IsTerminal() || info.EndedSteps < info.TotalSteps)
        {
            return;
        }

        var steps = c.Query<StepRow>($"SELECT {StepColumns} FROM job_steps WHERE job_id = @JobId ORDER BY position", new { JobId = recipeId }).ToRowList();
        // The step that failed first on its own names the job's error; steps stopped because of it come after.
        var failed = steps.Where(s => s.StepState == StepState.Failed)
            .OrderBy(s => s.ErrorCode == "stopped" ? 1 : 0).ThenBy(s => s.FinishedAt).ThenBy(s => s.Position).ToList();
        var after = recipe.Copy();
        after.StartedAt ??= now;
        JobState outcome;
        if (recipe.JobState is JobState.StopRequested or JobState.Stopping && info.FailFast == 0)
        {
            outcome = JobState.Stopped;
        }
        else if (failed.Count == 0)
        {
            outcome = JobState.Completed;
        }
        else
        {
            outcome = info.FailFast == 0 && CompletedIndependently(steps, failed) ? JobState.Partial : JobState.Failed;
            var first = failed[0];
            after.ErrorCode = "step_failed";
            after.ErrorMessage = $"step '{first.StepId}' failed: {first.ErrorCode}" + (first.ErrorMessage is { } m ? $": {m}" : "")
                + (failed.Count > 1 ? $" (and {failed.Count - 1} more)" : "");
            after.ErrorRetryable = 0;
        }

        if (outcome == JobState.Completed)
        {
            after.ErrorCode = null;
            after.ErrorMessage = null;
            after.ErrorRetryable = null;
        }

        after.ProgressPercent = WholePercent(info);
        after.ProgressPhase = $"{info.CompletedSteps} of {info.TotalSteps} steps completed";
        Save(c, recipe, after, new StateChange(outcome, outcome == JobState.Stopped ? EventReason.Stopped : EventReason.StepsEnded), now);
        c.Execute("UPDATE job_recipes SET on_exit_status = @Due, on_exit_due_at = @Now WHERE job_id = @JobId AND on_exit_url IS NOT NULL",
            new { Due = WebhookDue, Now = now, JobId = recipeId });
    }

    /// <summary>Whether a step completed that is not upstream of any failed step: work that stands on its own.</summary>
    private static bool CompletedIndependently(List<StepRow> steps, List<StepRow> failed)
    {
        var byId = steps.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        var upstream = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(failed.SelectMany(f => JsonText.ReadStrings(f.DependsOn)));
        while (queue.TryDequeue(out var id))
        {
            if (upstream.Add(id))
            {
                foreach (var dep in JsonText.ReadStrings(byId[id].DependsOn))
                {
                    queue.Enqueue(dep);
                }
            }
        }

        return steps.Any(s => s.StepState == StepState.Completed && !upstream.Contains(s.StepId));
    }

    /// <summary>
    /// Stops a recipe job: pending steps are skipped, step jobs stopped, and the job ends stopped once its last step
    /// job has. Step jobs an agent holds are left stop_requested: the caller pushes them the stop (see
    /// <see cref="GetStepsAsync"/>), or their agent hears of it with its next heartbeat.
    /// </summary>
    private Transition StopRecipe(SqliteConnection c, JobRow before)
    {
        if (before.JobState.IsTerminal() || before.JobState is JobState.StopRequested or JobState.Stopping)
        {
            return Transition.Ok(before);
        }

        var now = Now();
        var after = before.Copy();
        Save(c, before, after, new StateChange(JobState.StopRequested, EventReason.StopRequested), now);
        StopSteps(c, before.Id, now);
        FinishRecipeIfEnded(c, before.Id, now);
        return Transition.Ok(ReadJob(c, before.Id)!);
    }

    /// <summary>A recipe job's steps in the recipe's order, with their step jobs (null until made).</summary>
    public async Task<IReadOnlyList<(StepRow Step, JobRow? Job)>> GetStepsAsync(long recipeJobId)
    {
        await using var c = OpenReader();
        var steps = c.Query<StepRow>($"SELECT {StepColumns} FROM job_steps WHERE job_id = @JobId ORDER BY position", new { JobId = recipeJobId }).ToRowList();
        var jobs = c.Query<JobRow>($"SELECT {JobColumns.List} FROM jobs WHERE parent_id = @JobId AND step_id IS NOT NULL", new { JobId = recipeJobId })
            .ToDictionary(j => j.Id);
        return [.. steps.Select(s => (s, s.StepJobId is { } id ? jobs.GetValueOrDefault(id) : null))];
    }

    /// <summary>
    /// The steps <paramref name="stepId"/> of recipe job <paramref name="recipeJobId"/> depends on that completed, with
    /// their step jobs (whose artifacts it reads) and those artifacts.
    /// </summary>
    public async Task<IReadOnlyList<(string StepId, JobRow Job, ArtifactRow? Artifact)>> GetStepInputsAsync(long recipeJobId, string stepId)
    {
        await using var c = OpenReader();
        var step = c.QuerySingleOrDefault<StepRow>($"SELECT {StepColumns} FROM job_steps WHERE job_id = @JobId AND step_id = @StepId", new { JobId = recipeJobId, StepId = stepId });
        if (step is null)
        {
            return [];
        }

        var inputs = new List<(string, JobRow, ArtifactRow?)>();
        foreach (var dependency in JsonText.ReadStrings(step.DependsOn))
        {
            var job = c.QuerySingleOrDefault<JobRow>($"SELECT {JobColumns.List} FROM jobs WHERE parent_id = @JobId AND step_id = @StepId AND state = @Completed",
                new { JobId = recipeJobId, StepId = dependency, Completed = (int)JobState.Completed });
            if (job is not null)
            {
                inputs.Add((dependency, job, c.QuerySingleOrDefault<ArtifactRow>("SELECT * FROM artifacts WHERE job_id = @JobId", new { JobId = job.Id })));
            }
        }

        return inputs;
    }

    /// <summary>What a recipe job was asked to run; null for any other job.</summary>
    public async Task<JobRecipeRow?> GetJobRecipeAsync(long jobId)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<JobRecipeRow>("SELECT * FROM job_recipes WHERE job_id = @JobId", new { JobId = jobId });
    }

    /// <summary>The ids of a recipe job's step jobs (their artifact files go when it is deleted).</summary>
    public async Task<IReadOnlyList<long>> GetStepJobIdsAsync(long recipeJobId)
    {
        await using var c = OpenReader();
        return c.Query<long>("SELECT id FROM jobs WHERE parent_id = @JobId AND step_id IS NOT NULL", new { JobId = recipeJobId }).ToRowList();
    }
}
