using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Ordo;

/// <summary>
/// Seed 001's jobs API at <c>/ordo</c> (README "Ordo jobs"): recipe jobs in Ordo's words. A submit goes through
/// <see cref="JobsApi.SubmitAsync(Principal, SubmitRequest, IdempotencyRequest?, Func{SubmitOutcome, string?, Catalog.Tools.ToolEstimate, StoredAnswer})"/>
/// like <c>POST /v1/jobs</c>; reads map the same rows. A job that is not a recipe job reads as a job of one step.
/// </summary>
internal sealed class OrdoJobsApi(JobLedger ledger, JobsApi jobs, CoordinatorOptions options)
{
    public const int DefaultListLimit = 1000;

    /// <summary><c>POST /ordo/jobs</c>: 201 <c>{"id": N}</c>; 400 naming the field for anything a recipe job's submit refuses.</summary>
    public async Task<IResult> SubmitAsync(HttpContext http)
    {
        var (request, problem, canonical) = await RequestBody.ReadCanonicalAsync(http, OrdoJsonContext.Default.OrdoSubmitRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var missing = new List<ViolationDto>();
        if (request.Recipe is null && request.RecipeId is null)
        {
            missing.Add(new ViolationDto("$.recipe", "is required: an inline recipe, or recipe_id"));
        }

        if (request.Inputs is null)
        {
            missing.Add(new ViolationDto("$.inputs", "is required: the artifact map (may be {})"));
        }

        if (missing.Count > 0)
        {
            return Problems.InvalidBody(missing);
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var submit = new SubmitRequest
        {
            Recipe = request.Recipe,
            RecipeId = request.RecipeId,
            Inputs = request.Inputs,
            Params = request.Params,
            Outputs = request.Outputs,
            OnExit = request.OnExit,
        };
        var submission = await jobs.SubmitAsync(ScopeFilter.Current(http), submit, idempotency, (outcome, _, _) => outcome.Job is null
            ? JobsApi.RefusedAnswer(outcome)
            : new StoredAnswer(201, $"/ordo/jobs/{outcome.Job!.Id}", JsonSerializer.Serialize(new OrdoCreatedDto(outcome.Job.Id), OrdoJson.Wire.OrdoCreatedDto))).ConfigureAwait(false);
        return submission.Refused is { } refused
            ? Problems.Result(refused)
            : IdempotencyKeys.Answer(submission.Submitted.Result, submission.Submitted.Answer, options.Quotas.RetryAfter);
    }

    /// <summary><c>GET /ordo/jobs</c>: the caller's jobs (an admin's: the org's), newest first, as job objects.</summary>
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("limit" or "cursor"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not accepted here; use limit or cursor");
            }
        }

        var (limit, cursor, pageProblem) = PageQuery.Read(query, DefaultListLimit, DefaultListLimit);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var principal = ScopeFilter.Current(http);
        var page = await ledger.ListJobsAsync(new JobQuery
        {
            States = JobStates.All,
            Owner = principal.IsAdmin ? null : principal.Name,
            Org = principal.Org,
            Cursor = cursor,
            Limit = limit,
        }).ConfigureAwait(false);
        var recipes = new Dictionary<long, long?>();
        foreach (var job in page.Jobs.Where(j => j.IsRecipe))
        {
            recipes[job.Id] = (await ledger.GetJobRecipeAsync(job.Id).ConfigureAwait(false))?.RecipeId;
        }

        IReadOnlyList<OrdoJobDto> list = [.. page.Jobs.Select(j => ToJob(j, recipes.GetValueOrDefault(j.Id)))];
        return Results.Json(list, OrdoJson.Wire.IReadOnlyListOrdoJobDto);
    }

