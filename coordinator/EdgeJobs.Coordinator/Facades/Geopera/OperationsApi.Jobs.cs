using System.Globalization;
using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Geopera;

// Reading and deleting processing jobs. "Org-scoped" as the document says: a processing:read token reads every job of
// its org (a global token every org's); a project's jobs are its members'. Another org's job is a 404, never a hint.
internal sealed partial class OperationsApi
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;

    private async Task<IResult> GetJobAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessingJobInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (job, findProblem) = await FindAsync(http, input.JobId, act: false).ConfigureAwait(false);
        return job is null ? findProblem! : Json(await DetailAsync(job).ConfigureAwait(false), GeoperaJson.Wire.ProcessingJobDto);
    }

    /// <summary>A job of a project the caller is a member of (an admin: any of its org's projects); 404 otherwise.</summary>
    private async Task<IResult> GetProjectJobAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessingJobInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (job, findProblem) = await FindAsync(http, input.JobId, act: false).ConfigureAwait(false);
        if (job is null)
        {
            return findProblem!;
        }

        var principal = ScopeFilter.Current(http);
        var member = job.Project is { } project && (principal.IsAdmin || await _ledger.IsProjectMemberAsync(job.Org, project, principal.Name).ConfigureAwait(false));
        return member ? Json(await DetailAsync(job).ConfigureAwait(false), GeoperaJson.Wire.ProcessingJobDto) : Problems.JobNotFound(job.Id);
    }

    /// <summary><c>processing.job.delete</c>: as <c>DELETE /v1/jobs/{id}</c> (204; 409 while it runs: stop it first).</summary>
    private async Task<IResult> DeleteJobAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessingJobInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (_, idProblem) = JobId(input.JobId);
        return idProblem ?? await _jobs.DeleteAsync(http, input.JobId).ConfigureAwait(false);
    }

    private async Task<IResult> ListJobsAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.JobsListInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var violations = new List<ViolationDto>();
        var limit = input.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            violations.Add(new ViolationDto("$.limit", $"must be from 1 to {MaxLimit}"));
        }

        var page = input.Page ?? 1;
        if (page is < 1 or > 1_000_000)
        {
            violations.Add(new ViolationDto("$.page", "must be from 1 (the first page) to 1000000"));
        }

        var states = Statuses(input.Status, "$.status", violations);
        var ids = Ids(input.Ids, violations);
        var oldestFirst = input.Sort switch
        {
            null or "-created_at" => false,
            "created_at" => true,
            _ => Violation(violations, "$.sort", "must be 'created_at' (oldest first) or '-created_at' (newest first, the default)"),
        };
        if (input.WorkspaceId is { } workspace && !Slugs.IsValid(workspace))
        {
            violations.Add(new ViolationDto("$.workspaceId", Slugs.Rule));
        }

        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var (jobs, total) = await _ledger.QueryOrgJobsAsync(new OrgJobQuery
        {
            Org = ScopeFilter.Current(http).Org,
            Workspace = input.WorkspaceId,
            Tool = input.ProcessId,
            States = states,
            Ids = ids,
            Limit = limit,
            Offset = (page - 1) * limit,
            OldestFirst = oldestFirst,
        }).ConfigureAwait(false);
        return Json(new ProcessingJobListDto([.. jobs.Select(j => ToDto(j, null))], total, limit) { Page = page }, GeoperaJson.Wire.ProcessingJobListDto);
    }

    private async Task<IResult> ListProjectJobsAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProjectJobsInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var violations = new List<ViolationDto>();
        if (!Slugs.IsValid(input.ProjectId))
        {
            violations.Add(new ViolationDto("$.project_id", Slugs.Rule));
        }

        var limit = input.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            violations.Add(new ViolationDto("$.limit", $"must be from 1 to {MaxLimit}"));
        }

        var offset = input.Offset ?? 0;
        if (offset is < 0 or > 100_000_000)
        {
            violations.Add(new ViolationDto("$.offset", "must be from 0 to 100000000"));
        }

        var states = Statuses(input.Status, "$.status", violations);
        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var principal = ScopeFilter.Current(http);
        var org = principal.HomeOrg;
        var visible = await _ledger.GetProjectAsync(org, input.ProjectId).ConfigureAwait(false) is not null
            && (principal.IsAdmin || await _ledger.IsProjectMemberAsync(org, input.ProjectId, principal.Name).ConfigureAwait(false));
        if (!visible)
        {
            return ProjectsApi.NotFound(input.ProjectId);
        }

        var (jobs, total) = await _ledger.QueryOrgJobsAsync(new OrgJobQuery
        {
            Org = org,
            Project = input.ProjectId,
            Tool = input.JobTypeName,
            States = states,
            Limit = limit,
            Offset = offset,
        }).ConfigureAwait(false);
        return Json(new ProcessingJobListDto([.. jobs.Select(j => ToDto(j, null))], total, limit) { Offset = offset }, GeoperaJson.Wire.ProcessingJobListDto);
    }

    /// <summary>The job a body's <c>job_id</c> names, if the caller sees it (and, to <paramref name="act"/> on it, may act on it).</summary>
    private Task<(JobRow? Job, IResult? Problem)> FindAsync(HttpContext http, string rawId, bool act)
    {
        var (id, idProblem) = JobId(rawId);
        return idProblem is not null
            ? Task.FromResult<(JobRow?, IResult?)>((null, idProblem))
            : JobAccess.FindAsync(_ledger, http, id, act ? JobAccess.MayAct : null, hideSteps: true);
    }

    private static List<JobState> Statuses(string? list, string field, List<ViolationDto> violations)
    {
        if (list is null)
        {
            return [];
        }

        if (!GeoperaStates.TryParse(list, out var states, out var bad))
        {
            violations.Add(new ViolationDto(field, $"'{Problems.Truncate(bad ?? "")}' is not a status; use a comma list of {string.Join(", ", GeoperaStates.Names)}"));
        }

        return states;
    }

    private static List<long>? Ids(string? list, List<ViolationDto> violations)
    {
        if (list is null)
        {
            return null;
        }

        var ids = new List<long>();
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!JobIds.TryParse(raw, out var id))
            {
                violations.Add(new ViolationDto("$.ids", $"'{Problems.Truncate(raw)}' is not a job id; give a comma list of job ids"));
                return null;
            }

            ids.Add(id);
        }

        if (ids.Count > MaxLimit)
        {
            violations.Add(new ViolationDto("$.ids", $"names {ids.Count} jobs; at most {MaxLimit} at once"));
        }

        return ids;
    }

    private static bool Violation(List<ViolationDto> violations, string path, string reason)
    {
        violations.Add(new ViolationDto(path, reason));
        return false;
    }

    /// <summary>A job with what the lists leave out: its reservation, its settlement and the outputs register recorded.</summary>
    private async Task<ProcessingJobDto> DetailAsync(JobRow job)
    {
        var reservation = job.Workspace is null ? null : await _ledger.GetReservationAsync(job.Id).ConfigureAwait(false);
        var registration = await _ledger.GetRegistrationAsync(job.Id).ConfigureAwait(false);
        var artifact = job.JobState == JobState.Completed ? await _ledger.GetArtifactAsync(job.Id).ConfigureAwait(false) : null;
        return ToDto(job, artifact is null ? null : $"/v1/jobs/{job.Id}/artifact") with
        {
            ReservedCredits = reservation is { SettledAt: null } ? CreditAmounts.ToCredits(reservation.Amount) : reservation is null ? null : 0,
            ChargedCredits = reservation?.Charged is { } charged ? CreditAmounts.ToCredits(charged) : registration is null ? null : 0,
            Outputs = registration is null ? null : JsonSerializer.Deserialize(registration.Outputs, GeoperaJsonContext.Default.IReadOnlyListJsonElement),
        };
    }

    private static ProcessingJobDto ToDto(JobRow job, string? artifactUrl) => new(
        job.Id.ToString(CultureInfo.InvariantCulture), job.Tool, job.ToolVersion, GeoperaStates.Of(job.JobState),
        job.JobState == JobState.Completed ? 1 : (job.ProgressPercent ?? 0) / 100,
        JobMapper.Time(job.CreatedAt), job.StartedAt is { } s ? JobMapper.Time(s) : null, job.FinishedAt is { } f ? JobMapper.Time(f) : null, job.Owner)
    {
        WorkspaceId = job.Workspace,
        ProjectId = job.Project,
        Inputs = JsonElement.Parse(job.Params),
        Error = job.ErrorCode is { } code ? new ErrorDto(code, job.ErrorMessage, job.ErrorRetryable == 1) : null,
        ArtifactUrl = artifactUrl,
    };

    /// <summary>
    /// A completed job's raster output as a web map sees it: bounds in EPSG:4326, min and max zoom (from its native
    /// resolution), the tile URL template and each band's statistics (to style it: <c>rescale</c>).
    /// </summary>
    private async Task<IResult> TileInfoAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessingJobInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (job, findProblem) = await FindAsync(http, input.JobId, act: false).ConfigureAwait(false);
        if (job is null)
        {
            return findProblem!;
        }

        var (info, why) = await _tiles.InfoAsync(job).ConfigureAwait(false);
        return info is null ? why! : Results.Json(info, Tiles.TileJson.Default.TileInfo);
    }
}
