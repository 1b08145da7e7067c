using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Projects (design §8.1, README "Credits"): <c>POST /v1/projects</c> makes one (its creator is its first member),
/// <c>GET /v1/projects/{id}</c> reads it with its members, <c>PUT|DELETE /v1/projects/{id}/members/{name}</c> adds or
/// removes a token (by name) — the creator's or an admin's to do. A member reads every job of the project; a job joins
/// one at submit (<c>project</c>). A project the caller is not a member of reads as absent (404), as another org's does.
/// </summary>
internal sealed class ProjectsApi(JobLedger ledger)
{
    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CreateProjectRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var principal = ScopeFilter.Current(http);
        var violations = new List<ViolationDto>();
        var org = OrgChoice.CheckNew(principal, request.Id, request.Title, request.Org, violations);
        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var (created, row) = await ledger.CreateProjectAsync(org!, request.Id, request.Title, principal.Name).ConfigureAwait(false);
        if (!created)
        {
            return Problems.Of(409, "project_exists", "Project exists", $"org '{org}' has a project '{request.Id}' already");
        }

        return Results.Json(await ToDtoAsync(row).ConfigureAwait(false), RestJson.Wire.ProjectDto, statusCode: 201);
    }

    public async Task<IResult> GetAsync(HttpContext http, string id)
    {
        var (row, problem) = await FindAsync(http, id).ConfigureAwait(false);
        return row is null ? problem! : Results.Json(await ToDtoAsync(row).ConfigureAwait(false), RestJson.Wire.ProjectDto);
    }

    public async Task<IResult> SetMemberAsync(HttpContext http, string id, string member, bool remove)
    {
        var (row, problem) = await FindAsync(http, id).ConfigureAwait(false);
        if (row is null)
        {
            return problem!;
        }

        var principal = ScopeFilter.Current(http);
        if (!principal.IsAdmin && row.CreatedBy != principal.Name)
        {
            return Problems.Of(403, "forbidden", "Forbidden", $"only project '{id}''s creator ('{row.CreatedBy}') or an admin changes its members");
        }

        if (member.Length is 0 or > 200 || member.Any(char.IsControl))
        {
            return Problems.Of(400, "invalid_member", "Invalid member", "a member is a token's name: 1-200 characters, no control characters");
        }

        await ledger.SetProjectMemberAsync(row.Org, id, member, remove).ConfigureAwait(false);
        return Results.Json(await ToDtoAsync(row).ConfigureAwait(false), RestJson.Wire.ProjectDto);
    }

    /// <summary>The project the caller means and may see: a member's, or any of its org's for an admin; otherwise a 404.</summary>
    internal async Task<(ProjectRow? Project, IResult? Problem)> FindAsync(HttpContext http, string id)
    {
        foreach (var key in http.Request.Query.Keys)
        {
            if (key != "org")
            {
                return (null, Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a parameter here; use org"));
            }
        }

        if (!Slugs.IsValid(id))
        {
            return (null, Problems.Of(400, "invalid_project_id", "Invalid project id", $"a project id {Slugs.Rule}"));
        }

        var (org, problem) = OrgChoice.FromQuery(http);
        if (problem is not null)
        {
            return (null, problem);
        }

        var principal = ScopeFilter.Current(http);
        var row = org is null ? null : await ledger.GetProjectAsync(org, id).ConfigureAwait(false);
        var visible = row is not null && (principal.IsAdmin || await ledger.IsProjectMemberAsync(row.Org, id, principal.Name).ConfigureAwait(false));
        return visible ? (row, null) : (null, NotFound(id));
    }

    private async Task<ProjectDto> ToDtoAsync(ProjectRow row) => new(row.Id, row.Org, row.Title, JobMapper.Time(row.CreatedAt), row.CreatedBy,
        await ledger.ProjectMembersAsync(row.Org, row.Id).ConfigureAwait(false));

    internal static IResult NotFound(string id) =>
        Problems.Of(404, "project_not_found", "No such project", $"project '{Problems.Truncate(id)}' does not exist");
}
