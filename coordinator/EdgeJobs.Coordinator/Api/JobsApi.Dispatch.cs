using System.Text.Json;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// Dispatch: a held job (submitted with hold, Geopera's create) joins the queue (design §8.5).
internal sealed partial class JobsApi
{
    /// <summary><c>POST /v1/jobs/{id}/dispatch</c>: 200 with the job, scheduled now (or as it was, if already dispatched); 409 when it ended.</summary>
    public async Task<IResult> DispatchAsync(HttpContext http, string rawId)
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

        var dispatched = await DispatchAsync(job.Id, idempotency, ScopeFilter.Current(http).Name, t => DispatchAnswer(job.Id, t)).ConfigureAwait(false);
        return IdempotencyKeys.Answer(dispatched.Result, dispatched.Answer, options.Quotas.RetryAfter);
    }

    /// <summary>Dispatches a held job and wakes the dispatcher when it ran now; for the other front doors too.</summary>
    internal async Task<Idempotent<Transition>> DispatchAsync(long jobId, IdempotencyRequest? idempotency, string by, Func<Transition, StoredAnswer> answer)
    {
        var dispatched = await ledger.DispatchAsync(jobId, idempotency, answer).ConfigureAwait(false);
        if (dispatched.RanNow(out var transition) && transition is { IsOk: true, Job: { JobState: JobState.Scheduled } row })
        {
            logger.JobDispatched(row.Id, by);
            dispatcher.Kick();
        }

        return dispatched;
    }

    private static StoredAnswer DispatchAnswer(long id, Transition dispatched) => dispatched.Outcome switch
    {
        TransitionOutcome.NotFound => new StoredAnswer(404, null, JsonSerializer.Serialize(
            Problems.Dto(404, "job_not_found", "No such job", $"job {id} does not exist"), RestJson.Wire.ProblemDto)),
        TransitionOutcome.Conflict => new StoredAnswer(409, null, JsonSerializer.Serialize(
            Problems.Dto(409, "job_not_held", "Job not held", $"job {id} is {dispatched.State!.Value.Name()}: only a held job is dispatched") with
            { State = dispatched.State!.Value.Name() }, RestJson.Wire.ProblemDto)),
        _ => JobAnswer(200, dispatched.Job!),
    };
}
