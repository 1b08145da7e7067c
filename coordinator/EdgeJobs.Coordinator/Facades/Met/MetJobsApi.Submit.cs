using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Met;

// POST /met/jobs/{nc-to-geotiff | merge-terrain | mago-terrain | repair-csw-metadata}: one submit each, mapped onto
// POST /v1/jobs's (the same tool, scope, params, path, dataset, estimate, dedup, quota and idempotency rules).
internal sealed partial class MetJobsApi
{
    /// <summary>
    /// Queues a job of <paramref name="jobType"/>'s tool: 202 with the job and <c>Location: /met/jobs/{job_id}</c>; 200
    /// with <c>deduplicated: true</c> for an equal job active or completed recently (unless <c>force</c>). 400
    /// <c>tool_unavailable</c> when the route's exec tool is not installed, <c>invalid_params</c> naming each
    /// <c>$.params.*</c>, <c>invalid_body</c>; 403 a scope the tool needs; 413 estimated output too large; 429 quota.
    /// </summary>
    public async Task<IResult> SubmitAsync(HttpContext http, string jobType)
    {
        var tool = MetJobTypes.ToolOf(jobType);
        if (options.Catalog.Find(tool) is null)
        {
            // Only the exec tools can be missing: an operator installs their manifests (built-in tools always exist).
            return Problems.Of(400, "tool_unavailable", "Tool unavailable",
                $"{jobType} runs the exec tool '{tool}', which no agent of this coordinator has advertised: adapt agent/tools.d/examples/{ManifestOf(tool)} " +
                "(its program's path), copy it into an agent's tools dir and restart that agent; GET /v1/tools lists the tools known");
        }

        var (request, problem, canonical) = await RequestBody.ReadCanonicalAsync(http, MetJsonContext.Default.MetSubmitRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        if (request.Params is not { ValueKind: JsonValueKind.Object })
        {
            return Problems.InvalidBody([new ViolationDto("$.params", $"is required: an object of {tool}'s params (GET /v1/tools/{tool} has their schema)")]);
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var submit = new SubmitRequest
        {
            Tool = tool,
            Params = request.Params,
            Dataset = request.Dataset,
            Priority = request.Priority,
            MaxAttempts = request.MaxAttempts,
            TimeoutS = request.TimeoutS,
            Force = request.Force,
        };
        var submission = await jobs.SubmitAsync(ScopeFilter.Current(http), submit, idempotency, (outcome, _, _) => Answer(outcome)).ConfigureAwait(false);
        return submission.Refused is { } refused
            ? Problems.Result(refused)
            : IdempotencyKeys.Answer(submission.Submitted.Result, submission.Submitted.Answer, options.Quotas.RetryAfter);
    }

    /// <summary>The answer, shaped in the ledger's transaction from its outcome alone (stored with an idempotency key).</summary>
    private static StoredAnswer Answer(SubmitOutcome outcome)
    {
        if (outcome.Job is not { } job)
        {
            return JobsApi.RefusedAnswer(outcome);
        }

        var created = outcome.Result == SubmitResult.Created;
        return new StoredAnswer(created ? 202 : 200, $"/met/jobs/{job.Id}",
            JsonSerializer.Serialize(ToDto(job, deduplicated: created ? null : true), MetJson.Wire.MetJobDto));
    }

    private static string ManifestOf(string tool) => tool == MetJobTypes.MagoTool ? "mago3d-terrainer.json" : tool + ".json";
}
