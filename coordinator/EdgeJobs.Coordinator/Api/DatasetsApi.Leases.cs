using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// Inputs read by agents that do not mount the datasets: GDAL's /vsicurl/ on a URL whose lease token is the only
// credential, so GDAL needs no header configuration and the token never outlives the lease.
internal sealed partial class DatasetsApi
{
    /// <summary>
    /// <c>GET|HEAD /v1/leases/{token}/files/{path}</c>: an input of the job the token was issued for, while its lease
    /// holds (same fence, not ended), and only a path its params name as an input. 404 for a token that is not one
    /// (nothing is revealed), 403 for a lease that ended, 404 for a path that is not one of its inputs (GDAL probes for side-car files).
    /// </summary>
    public async Task<IResult> LeaseFileAsync(HttpContext http, LeaseTokens tokens, ToolCatalog catalog, string token, string? rawPath)
    {
        if (!tokens.TryRead(token, out var jobId, out var fence))
        {
            return Problems.Of(404, "lease_not_found", "No such lease", "the URL's lease token is not valid");
        }

        var job = await ledger.GetJobAsync(jobId).ConfigureAwait(false);
        if (job is null || job.Dataset is null || job.Fence != fence || job.LeaseNodeId is null || job.JobState.IsTerminal())
        {
            return Problems.Of(403, "lease_not_held", "Lease not held", $"the lease this URL was issued for (job {jobId}, fence {fence}) is no longer held");
        }

        // GDAL lists the input's folder (files/) for side-car files on open: there is nothing to list.
        if (string.IsNullOrEmpty(rawPath))
        {
            return Problems.Of(404, "not_an_input", "Not an input", "a lease URL serves its job's input files, not folders");
        }

        if ((DatasetPaths.Check(rawPath, out var path) ?? ThroughLink(job.Org, job.Dataset, path)) is { } reason)
        {
            return InvalidPath("path", rawPath, reason);
        }

        var inputs = catalog.Find(job.Tool, job.ToolVersion)?.InputPaths(job.Params) ?? [];
        if (!inputs.Any(i => DatasetPaths.Check(i.RelativePath, out var input) is null && input == path))
        {
            return Problems.Of(404, "not_an_input", "Not an input", $"'{Problems.Truncate(path)}' is not an input of job {jobId}");
        }

        return await ServeAsync(http, job.Org, job.Dataset, path).ConfigureAwait(false);
    }
}
