using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// Earlier steps' artifacts, read by the agent running a recipe's step job: the URL's lease token is the credential
// (as for dataset inputs), so GDAL's /vsicurl/ and a plain download need no header, and it dies with the lease.
internal sealed partial class JobsApi
{
    /// <summary>
    /// <c>GET|HEAD /v1/leases/{token}/steps/{step}/{file}</c>: the artifact of step <c>step</c> of the recipe job whose
    /// step job the token was issued for, while its lease holds, and only a step it depends on. 404 for a token that is
    /// not one and for a step it does not depend on; 403 for a lease that ended.
    /// </summary>
    public async Task<IResult> LeaseStepArtifactAsync(LeaseTokens tokens, string token, string stepId)
    {
        if (!tokens.TryRead(token, out var jobId, out var fence))
        {
            return Problems.Of(404, "lease_not_found", "No such lease", "the URL's lease token is not valid");
        }

        var job = await ledger.GetJobAsync(jobId).ConfigureAwait(false);
        if (job is not { StepId: { } ownStep, ParentId: { } recipeJobId } || job.Fence != fence || job.LeaseNodeId is null || job.JobState.IsTerminal())
        {
            return Problems.Of(403, "lease_not_held", "Lease not held", $"the lease this URL was issued for (job {jobId}, fence {fence}) is no longer held");
        }

        var inputs = await ledger.GetStepInputsAsync(recipeJobId, ownStep).ConfigureAwait(false);
        var input = inputs.FirstOrDefault(i => i.StepId == stepId);
        if (input.Job is null)
        {
            return Problems.Of(404, "not_an_input", "Not an input", $"step '{Problems.Truncate(stepId)}' is not a step that step '{ownStep}' depends on");
        }

        return await ArtifactFileAsync(input.Job).ConfigureAwait(false);
    }
}
