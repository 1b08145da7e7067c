using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// GET /v1/jobs/{id}/progress: amp's job progress shape (job_id, status, tables keyed by name), a table being an
// output the job writes. Found, scoped and refused exactly as GET /v1/jobs/{id}.
internal sealed partial class JobsApi
{
    public async Task<IResult> ProgressAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        // The attempt the status belongs to: a retry shows its own outputs only, not its predecessor's.
        var outputs = await ledger.GetOutputsAsync(job.Id, job.Attempt).ConfigureAwait(false);
        var tables = outputs.ToDictionary(
            o => o.Name,
            o => new OutputProgressDto(o.BytesWritten, o.BlocksDone, o.BlocksTotal, o.Files, JobMapper.Time(o.UpdatedAt)),
            StringComparer.Ordinal);
        return Results.Json(new JobProgressDto(job.Id, job.JobState.Name(), tables), RestJson.Wire.JobProgressDto);
    }
}
