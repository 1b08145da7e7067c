using System.Text.Json.Nodes;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

// GET /ogcapi/jobs/{jobId}/results: a successful job's outputs (results.yaml), read from its artifact.
internal sealed partial class OgcApi
{
    /// <summary>
    /// <c>GET /ogcapi/jobs/{jobId}/results</c>: 200 the results document; 404 <c>result-not-ready</c> while it runs, 500
    /// with the job's error once it failed, 410 once it was dismissed or its artifact expired.
    /// </summary>
    public async Task<IResult> ResultsAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        if (job.JobState != JobState.Completed)
        {
            return job.JobState.IsTerminal() ? EndedWithout(job) : OgcProblems.ResultNotReady(job.Id, OgcStates.Of(job.JobState));
        }

        var (results, resultsProblem) = await ResultsOfAsync(job, OgcLinks.Of(http)).ConfigureAwait(false);
        return results is null ? resultsProblem! : Results.Json(results, OgcJson.Wire.JsonObject);
    }

    /// <summary>A job that ended without results: dismissed (410), or failed (500 with its error, as the standard says).</summary>
    private static IResult EndedWithout(JobRow job) => job.JobState == JobState.Stopped
        ? Gone(job.Id)
        : Problems.Of(500, "job_failed", "The job failed", $"job {job.Id} failed: {job.ErrorMessage ?? job.ErrorCode ?? "no reason recorded"}",
            state: OgcStates.Of(job.JobState));

    /// <summary>
    /// A completed job's outputs: <c>echo</c>'s string read back from its artifact; any other artifact as a link; nothing
    /// for a tool that makes none. 410 once the artifact expired (<c>--artifact-ttl</c>).
    /// </summary>
    private async Task<(JsonObject? Results, IResult? Problem)> ResultsOfAsync(JobRow job, OgcLinks links)
    {
        var results = new JsonObject();
        var tool = catalog.Find(job.Tool, job.ToolVersion);
        if (tool is not { ProducesArtifact: true } || await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false) is not { } artifact)
        {
            return (results, null);
        }

        if (!artifact.IsKeptAt(ledger.Now()) || !File.Exists(artifact.Path))
        {
            return (null, Problems.Of(410, "artifact_expired", "Artifact expired",
                $"the results of job {job.Id} expired at {JobMapper.Time(artifact.ExpiresAt):u}; execute the process again to get them"));
        }

        if (OgcProcesses.ByValue(tool))
        {
            results[OgcProcesses.EchoOutput] = await File.ReadAllTextAsync(artifact.Path).ConfigureAwait(false);
            return (results, null);
        }

        var name = Path.GetFileName(artifact.Path);
        results[OgcProcesses.ArtifactOutput] = new JsonObject
        {
            ["href"] = links.Artifact(job.Id),
            ["rel"] = "enclosure",
            ["type"] = MediaTypes.Of(name),
            ["title"] = name,
        };
        return (results, null);
    }
}
