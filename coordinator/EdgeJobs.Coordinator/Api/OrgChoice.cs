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
    /// <returns>The org, or null with the problem when the name is malformed.</returns>
    public static (string? Org, IResult? Problem) Of(Principal principal, string? named, string field)
    {
        if (named is not null && !Orgs.IsValid(named))
        {
            return (null, Problems.InvalidBody([new EdgeJobs.Protocol.Rest.ViolationDto(field, "must be 1-63 of a-z, 0-9 and '-', starting with a letter or digit")]));
        }

        return (principal.IsGlobal ? named ?? Orgs.Default : named is null || named == principal.Org ? principal.Org! : null, null);
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
