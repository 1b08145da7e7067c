using System.Globalization;
using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

// GET …/tasks/tools and POST …/tasks: the catalog in the seed's words, and a submit mapped onto POST /v1/jobs's.
internal sealed partial class TasksApi
{
    /// <summary><c>GET /orgs/{orgSlug}/ds/{dsSlug}/tasks/tools</c>: an array of tool descriptors.</summary>
    public async Task<IResult> ToolsAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindDatasetAsync(http, org, ds).ConfigureAwait(false);
        return dataset is null
            ? problem!
            : Results.Json<IReadOnlyList<TaskToolDto>>([.. catalog.Tools.Select(TaskTools.ToDto)], TaskJson.Wire.IReadOnlyListTaskToolDto);
    }

    /// <summary>
    /// <c>POST /orgs/{orgSlug}/ds/{dsSlug}/tasks</c>: 202 with <c>Location</c> for a new task, 200 with
    /// <c>deduplicated: true</c> for an existing matching one (EdgeJobs' dedup: the same owner, tool, version, params
    /// and input files, active or succeeded within the lookback); 400 unknown tool, invalid params or a path leaving the
    /// dataset, naming the field as the seed writes it; 413 estimated output too large; 429 over a quota.
    /// </summary>
    public async Task<IResult> SubmitAsync(HttpContext http, string org, string ds)
    {
        var (dataset, datasetProblem) = await FindDatasetAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return datasetProblem!;
        }

        var (request, problem, canonical) = await RequestBody.ReadCanonicalAsync(http, TaskJsonContext.Default.TaskSubmitRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var tool = catalog.Find(request.ToolId);
        var mapped = TaskParams.ToTool(request.ToolId, request.Path, request.Params);
        if (mapped.Violations.Count > 0)
        {
            return InvalidParams(mapped.Violations);
        }

        if (tool is not null && TaskTools.RequiresOutput(tool) && !(mapped.Params is { } p && p.TryGetProperty("output", out _)))
        {
            return InvalidParams([new ViolationDto("$.params." + TaskParams.OutputPath, $"is required: {tool.Id} writes its result into the dataset")]);
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var submit = new SubmitRequest
        {
            Tool = request.ToolId,
            Version = request.Version,
            Params = mapped.Params,
            Force = (request.Force ?? false) || mapped.Force,
            Dataset = org + "/" + ds,
        };
        var submission = await jobs.SubmitAsync(ScopeFilter.Current(http), submit, idempotency, (outcome, _, estimate) => Answer(outcome, estimate.OutputBytes)).ConfigureAwait(false);
        if (submission.Refused is { } refused)
        {
            return Problems.Result(refused with
            {
                Errors = refused.Errors?.Select(v => v with { Path = TaskParams.SeedPath(v.Path, request.Path is not null) }).ToList(),
                Detail = refused.Errors is { Count: > 0 } errors
                    ? string.Join("; ", errors.Select(v => $"{TaskParams.SeedPath(v.Path, request.Path is not null)} {v.Reason}"))
                    : refused.Detail,
            });
        }

        return IdempotencyKeys.Answer(submission.Submitted.Result, submission.Submitted.Answer, options.Quotas.RetryAfter);
    }

    /// <summary>The answer, shaped in the ledger's transaction from its outcome alone (stored with an idempotency key).</summary>
    private static StoredAnswer Answer(SubmitOutcome outcome, long estimatedOutputBytes)
    {
        if (outcome.Job is not { } job)
        {
            return JobsApi.RefusedAnswer(outcome);
        }

        var statusUrl = StatusUrl(job.Org, job.Dataset!, job.Id);
        var created = outcome.Result == SubmitResult.Created;
        var (toolId, version) = SeedTool(job);
        var body = new TaskSubmittedDto(job.Id.ToString(CultureInfo.InvariantCulture), toolId, version, !created, statusUrl, statusUrl + "/result", estimatedOutputBytes);
        return new StoredAnswer(created ? 202 : 200, statusUrl, JsonSerializer.Serialize(body, TaskJson.Wire.TaskSubmittedDto));
    }

    private static IResult InvalidParams(IReadOnlyList<ViolationDto> violations) =>
        Problems.Of(400, "invalid_params", "Invalid task parameters", string.Join("; ", violations.Select(v => $"{v.Path} {v.Reason}")), violations);
}
