using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// The job a request names, as its caller may reach it — one rule for every front door (REST v1, tiles, the seed APIs):
/// a job the caller may not see (another org's) is a 404 like one that does not exist, never a hint that it does; one it
/// sees but may not touch is a 403 <c>not_yours</c>.
/// </summary>
internal static class JobAccess
{
    /// <summary>As below, for an id as the URL gives it: 400 <c>invalid_id</c> when it is not one.</summary>
    public static Task<(JobRow? Job, IResult? Problem)> FindAsync(JobLedger ledger, HttpContext http, string rawId,
        Func<Principal, JobRow, bool>? allowed, bool hideSteps = false) => JobIds.TryParse(rawId, out var id)
        ? FindAsync(ledger, http, id, allowed, hideSteps)
        : Task.FromResult<(JobRow?, IResult?)>((null, Problems.InvalidId(rawId)));

    /// <param name="allowed">What the caller must be allowed beyond seeing the job; null for seeing it only.</param>
    /// <param name="hideSteps">A recipe's step jobs do not exist through this door (the seed APIs know only whole jobs).</param>
    /// <param name="notFound">The 404 of a front door whose document says it its own way; REST v1's by default.</param>
    public static async Task<(JobRow? Job, IResult? Problem)> FindAsync(JobLedger ledger, HttpContext http, long id,
        Func<Principal, JobRow, bool>? allowed, bool hideSteps = false, Func<long, IResult>? notFound = null)
    {
        var job = await ledger.GetJobAsync(id).ConfigureAwait(false);
        var principal = ScopeFilter.Current(http);
        if (job is null || !principal.Sees(job) || (hideSteps && job.StepId is not null))
        {
            return (null, (notFound ?? Problems.JobNotFound)(id));
        }

        return allowed is null || allowed(principal, job) ? (job, null) : (null, Problems.NotYours(id));
    }

    /// <summary>Its owner, or an admin of its org: who may stop, delete or read the output of a job.</summary>
    public static bool MayAct(Principal principal, JobRow job) => principal.MayActOn(job);
}
