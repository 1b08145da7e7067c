using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

// GET /ogcapi/jobs, GET /ogcapi/jobs/{jobId}, GET /ogcapi/jobs/{jobId}/results, DELETE /ogcapi/jobs/{jobId}: the ledger's
// jobs in OGC's words. Every job the caller sees is listed, whichever front door it came through.
internal sealed partial class OgcApi
{
    /// <summary>Jobs per page without <c>limit</c> (the standard's default).</summary>
    public const int DefaultLimit = 10;

    /// <summary>processIDs one job list may name (the catalog's size, generously).</summary>
    private const int MaxProcessIds = 100;

    /// <summary>
    /// <c>GET /ogcapi/jobs</c> (job-list): newest first; <c>status</c> and <c>processID</c> (up to 100) as comma lists or repeated,
    /// <c>type=process</c>, <c>limit</c> 1..1000 (default 10), <c>cursor</c> from the <c>next</c> link. A writer sees its
    /// own jobs, an admin its org's.
    /// </summary>
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("status" or "type" or "processID" or "limit" or "cursor" or "f"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a parameter of /jobs; use status, type, processID, limit or cursor");
            }
        }

        if (FormatProblem(http) is { } formatProblem)
        {
            return formatProblem;
        }

        var states = new List<JobState>();
        foreach (var name in Values(query["status"]))
        {
            if (OgcStates.States(name) is not { } named)
            {
                return Problems.InvalidQuery("status", $"'{Problems.Truncate(name)}' is not a status; use {string.Join(", ", OgcStates.Names)}");
            }

            states.AddRange(named);
        }

        foreach (var type in Values(query["type"]))
        {
            if (type != "process")
            {
                return Problems.InvalidQuery("type", $"'{Problems.Truncate(type)}' is not a job type here; every job is of type 'process'");
            }
        }

        var processIds = Values(query["processID"]).Distinct(StringComparer.Ordinal).ToList();
        if (processIds.Count > MaxProcessIds)
        {
            return Problems.InvalidQuery("processID", $"at most {MaxProcessIds} processIDs at once");
        }

        var (limit, cursor, pageProblem) = PageQuery.Read(query, DefaultLimit, JobsApi.MaxLimit);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var principal = ScopeFilter.Current(http);
        var page = await ledger.ListJobsAsync(new JobQuery
        {
            States = states.Count == 0 ? JobStates.All : [.. states.Distinct()],
            Tools = processIds.Count == 0 ? null : processIds,
            Owner = principal.IsAdmin ? null : principal.Name,
            Org = principal.Org,
            Cursor = cursor,
            Limit = limit,
        }).ConfigureAwait(false);
        var links = OgcLinks.Of(http);
        var self = links.Base + "/jobs" + http.Request.QueryString;
        var pageLinks = new List<OgcLink> { new(self, "self", OgcLinks.Json, "This page") };
        if (page.NextCursor is { } next)
        {
            var rest = query.Where(q => q.Key is not ("cursor")).SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"));
            pageLinks.Add(new OgcLink($"{links.Base}/jobs?{string.Join('&', rest.Append($"cursor={next}"))}", "next", OgcLinks.Json, "The next page"));
        }

        return Results.Json(new OgcJobList([.. page.Jobs.Select(j => StatusOf(j, links))], pageLinks), OgcJson.Wire.OgcJobList);
    }

    /// <summary><c>GET /ogcapi/jobs/{jobId}</c>: the statusInfo; 404 <c>no-such-job</c> (also another org's).</summary>
    public async Task<IResult> StatusAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindAsync(http, rawId).ConfigureAwait(false);
        return job is null ? problem! : Results.Json(StatusOf(job, OgcLinks.Of(http)), OgcJson.Wire.OgcStatusInfo);
    }

    /// <summary>
    /// <c>DELETE /ogcapi/jobs/{jobId}</c> (dismiss): an active job is stopped (its agent stops the tool within a second), a
    /// finished one is removed with its log and artifact; 200 with its statusInfo, <c>dismissed</c>. A job dismissed before
    /// is gone: 410.
    /// </summary>
    public async Task<IResult> DismissAsync(HttpContext http, string rawId)
    {
        var (job, problem) = await FindAsync(http, rawId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var links = OgcLinks.Of(http);
        if (job.JobState == JobState.Stopped)
        {
            return Gone(job.Id);
        }

        if (job is { StepId: { } step, ParentId: { } recipeJob })
        {
            return Problems.Of(409, "step_job", "A step of a recipe job",
                $"job {job.Id} runs step '{step}' of recipe job {recipeJob}; dismiss that job instead", state: OgcStates.Of(job.JobState));
        }

        if (!job.JobState.IsTerminal())
        {
            await jobs.StopAndPushAsync(job.Id, ScopeFilter.Current(http).Name).ConfigureAwait(false);
            var now = await ledger.GetJobAsync(job.Id).ConfigureAwait(false) ?? job;
            return Results.Json(StatusOf(now, links), OgcJson.Wire.OgcStatusInfo);
        }

        // A finished job: dismissing it removes it and its results, as the standard says.
        var deleted = await jobs.DeleteFinishedAsync(job).ConfigureAwait(false);
        return deleted.Outcome == TransitionOutcome.Ok
            ? Results.Json(StatusOf(job, links) with { Status = "dismissed", Links = [] }, OgcJson.Wire.OgcStatusInfo)
            : OgcProblems.NoSuchJob(job.Id);
    }

    private static IResult Gone(long id) => Problems.Of(410, "job_dismissed", "Job dismissed", $"job {id} was dismissed; it has no results");

    /// <summary>The job in OGC's words, with links to itself and, once it succeeded, its results.</summary>
    internal static OgcStatusInfo StatusOf(JobRow job, OgcLinks links)
    {
        var status = OgcStates.Of(job.JobState);
        var jobLinks = new List<OgcLink> { new(links.Job(job.Id), "self", OgcLinks.Json, "This job") };
        if (status == "successful")
        {
            jobLinks.Add(new OgcLink(links.Results(job.Id), OgcLinks.RelResults, OgcLinks.Json, "Its results"));
        }

        var percent = job.JobState == JobState.Completed ? 100 : job.ProgressPercent ?? 0;
        return new OgcStatusInfo
        {
            ProcessId = job.Tool,
            JobId = job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Status = status,
            // The error once it failed, the phase while it runs; a finished job's last phase ("flushing") would only mislead.
            Message = job.ErrorCode is { } code ? job.ErrorMessage ?? code : job.JobState.IsTerminal() ? null : job.ProgressPhase,
            Created = JobMapper.Time(job.CreatedAt),
            Started = job.StartedAt is { } started ? JobMapper.Time(started) : null,
            Finished = job.FinishedAt is { } finished ? JobMapper.Time(finished) : null,
            Updated = JobMapper.Time(job.UpdatedAt),
            Progress = (int)Math.Clamp(Math.Floor(percent), 0, 100),
            Links = jobLinks,
        };
    }

    /// <summary>
    /// A job the caller may read and act on, as <c>/v1/jobs/{id}</c> finds it: 404 a malformed id or none (or another org's,
    /// never a hint), 403 another owner's.
    /// </summary>
    private Task<(JobRow? Job, IResult? Problem)> FindAsync(HttpContext http, string rawId) => JobIds.TryParse(rawId, out var id)
        ? JobAccess.FindAsync(ledger, http, id, JobAccess.MayAct, notFound: OgcProblems.NoSuchJob)
        : Task.FromResult<(JobRow?, IResult?)>((null, OgcProblems.NoSuchJob(rawId)));

    private static IEnumerable<string> Values(Microsoft.Extensions.Primitives.StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