    /// <summary><c>GET /ordo/jobs/{id}</c>: the job, its progress, timeline, steps, artifacts and outputs; 404 for none (or another org's).</summary>
    public async Task<IResult> GetAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await JobAccess.FindAsync(ledger, http, rawId, JobAccess.MayAct, hideSteps: true).ConfigureAwait(false);
        return job is null ? problem! : Results.Json(await DetailAsync(job).ConfigureAwait(false), OrdoJson.Wire.OrdoJobDetailDto);
    }

    private async Task<OrdoJobDetailDto> DetailAsync(JobRow job)
    {
        if (await RecipeJobView.ReadAsync(ledger, job).ConfigureAwait(false) is not { } view)
        {
            // A one-tool job (submitted through v1 or another seed API) reads as a recipe of one step named after its tool.
            var state = OrdoStates.Of(job.JobState switch
            {
                JobState.Completed => StepState.Completed,
                JobState.Failed or JobState.Stopped => StepState.Failed,
                JobState.Scheduled or JobState.Held => StepState.Pending,
                _ => StepState.Running,
            });
            var artifact = await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false);
            return new OrdoJobDetailDto(
                ToJob(job, null),
                new OrdoProgressDto((job.ProgressPercent ?? 0) / 100, job.JobState == JobState.Completed ? 1 : 0, 1),
                Duration(job),
                job.StartedAt is null ? [] : [new OrdoTimelineDto(job.Tool, job.Tool, state, OrdoStates.Time(job.StartedAt), OrdoStates.Time(job.FinishedAt), Duration(job))],
                [new OrdoStepDto(job.Id, job.Tool, job.Tool, state, OrdoStates.Time(job.StartedAt), OrdoStates.Time(job.FinishedAt), Error(job.ErrorCode, job.ErrorMessage))],
                artifact is null ? [] : [new OrdoArtifactDto("step:" + job.Tool + ".output", job.Tool, artifact.SizeBytes, artifact.Sha256, $"/v1/jobs/{job.Id}/artifact")],
                []);
        }

        var steps = view.Steps;
        return new OrdoJobDetailDto(
            ToJob(job, view.Recipe.RecipeId),
            new OrdoProgressDto(view.Recipe.TotalSteps == 0 ? 1 : (double)view.Recipe.CompletedSteps / view.Recipe.TotalSteps, view.Recipe.CompletedSteps, view.Recipe.TotalSteps),
            Duration(job),
            [.. steps.Where(s => s.Step.StartedAt is not null).OrderBy(s => s.Step.StartedAt).ThenBy(s => s.Step.Position)
                .Select(s => new OrdoTimelineDto(s.Step.StepId, s.Step.Tool, OrdoStates.Of(s.Step.StepState), OrdoStates.Time(s.Step.StartedAt), OrdoStates.Time(s.Step.FinishedAt), RecipeJobView.Duration(s.Step)))],
            [.. steps.Select(s => new OrdoStepDto(job.Id, s.Step.StepId, s.Step.Tool, OrdoStates.Of(s.Step.StepState), OrdoStates.Time(s.Step.StartedAt), OrdoStates.Time(s.Step.FinishedAt),
                Error(s.Step.ErrorCode, s.Step.ErrorMessage)))],
            [.. steps.Where(s => s.StepJob is not null && view.Artifacts.ContainsKey(s.StepJob.Id)).Select(s =>
            {
                var a = view.Artifacts[s.StepJob!.Id];
                return new OrdoArtifactDto(Catalog.Recipes.StepReferences.Of(s.Step.StepId), s.Step.StepId, a.SizeBytes, a.Sha256, $"/v1/jobs/{s.StepJob.Id}/artifact");
            })],
            [.. RecipeJobView.Map(view.Recipe.Outputs).Select(o => new OrdoOutputDto(o.Key, o.Value))]);
    }

    private static OrdoJobDto ToJob(JobRow job, long? recipeId)
    {
        using var parameters = JsonDocument.Parse(job.Params);
        return new OrdoJobDto(job.Id, recipeId, OrdoStates.Of(job.JobState), OrdoStates.Time(job.CreatedAt), OrdoStates.Time(job.StartedAt), OrdoStates.Time(job.FinishedAt),
            Error(job.ErrorCode, job.ErrorMessage), parameters.RootElement.Clone());
    }

    private static long? Duration(JobRow job) => job is { StartedAt: { } s, FinishedAt: { } f } ? f - s : null;

    private static string? Error(string? code, string? message) => code is null ? null : message is null ? code : $"{code}: {message}";
}
