using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// The org a request about workspaces or projects means: the caller's own, or — for a global token, which belongs to
/// none — the one it names (<c>org</c> in the body or the query; <c>default</c> when it names none). An org token naming
/// another org is answered as if the thing did not exist there (404 by the caller), never told it exists.
/// </summary>
internal static class OrgChoice
{
    /// <summary>
    /// The checks every new org-owned thing (a workspace, a project) shares: its id is a slug, its title short, its org
    /// one the caller acts in. Adds a violation per bad field; returns the org, null when it is not one.
    /// </summary>
    public static string? CheckNew(Principal principal, string? id, string? title, string? named, List<EdgeJobs.Protocol.Rest.ViolationDto> violations)
    {
        if (!Slugs.IsValid(id))
        {
            violations.Add(new EdgeJobs.Protocol.Rest.ViolationDto("$.id", Slugs.Rule));
        }

        if (title is { Length: > 200 })
        {
            violations.Add(new EdgeJobs.Protocol.Rest.ViolationDto("$.title", "must be at most 200 characters"));
        }

        if (named is not null && !Orgs.IsValid(named))
        {
            violations.Add(new EdgeJobs.Protocol.Rest.ViolationDto("$.org", "must be 1-63 of a-z, 0-9 and '-', starting with a letter or digit"));
            return null;
        }

        var org = principal.IsGlobal ? named ?? Orgs.Default : named is null || named == principal.Org ? principal.Org! : null;
        if (org is null)
        {
            violations.Add(new EdgeJobs.Protocol.Rest.ViolationDto("$.org", $"this token acts in org '{principal.Org}' only"));
        }

        return org;
    }

    /// <summary>The org of a read or change by id, from <c>?org=</c>.</summary>
    public static (string? Org, IResult? Problem) FromQuery(HttpContext http)
    {
        var named = http.Request.Query["org"].ToString() is { Length: > 0 } org ? org : null;
        if (named is not null && !Orgs.IsValid(named))
        {
            return (null, Problems.InvalidQuery("org", "must be 1-63 of a-z, 0-9 and '-', starting with a letter or digit"));
        }

        var principal = ScopeFilter.Current(http);
        return (principal.IsGlobal ? named ?? Orgs.Default : named is null || named == principal.Org ? principal.Org! : null, null);
    }
}
