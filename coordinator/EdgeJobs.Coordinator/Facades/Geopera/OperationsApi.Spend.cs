using System.Globalization;
using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Geopera;

// The spending operations: create (held), create_and_dispatch, execute (reserve + dispatch), dispatch, register
// (settle). Each takes an Idempotency-Key; its answer is stored in the ledger's transaction, so a retry after a lost
// answer replays it instead of spending twice.
internal sealed partial class OperationsApi
{
    private async Task<IResult> CreateAsync(HttpContext http, string operation, bool dispatch)
    {
        var (input, problem, canonical) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessCreateInput).ConfigureAwait(false);
        return input is null
            ? problem!
            : await SubmitAsync(http, operation, canonical, input.ProcessId, input.Inputs, input.WorkspaceId, input.ProjectId, hold: !dispatch).ConfigureAwait(false);
    }

    private async Task<IResult> ExecuteAsync(HttpContext http, string operation)
    {
        var (input, problem, canonical) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessExecuteInput).ConfigureAwait(false);
        return input is null
            ? problem!
            : await SubmitAsync(http, operation, canonical, input.ProcessId, input.Inputs, input.WorkspaceId, input.ProjectId, hold: false).ConfigureAwait(false);
    }

    /// <summary>The one submit, with the workspace's reservation in its transaction: 201 with the job, 402 when the workspace is short.</summary>
    private async Task<IResult> SubmitAsync(HttpContext http, string operation, string canonical, string processId, JsonElement? inputs,
        string? workspace, string? project, bool hold)
    {
        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, _options.IdempotencyKeyLifetime, "op:" + operation);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var request = new SubmitRequest { Tool = processId, Params = inputs, Workspace = workspace, Project = project, Hold = hold ? true : null };
        var prices = _options.Prices;
        var submission = await _jobs.SubmitAsync(AsSubmitter(ScopeFilter.Current(http)), request, idempotency, (outcome, _, estimate) =>
        {
            if (outcome.Job is not { } job)
            {
                return JobsApi.RefusedAnswer(outcome);
            }

            var reserved = job.Workspace is null ? (decimal?)null : CreditAmounts.ToCredits(prices.Of(job.Tool, estimate));
            var body = ToDto(job, null) with { ReservedCredits = reserved };
            return new StoredAnswer(outcome.Result == SubmitResult.Created ? 201 : 200, null, JsonSerializer.Serialize(body, GeoperaJson.Wire.ProcessingJobDto));
        }).ConfigureAwait(false);
        if (submission.Refused is { } refused)
        {
            return Refused(refused);
        }

        return IdempotencyKeys.Answer(submission.Submitted.Result, submission.Submitted.Answer, _options.Quotas.RetryAfter);
    }

    private async Task<IResult> DispatchAsync(HttpContext http, string operation)
    {
        var (input, problem, canonical) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessingDispatchInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (job, findProblem) = await FindAsync(http, input.JobId, act: true).ConfigureAwait(false);
        if (job is null)
        {
            return findProblem!;
        }

        if (input.Version is { } version && version != job.ToolVersion)
        {
            return Problems.Of(409, "version_mismatch", "Version mismatch",
                $"job {job.Id} runs {job.Tool} version {job.ToolVersion}, not '{Problems.Truncate(version)}'", [new ViolationDto("$.version", $"must be '{job.ToolVersion}'")]);
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, _options.IdempotencyKeyLifetime, "op:" + operation);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var dispatched = await _jobs.DispatchAsync(job.Id, idempotency, ScopeFilter.Current(http).Name, t => t.Outcome switch
        {
            TransitionOutcome.Conflict => new StoredAnswer(409, null, JsonSerializer.Serialize(Problems.Dto(409, "job_not_pending", "Job not pending",
                $"job {job.Id} is {GeoperaStates.Of(t.State!.Value)}: only a pending job is dispatched") with { State = GeoperaStates.Of(t.State!.Value) }, RestJson.Wire.ProblemDto)),
            TransitionOutcome.NotFound => new StoredAnswer(404, null, JsonSerializer.Serialize(
                Problems.Dto(404, "job_not_found", "No such job", $"job {job.Id} does not exist"), RestJson.Wire.ProblemDto)),
            _ => new StoredAnswer(200, null, JsonSerializer.Serialize(ToDto(t.Job!, null), GeoperaJson.Wire.ProcessingJobDto)),
        }).ConfigureAwait(false);
        return IdempotencyKeys.Answer(dispatched.Result, dispatched.Answer, _options.Quotas.RetryAfter);
    }

    /// <summary>
    /// Records a completed job's outputs and settles its reservation from the measured work (its run's CPU seconds on the agent, its
    /// artifact's bytes) at the workspace's prices: charged up to what was reserved, the rest released. 409 before it
    /// completed; a second register answers the first's settlement.
    /// </summary>
    private async Task<IResult> RegisterAsync(HttpContext http, string operation)
    {
        var (input, problem, canonical) = await BodyAsync(http, GeoperaJsonContext.Default.JobRegisterInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (job, findProblem) = await FindAsync(http, input.JobId, act: true).ConfigureAwait(false);
        if (job is null)
        {
            return findProblem!;
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, canonical, _options.IdempotencyKeyLifetime, "op:" + operation);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var outputs = JsonSerializer.Serialize(input.Outputs ?? [], GeoperaJsonContext.Default.IReadOnlyListJsonElement);
        var actor = ScopeFilter.Current(http).Name;
        var prices = _options.Prices;
        var registered = await _ledger.RegisterAsync(job.Id, outputs, actor, (row, work) => prices.Of(row.Tool, work), idempotency, RegisterAnswer).ConfigureAwait(false);
        if (registered.RanNow(out var outcome) && outcome is { Result: RegisterResult.Registered, Reservation: { } reservation })
        {
            _logger.JobRegistered(job.Id, actor, CreditAmounts.ToCredits(reservation.Charged ?? 0), CreditAmounts.ToCredits(reservation.Amount), reservation.Workspace);
        }

        return IdempotencyKeys.Answer(registered.Result, registered.Answer, _options.Quotas.RetryAfter);
    }

    private static StoredAnswer RegisterAnswer(RegisterOutcome outcome)
    {
        var id = outcome.Job?.Id ?? 0;
        switch (outcome.Result)
        {
            case RegisterResult.NotFound:
                return new StoredAnswer(404, null, JsonSerializer.Serialize(Problems.Dto(404, "job_not_found", "No such job", $"job {id} does not exist"), RestJson.Wire.ProblemDto));
            case RegisterResult.NotCompleted:
                var state = GeoperaStates.Of(outcome.Job!.JobState);
                return new StoredAnswer(409, null, JsonSerializer.Serialize(Problems.Dto(409, "job_not_completed", "Job not completed",
                    $"job {id} is {state}: register records a completed job's outputs", null, state), RestJson.Wire.ProblemDto));
        }

        var registration = outcome.Registration!;
        var reservation = outcome.Reservation;
        var outputs = JsonSerializer.Deserialize(registration.Outputs, GeoperaJsonContext.Default.IReadOnlyListJsonElement) ?? [];
        var body = new RegistrationDto(id.ToString(CultureInfo.InvariantCulture), outputs, registration.Seconds, registration.OutputBytes,
            CreditAmounts.ToCredits(registration.Charged), CreditAmounts.ToCredits(reservation is null ? 0 : reservation.Amount - registration.Charged),
            JobMapper.Time(registration.RegisteredAt))
        {
            WorkspaceId = reservation?.Workspace,
            Workspace = outcome.Workspace is { } w ? WorkspacesApi.ToDto(w) : null,
            MeasuredCpuSeconds = registration.CpuSeconds,
        };
        return new StoredAnswer(200, null, JsonSerializer.Serialize(body, GeoperaJson.Wire.RegistrationDto));
    }
}
