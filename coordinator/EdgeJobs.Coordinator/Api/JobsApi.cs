using System.Text.Json;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// The job-control endpoints of REST API v1 (README "REST API v1"). Split by concern: this file answers submits and reads;
/// <c>JobsApi.Submit.cs</c> is the one submit every front door calls;
/// <c>JobsApi.Control.cs</c> stops, deletes and cleans up.
/// </summary>
internal sealed partial class JobsApi(JobLedger ledger, ToolCatalog catalog, CoordinatorOptions options, DataRootPaths dataRootPaths, Dispatcher dispatcher, ArtifactStore artifacts,
    DatasetStore datasets, ILogger logger)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;
    public const int LogTailLines = 20;

    /// <summary>
    /// <c>POST /v1/jobs</c>: 202 with a new job, or 200 with an equivalent existing one
    /// (<c>deduplicated: true</c>); 413 when its estimated output is too large, 429 over a quota. With an
    /// <c>Idempotency-Key</c> the first answer is replayed for the same request.
    /// </summary>
    public async Task<IResult> SubmitAsync(HttpContext http)
    {
        var (request, problem, canonical) = await RequestBody.ReadCanonicalAsync(http, RestJsonContext.Default.SubmitRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var submission = await SubmitAsync(ScopeFilter.Current(http), request, idempotency, (outcome, note, _) => SubmitAnswer(outcome, note)).ConfigureAwait(false);
        return submission.Refused is { } refused
            ? Problems.Result(refused)
            : IdempotencyKeys.Answer(submission.Submitted.Result, submission.Submitted.Answer, options.Quotas.RetryAfter);
    }

    // The answers of submit, stop and delete are shaped from the ledger's outcome alone: with a key they
    // are stored in the ledger's transaction, which may run twice (the first run rolled back).
    private static StoredAnswer SubmitAnswer(SubmitOutcome outcome, string? note) => outcome.Result switch
    {
        SubmitResult.Created => JobAnswer(202, outcome.Job!, deduplicated: false, note),
        SubmitResult.Deduplicated => JobAnswer(200, outcome.Job!, deduplicated: true, note),
        _ => RefusedAnswer(outcome),
    };

    /// <summary>
    /// The answer of a submit the ledger refused, as stored with an idempotency key: 429 for a quota, 402 for a
    /// workspace short of credits.
    /// </summary>
    internal static StoredAnswer RefusedAnswer(SubmitOutcome outcome) => outcome.Result == SubmitResult.InsufficientCredits
        ? CreditsAnswer(outcome)
        : new(429, null, JsonSerializer.Serialize(
        Problems.Dto(429, "quota_exceeded", "Quota exceeded",
            $"the {outcome.Quota!.Replace('_', ' ')} limit of {outcome.Limit} is reached; retry later"),
        RestJson.Wire.ProblemDto));

    /// <summary><c>POST /v1/jobs/validate</c>: every check of a submit, no side effects; 204 or the problem.</summary>
    public async Task<IResult> ValidateAsync(HttpContext http)
    {
        var (estimate, problem) = await ReadAndPrepareAsync(http).ConfigureAwait(false);
        return estimate is null ? problem! : Results.NoContent();
    }

    /// <summary><c>POST /v1/jobs/estimate</c>: the tool's own estimate for valid params (a recipe's: its steps' summed), no side effects.</summary>
    public async Task<IResult> EstimateAsync(HttpContext http)
    {
        var (estimate, problem) = await ReadAndPrepareAsync(http).ConfigureAwait(false);
        return estimate is null ? problem! : Results.Json(estimate, RestJson.Wire.EstimateDto);
    }

    /// <summary>The body, then every check of a submit, with no side effects: the estimate, or the problem.</summary>
    private async Task<(EstimateDto? Estimate, IResult? Problem)> ReadAndPrepareAsync(HttpContext http)
    {
        var (request, problem, _) = await RequestBody.ReadCanonicalAsync(http, RestJsonContext.Default.SubmitRequest).ConfigureAwait(false);
        if (request is null)
        {
            return (null, problem);
        }

        var (estimate, refused) = await EstimateAsync(ScopeFilter.Current(http), request).ConfigureAwait(false);
        return estimate is null ? (null, Problems.Result(refused!)) : (estimate, null);
    }

    /// <summary>
    /// Every check of a submit with no side effects, and the estimate with its price in credits (a recipe's: its steps'
    /// summed) — or why the price cannot be known before the job runs. For <c>estimate</c> and <c>validate</c> on every front door.
    /// </summary>
    internal async Task<(EstimateDto? Estimate, ProblemDto? Problem)> EstimateAsync(Principal principal, SubmitRequest request)
    {
        if (IsRecipeRequest(request))
        {
            var (recipe, recipeRefused) = await PrepareRecipeAsync(principal, request).ConfigureAwait(false);
            return recipe is null ? (null, recipeRefused) : (Priced("recipe", recipe.Estimate, null), null);
        }

        var (prepared, refused) = await PrepareAsync(principal, request).ConfigureAwait(false);
        return prepared is null ? (null, refused) : (Priced(prepared.Tool.Id, prepared.Estimate, CannotEstimate(prepared.Tool, prepared.Job.Params)), null);
    }

    private EstimateDto Priced(string tool, ToolEstimate estimate, string? cannotEstimate) => new(estimate.OutputBytes, estimate.Seconds)
    {
        EstimatedCredits = cannotEstimate is null ? Credits.CreditAmounts.ToCredits(options.Prices.Of(tool, estimate)) : null,
        CannotEstimate = cannotEstimate,
    };

    private static StoredAnswer JobAnswer(int status, JobRow job, bool? deduplicated = null, string? warning = null) =>
        new(status, $"/v1/jobs/{job.Id}", JsonSerializer.Serialize(
            JobMapper.ToDto(job, deduplicated: deduplicated) with { Warnings = warning is null ? null : [warning] }, RestJson.Wire.JobDto));

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var principal = ScopeFilter.Current(http);
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("status" or "limit" or "cursor" or "tool" or "node" or "campaign" or "owner"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a filter; use status, limit, cursor, tool, node, campaign or owner");
            }
        }

        if (!JobStates.TryParseFilter(Single(query, "status"), out var states, out var bad))
        {
            return Problems.InvalidQuery("status",
                $"'{Problems.Truncate(bad ?? "")}' is not a status; use active, all, terminal or a comma list of {string.Join(", ", JobStates.All.Select(s => s.Name()))}");
        }

        var limit = DefaultLimit;
        if (Single(query, "limit") is { } rawLimit && (!int.TryParse(rawLimit, out limit) || limit is < 1 or > MaxLimit))
        {
            return Problems.InvalidQuery("limit", $"limit must be an integer from 1 to {MaxLimit}");
        }

        long? cursor = null;
        if (Single(query, "cursor") is { } rawCursor)
        {
            if (!JobIds.TryParse(rawCursor, out var c))
            {
                return Problems.InvalidQuery("cursor", "cursor must be the id of the last job of the previous page");
            }

            cursor = c;
        }

        long? node = null;
        if (Single(query, "node") is { } rawNode)
        {
            if (!JobIds.TryParse(rawNode, out var n))
            {
                return Problems.InvalidQuery("node", "node must be a node id");
            }

            node = n;
        }

        long? campaign = null;
        if (Single(query, "campaign") is { } rawCampaign)
        {
            // A number is a campaign_id label as submitted; a campaign's id (a slug) names its batches and children.
            if (JobIds.TryParse(rawCampaign, out var n))
            {
                campaign = n;
            }
            else if (Slugs.IsValid(rawCampaign))
            {
                campaign = await ledger.GetCampaignAsync(rawCampaign).ConfigureAwait(false) is { } named && principal.SeesOrg(named.Org) ? named.Num : -1;
            }
            else
            {
                return Problems.InvalidQuery("campaign", "campaign must be a campaign's id or a campaign_id number");
            }
        }

        var owner = Single(query, "owner");
        if (!principal.IsAdmin)
        {
            if (owner is not null && owner != principal.Name)
            {
                return Problems.Forbidden("only jobs:admin may list other owners' jobs");
            }

            owner = principal.Name;
        }

        var page = await ledger.ListJobsAsync(new JobQuery
        {
            States = states,
            Tool = Single(query, "tool"),
            NodeId = node,
            CampaignId = campaign,
            Owner = owner,
            Org = principal.Org,
            Cursor = cursor,
            Limit = limit,
        }).ConfigureAwait(false);
        var artifacts = await ledger.GetArtifactsAsync([.. page.Jobs.Where(j => j.JobState == JobState.Completed).Select(j => j.Id)]).ConfigureAwait(false);
        return Results.Json(new JobListDto([.. page.Jobs.Select(j => JobMapper.ToDto(j, artifact: artifacts.GetValueOrDefault(j.Id)))], page.NextCursor), RestJson.Wire.JobListDto);
    }

    public async Task<IResult> GetAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var tail = await ledger.LogTailAsync(job.Id, LogTailLines).ConfigureAwait(false);
        var artifact = await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false);
        var dto = JobMapper.ToDto(job, tail, artifact: artifact);
        if (await RecipeJobView.ReadAsync(ledger, job).ConfigureAwait(false) is { } recipe)
        {
            dto = recipe.AddTo(dto);
        }
        else if (job.IsCampaignBatch && await ledger.GetCampaignBatchAsync(job.Id).ConfigureAwait(false) is { } batch)
        {
            // The job again, read after its batch row: never older than the page it shows (a job read first could still
            // say scheduled beside children already made).
            var now = await ledger.GetJobAsync(job.Id).ConfigureAwait(false) ?? job;
            dto = JobMapper.ToDto(now, tail, artifact: artifact) with { Batch = CampaignMapper.ToDto(batch, now) };
        }

        return Results.Json(dto, RestJson.Wire.JobDto);
    }

    public async Task<IResult> EventsAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var events = await ledger.GetEventsAsync(job.Id).ConfigureAwait(false);
        return Results.Json(new JobEventListDto([.. events.Select(JobMapper.ToDto)]), RestJson.Wire.JobEventListDto);
    }

    public async Task<IResult> LogAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        long since = 0;
        if (Single(http.Request.Query, "since") is { } rawSince && (!long.TryParse(rawSince, out since) || since < 0))
        {
            return Problems.InvalidQuery("since", "since must be a cursor from a previous answer (an integer ≥ 0)");
        }

        var limit = JobLedger.MaxLogPage;
        if (Single(http.Request.Query, "limit") is { } rawLimit && (!int.TryParse(rawLimit, out limit) || limit is < 1 or > JobLedger.MaxLogPage))
        {
            return Problems.InvalidQuery("limit", $"limit must be an integer from 1 to {JobLedger.MaxLogPage}");
        }

        var page = await ledger.ReadLogAsync(job.Id, since, limit).ConfigureAwait(false);
        return page is null
            ? Problems.JobNotFound(job.Id)
            : Results.Json(new JobLogDto(page.Cursor, page.Lines, page.TruncatedFromTail), RestJson.Wire.JobLogDto);
    }

    /// <summary>Parses the id, loads the job, and checks the caller may see it: 400, 404 or 403 otherwise.</summary>
    internal Task<(JobRow? Job, IResult? Problem)> FindOwnAsync(HttpContext http, string rawId) => JobAccess.FindAsync(ledger, http, rawId, JobAccess.MayAct);

    private static string? Single(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values.Count == 1 ? values[0] : string.Join(',', values.ToArray()) : null;
}
