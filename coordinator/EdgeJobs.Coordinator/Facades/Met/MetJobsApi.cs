using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Met;

/// <summary>
/// Seed 000's job routes at <c>/met/jobs</c> (README "MET jobs"): the same jobs in MET's words. Reads and control map
/// the rows <c>/v1/jobs</c> reads; submits go through
/// <see cref="JobsApi.SubmitAsync(Principal, SubmitRequest, IdempotencyRequest?, Func{SubmitOutcome, string?, Catalog.Tools.ToolEstimate, StoredAnswer})"/>,
/// parent batches through <see cref="CampaignsApi.StartBatchAsync"/>. Split by concern: this file reads and controls
/// jobs, <c>MetJobsApi.Submit.cs</c> submits them, <c>MetJobsApi.Campaigns.cs</c> answers the HySpex campaign routes.
/// </summary>
internal sealed partial class MetJobsApi(JobLedger ledger, JobsApi jobs, CampaignsApi campaigns, CoordinatorOptions options)
{
    /// <summary><c>GET /met/jobs</c>: the caller's jobs (an admin's: the org's), newest first; <c>status</c>, <c>job_type</c>, <c>limit</c>, <c>cursor</c>.</summary>
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("status" or "job_type" or "limit" or "cursor"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a filter; use status, job_type, limit or cursor");
            }
        }

        var states = new List<JobState>();
        foreach (var name in query["status"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MetStates.States(name.ToLowerInvariant()) is not { } named)
            {
                return Problems.InvalidQuery("status", $"'{Problems.Truncate(name)}' is not a status; use a comma list of {string.Join(", ", MetStates.Names)}");
            }

            states.AddRange(named);
        }

        var (limit, cursor, pageProblem) = PageQuery.Read(query, JobsApi.DefaultLimit, JobsApi.MaxLimit);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var principal = ScopeFilter.Current(http);
        var jobType = query["job_type"].ToString();
        var page = await ledger.ListJobsAsync(new JobQuery
        {
            States = states.Count == 0 ? JobStates.All : [.. states.Distinct()],
            Tool = jobType.Length == 0 ? null : MetJobTypes.ToolOf(jobType),
            Owner = principal.IsAdmin ? null : principal.Name,
            Org = principal.Org,
            Cursor = cursor,
            Limit = limit,
        }).ConfigureAwait(false);
        var artifacts = await ledger.GetArtifactsAsync([.. page.Jobs.Where(j => j.JobState == JobState.Completed).Select(j => j.Id)]).ConfigureAwait(false);
        var campaignsOf = new Dictionary<long, string?>();
        var list = new List<MetJobDto>(page.Jobs.Count);
        foreach (var job in page.Jobs)
        {
            list.Add(await ReadAsync(job, artifacts.GetValueOrDefault(job.Id), campaignsOf).ConfigureAwait(false));
        }

        return Results.Json(new MetJobListDto(list, page.NextCursor), MetJson.Wire.MetJobListDto);
    }

    /// <summary><c>GET /met/jobs/{job_id}</c>: the job; 404 for none (or another org's), 403 another owner's.</summary>
    public async Task<IResult> GetAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        return job is null ? problem! : await AnswerAsync(job, 200).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /met/jobs/{job_id}/cancel</c>: 200 with the job. A queued job is cancelled at once, a running one is
    /// cancelling until its agent has stopped it; a parent batch takes its unfinished children with it. Cancelling a
    /// finished job changes nothing.
    /// </summary>
    public async Task<IResult> CancelAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        await jobs.StopAndPushAsync(job.Id, ScopeFilter.Current(http).Name).ConfigureAwait(false);
        var now = await ledger.GetJobAsync(job.Id).ConfigureAwait(false);
        return now is null ? Problems.JobNotFound(job.Id) : await AnswerAsync(now, 200).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>DELETE /met/jobs/{job_id}</c>: removes a finished job's record (and its artifact): 200 <c>{job_id, deleted}</c>;
    /// 409 <c>job_active</c> while it runs (cancel it first), 409 <c>step_job</c> for a step of a recipe job; 404 none.
    /// </summary>
    public async Task<IResult> DeleteAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        if (job is { StepId: { } step, ParentId: { } recipeJob })
        {
            return Problems.Of(409, "step_job", "A step of a recipe job",
                $"job {job.Id} runs step '{step}' of recipe job {recipeJob}; it is deleted with that job", state: MetStates.Of(job.JobState));
        }

        var deleted = await jobs.DeleteFinishedAsync(job).ConfigureAwait(false);
        return deleted.Outcome switch
        {
            TransitionOutcome.Ok => Results.Json(new MetDeletedDto(job.Id, true), MetJson.Wire.MetDeletedDto),
            TransitionOutcome.Conflict => Problems.Of(409, "job_active", "The job is still active",
                $"job {job.Id} is {MetStates.Of(deleted.State!.Value)}; cancel it (POST /met/jobs/{job.Id}/cancel) and delete it once it has ended",
                state: MetStates.Of(deleted.State!.Value)),
            _ => Problems.JobNotFound(job.Id),
        };
    }

    /// <summary>
    /// <c>POST /met/jobs/cleanup</c> <c>{older_than_s?, statuses?}</c>: deletes finished jobs that ended at least that
    /// long ago and/or are in those terminal statuses (at least one of the two), with their logs and artifacts. Active
    /// jobs are never touched. An admin cleans its org's jobs, anyone else its own.
    /// </summary>
    public async Task<IResult> CleanupAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, MetJsonContext.Default.MetCleanupRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var violations = new List<ViolationDto>();
        if (request.OlderThanS is null && request.Statuses is null)
        {
            violations.Add(new ViolationDto("$", $"give older_than_s, statuses or both (statuses: {string.Join(", ", MetStates.Terminal)})"));
        }

        if (request.OlderThanS is { } age && (!double.IsFinite(age) || age < 0))
        {
            violations.Add(new ViolationDto("$.older_than_s", "must be a number of seconds ≥ 0"));
        }

        var states = new List<JobState>();
        var names = request.Statuses ?? MetStates.Terminal;
        if (names.Count == 0)
        {
            violations.Add(new ViolationDto("$.statuses", "must name at least one terminal status"));
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (MetStates.Terminal.Contains(names[i].ToLowerInvariant()) && MetStates.States(names[i].ToLowerInvariant()) is { } named)
            {
                states.AddRange(named);
            }
            else
            {
                violations.Add(new ViolationDto($"$.statuses[{i}]", $"must be a terminal status: {string.Join(", ", MetStates.Terminal)}"));
            }
        }

        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var principal = ScopeFilter.Current(http);
        var deleted = await jobs.CleanupForAsync(TimeSpan.FromSeconds(request.OlderThanS ?? 0), [.. states.Distinct()], principal.Org,
            principal.IsAdmin ? null : principal.Name, principal.Name).ConfigureAwait(false);
        return Results.Json(new MetCleanupDto(deleted.Ids.Count, deleted.Ids), MetJson.Wire.MetCleanupDto);
    }

    /// <summary>A job the caller may act on: 400 a bad id, 404 none (or another org's, never a hint), 403 another owner's.</summary>
    private Task<(JobRow? Job, IResult? Problem)> FindOwnAsync(HttpContext http, string rawId) => JobAccess.FindAsync(ledger, http, rawId, JobAccess.MayAct);

    private async Task<IResult> AnswerAsync(JobRow job, int status)
    {
        var artifact = job.JobState == JobState.Completed ? await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false) : null;
        return Results.Json(await ReadAsync(job, artifact, []).ConfigureAwait(false), MetJson.Wire.MetJobDto, statusCode: status);
    }

    /// <summary>The job with what MET shows beside it: a parent batch's page, the campaign of a batch or of one of its children.</summary>
    private async Task<MetJobDto> ReadAsync(JobRow job, ArtifactRow? artifact, Dictionary<long, string?> campaignsOf)
    {
        if (job.IsCampaignBatch && await ledger.GetCampaignBatchAsync(job.Id).ConfigureAwait(false) is { } batch)
        {
            // The job again, read after its batch row: never older than the page it shows.
            var now = await ledger.GetJobAsync(job.Id).ConfigureAwait(false) ?? job;
            var campaign = await ledger.GetCampaignByNumAsync(batch.Campaign).ConfigureAwait(false);
            return ToDto(now, artifact) with { Batch = ToDto(CampaignMapper.ToDto(batch, now)), CampaignId = campaign?.Id };
        }

        string? campaignId = null;
        if (job is { CampaignId: not null, ParentId: { } parent })
        {
            // Only a batch's own children have a batch as parent (a submit naming one is refused).
            if (!campaignsOf.TryGetValue(parent, out campaignId))
            {
                campaignId = await ledger.GetCampaignBatchAsync(parent).ConfigureAwait(false) is { } parentBatch
                    ? (await ledger.GetCampaignByNumAsync(parentBatch.Campaign).ConfigureAwait(false))?.Id
                    : null;
                campaignsOf[parent] = campaignId;
            }
        }

        return ToDto(job, artifact) with { CampaignId = campaignId };
    }

    /// <summary>The job's own row in MET's words (what a submit's stored answer holds: nothing read beside it).</summary>
    internal static MetJobDto ToDto(JobRow job, ArtifactRow? artifact = null, bool? deduplicated = null)
    {
        using var parameters = JsonDocument.Parse(job.Params);
        return new MetJobDto
        {
            JobId = job.Id,
            JobType = MetJobTypes.Of(job.Tool),
            Tool = job.Tool,
            Status = MetStates.Of(job.JobState),
            CreatedAt = JobMapper.Time(job.CreatedAt),
            StartedAt = job.StartedAt is { } started ? JobMapper.Time(started) : null,
            FinishedAt = job.FinishedAt is { } finished ? JobMapper.Time(finished) : null,
            Progress = job.JobState == JobState.Completed ? 100 : job.ProgressPercent,
            Message = job.ProgressPhase,
            Error = job.ErrorCode is { } code ? job.ErrorMessage ?? code : null,
            ErrorCode = job.ErrorCode,
            Params = parameters.RootElement.Clone(),
            Result = artifact is { DeletedAt: null } a ? new MetResultDto($"/v1/jobs/{job.Id}/artifact", a.SizeBytes, a.Sha256, JobMapper.Time(a.ExpiresAt)) : null,
            ParentJobId = job.ParentId,
            Owner = job.Owner,
            Dataset = job.Dataset is { } dataset ? job.Org + "/" + dataset : null,
            Deduplicated = deduplicated,
        };
    }

    private static MetBatchDto ToDto(BatchDto batch) => new()
    {
        JobId = batch.JobId,
        Status = batch.Status is { } name && JobStates.TryParse(name, out var state) ? MetStates.Of(state) : null,
        StartPosition = batch.StartPosition,
        MaxRecords = batch.MaxRecords,
        Records = batch.Records,
        Matched = batch.Matched,
        NextStartPosition = batch.NextStartPosition,
        ChildrenEnded = batch.ChildrenEnded,
        ChildrenCompleted = batch.ChildrenCompleted,
        Forced = batch.Forced,
        SpawnedAt = batch.SpawnedAt,
    };
}
