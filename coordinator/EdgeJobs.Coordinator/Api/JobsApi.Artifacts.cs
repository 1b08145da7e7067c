using EdgeJobs.Coordinator.Ledger;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// GET /v1/jobs/{id}/artifact: the file, with its SHA-256 as the ETag; Range (206/416) and
// If-None-Match (304) as FileDownload answers them.
internal sealed partial class JobsApi
{
    public async Task<IResult> ArtifactAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindOwnAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        return await ArtifactFileAsync(job).ConfigureAwait(false);
    }

    /// <summary>The job's artifact as a download: 404 none, 410 expired; shared with the seed APIs' result routes.</summary>
    public async Task<IResult> ArtifactFileAsync(JobRow job)
    {
        var artifact = await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false);
        if (artifact is null)
        {
            return Problems.Of(404, "no_artifact", "No artifact", $"job {job.Id} has no artifact (yet)");
        }

        FileStream? file = null;
        if (artifact.IsKeptAt(ledger.Now()))
        {
            try
            {
                file = new FileStream(artifact.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                file = null;
            }
        }

        if (file is null)
        {
            return Problems.Of(410, "artifact_expired", "Artifact expired",
                $"the artifact of job {job.Id} expired at {JobMapper.Time(artifact.ExpiresAt):u}; run the job again to get it");
        }

        return new FileDownload(file, Path.GetFileName(artifact.Path), JobMapper.Time(artifact.CreatedAt), artifact.Sha256);
    }
}
