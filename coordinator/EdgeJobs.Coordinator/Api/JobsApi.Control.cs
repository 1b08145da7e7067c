using System.Text.Json;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// Stop, delete, bulk delete and cleanup: the state rules (README "Jobs and their states"; Ledger/JobRules.cs) as HTTP answers.
internal sealed partial class JobsApi
{
    /// <summary>Always 200 with the job (unless 400/403/404): stopping a finished job is not an error.</summary>
    public async Task<IResult> StopAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, "", options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var stop = await ledger.StopAsync(job.Id, idempotency, t => StopAnswer(job.Id, t)).ConfigureAwait(false);
        if (stop.RanNow(out var stopped) && stopped is { IsOk: true, State: { } state, Job: { } row })
        {
            // Only when it ran now, not on a replay: log it, and push the stop to the agent holding the lease.
            logger.JobStopRequested(job.Id, ScopeFilter.Current(http).Name, state.Name());
            await PushStopsAsync(row, state).ConfigureAwait(false);
        }

        return IdempotencyKeys.Answer(stop.Result, stop.Answer, options.Quotas.RetryAfter);
    }

    /// <summary>Stops a job (a campaign's active batch, say) and pushes the stop to the agents concerned; for other front doors.</summary>
    public async Task StopAndPushAsync(long jobId, string by)
    {
        var stopped = await ledger.StopAsync(jobId).ConfigureAwait(false);
        if (stopped is { IsOk: true, State: { } state, Job: { } row })
        {
            logger.JobStopRequested(jobId, by, state.Name());
            await PushStopsAsync(row, state).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Pushes a stop to the agents holding what it stopped: the job's own lease, a recipe job's step jobs, or a batch's
    /// children (the ledger stopped them all in the stop's transaction).
    /// </summary>
    private async Task PushStopsAsync(JobRow row, JobState state)
    {
        if (row.IsRecipe)
        {
            await PushStepStopsAsync(row.Id).ConfigureAwait(false);
        }
        else if (row.IsCampaignBatch)
        {
            foreach (var child in await ledger.GetStoppingChildrenAsync(row.Id).ConfigureAwait(false))
            {
                dispatcher.PushStop(child.LeaseNodeId, child.Id, child.Fence);
            }
        }
        else if (state == JobState.StopRequested)
        {
            dispatcher.PushStop(row.LeaseNodeId, row.Id, row.Fence);
        }
    }

    /// <summary>Pushes the stop to the agents holding a stopped recipe job's step jobs (the ledger stopped them all).</summary>
    private async Task PushStepStopsAsync(long recipeJobId)
    {
        foreach (var (_, stepJob) in await ledger.GetStepsAsync(recipeJobId).ConfigureAwait(false))
        {
            if (stepJob is { JobState: JobState.StopRequested })
            {
                dispatcher.PushStop(stepJob.LeaseNodeId, stepJob.Id, stepJob.Fence);
            }
        }
    }

    private static StoredAnswer StopAnswer(long id, Transition stopped) => stopped.Outcome == TransitionOutcome.NotFound
        ? new StoredAnswer(404, null, JsonSerializer.Serialize(Problems.Dto(404, "job_not_found", "No such job", $"job {id} does not exist"), RestJson.Wire.ProblemDto))
        : JobAnswer(200, stopped.Job!);

    /// <summary>Terminal: removed, 204. Absent: 204 (the desired outcome holds). Active: 409.</summary>
    public async Task<IResult> DeleteAsync(HttpContext http, string rawId)
    {
        if (!JobIds.TryParse(rawId, out var id))
        {
            return Problems.InvalidId(rawId);
        }

        var job = await ledger.GetJobAsync(id).ConfigureAwait(false);
        if (job is null)
        {
            return Results.NoContent();
        }

        var principal = ScopeFilter.Current(http);
        if (!principal.Sees(job))
        {
            // Another org's job does not exist for this caller: the same answer as an absent one.
            return Results.NoContent();
        }

        if (!principal.MayActOn(job))
        {
            return Problems.NotYours(id);
        }

        if (job is { StepId: { } step, ParentId: { } recipeJob })
        {
            return Problems.Of(409, "step_job", "A step of a recipe job",
                $"job {id} runs step '{step}' of recipe job {recipeJob}; it is deleted with that job", state: job.JobState.Name());
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, "", options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        // A recipe job's step jobs leave the ledger with it; their ids now, for their artifact files afterwards.
        var stepJobs = job.IsRecipe ? await ledger.GetStepJobIdsAsync(id).ConfigureAwait(false) : [];
        var delete = await ledger.DeleteAsync(id, idempotency, t => DeleteAnswer(id, t)).ConfigureAwait(false);
        if (delete.RanNow(out var deleted) && deleted.IsOk)
        {
            // Only once the delete has committed: the artifact file must outlive a commit that fails.
            artifacts.Delete(id);
            DeleteArtifacts(stepJobs);
        }

        return IdempotencyKeys.Answer(delete.Result, delete.Answer, options.Quotas.RetryAfter);
    }

    private static StoredAnswer DeleteAnswer(long id, Transition deleted) => deleted.Outcome == TransitionOutcome.Conflict
        ? new StoredAnswer(409, null, JsonSerializer.Serialize(
            Problems.Dto(409, "job_active", "The job is still active",
                $"job {id} is {deleted.State!.Value.Name()}; stop it and delete it once it has ended", state: deleted.State!.Value.Name()),
            RestJson.Wire.ProblemDto))
        : new StoredAnswer(204, null, "");

    /// <summary><c>DELETE /v1/jobs?status=terminal|completed|stopped|failed|error</c>: one atomic statement
    /// (<c>error</c> is amp's name for failed, kept so amp's clients work unchanged).</summary>
    public async Task<IResult> DeleteManyAsync(HttpContext http)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key != "status")
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not accepted here; only status");
            }
        }

        var status = query["status"].ToString().Trim();
        JobState[]? states = status.ToLowerInvariant() switch
        {
            "terminal" => JobStates.Terminal,
            "completed" => [JobState.Completed],
            "stopped" => [JobState.Stopped],
            "failed" or "error" => [JobState.Failed],
            _ => null,
        };
        if (states is null)
        {
            return Problems.InvalidQuery("status",
                status.Length == 0 ? "status is required: terminal, completed, stopped, failed or error" : $"'{Problems.Truncate(status)}' is not deletable; use terminal, completed, stopped, failed or error");
        }

        var deleted = await ledger.DeleteByStateAsync(states, ScopeFilter.Current(http).Org).ConfigureAwait(false);
        DeleteArtifacts(deleted.All);
        logger.JobsDeleted(deleted.Ids.Count, ScopeFilter.Current(http).Name, "status=" + status);
        return Results.Json(new DeletedDto(deleted.Ids.Count), RestJson.Wire.DeletedDto);
    }

    /// <summary><c>POST /v1/jobs/cleanup</c> <c>{older_than_s, statuses?}</c>: terminal jobs only, with their logs.</summary>
    public async Task<IResult> CleanupAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CleanupRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var violations = new List<ViolationDto>();
        if (!double.IsFinite(request.OlderThanS) || request.OlderThanS < 0)
        {
            violations.Add(new ViolationDto("$.older_than_s", "must be a number of seconds ≥ 0"));
        }

        var states = new List<JobState>();
        var names = request.Statuses ?? [.. JobStates.Terminal.Select(s => s.Name())];
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i].Equals("terminal", StringComparison.OrdinalIgnoreCase))
            {
                states.AddRange(JobStates.Terminal);
            }
            else if (JobStates.TryParse(names[i], out var state) && state.IsTerminal())
            {
                states.Add(state);
            }
            else
            {
                violations.Add(new ViolationDto($"$.statuses[{i}]", "must be terminal, completed, stopped or failed"));
            }
        }

        if (names.Count == 0)
        {
            violations.Add(new ViolationDto("$.statuses", "must name at least one terminal status"));
        }

        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var deleted = await ledger.CleanupAsync(TimeSpan.FromSeconds(request.OlderThanS), states.Distinct().ToArray(), ScopeFilter.Current(http).Org).ConfigureAwait(false);
        DeleteArtifacts(deleted.All);
        logger.JobsDeleted(deleted.Ids.Count, ScopeFilter.Current(http).Name, $"cleanup older than {request.OlderThanS}s");
        return Results.Json(new DeletedDto(deleted.Ids.Count), RestJson.Wire.DeletedDto);
    }

    /// <summary>Deletes a finished job (a recipe job with its step jobs), then its artifact files; for other front doors.</summary>
    public async Task<Transition> DeleteFinishedAsync(JobRow job)
    {
        var stepJobs = job.IsRecipe ? await ledger.GetStepJobIdsAsync(job.Id).ConfigureAwait(false) : [];
        var deleted = await ledger.DeleteAsync(job.Id).ConfigureAwait(false);
        if (deleted.IsOk)
        {
            artifacts.Delete(job.Id);
            DeleteArtifacts(stepJobs);
        }

        return deleted;
    }

    /// <summary>Deletes finished jobs by age and state (one org's; one owner's unless null), then their artifact files; for other front doors.</summary>
    public async Task<DeletedJobs> CleanupForAsync(TimeSpan olderThan, IReadOnlyCollection<JobState> states, string? org, string? owner, string by)
    {
        var deleted = await ledger.CleanupAsync(olderThan, states, org, owner).ConfigureAwait(false);
        DeleteArtifacts(deleted.All);
        logger.JobsDeleted(deleted.Ids.Count, by, $"cleanup older than {olderThan.TotalSeconds}s");
        return deleted;
    }

    private void DeleteArtifacts(IEnumerable<long> jobIds)
    {
        foreach (var id in jobIds)
        {
            artifacts.Delete(id);
        }
    }
}
