using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Dashboard;

/// <summary>
/// <c>/ui/session</c>: sign in with a token (the page never keeps it: it is exchanged here for an HttpOnly,
/// SameSite=Strict cookie naming a server-side session), ask who is signed in, sign out.
/// </summary>
internal sealed class SessionEndpoints(TokenCache tokens)
{
    private DashboardSessions Sessions => tokens.Sessions;

    public async Task<IResult> SignInAsync(HttpContext http)
    {
        // A JSON body only (415 otherwise): a cross-site form cannot send one without a CORS preflight it would fail.
        var (request, problem) = await RequestBody.ReadAsync(http, RestJson.Wire.SessionRequest).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var secret = request!.Token.Trim();
        var principal = secret.Length is 0 or > 200 ? null : await tokens.FindAsync(secret).ConfigureAwait(false);
        if (principal is null)
        {
            return Problems.Unauthorized("the token is not known or was revoked");
        }

        // An agent's token runs jobs; it has nothing to look at here.
        if (!principal.Has(Scopes.JobsRead) && !principal.Has(Scopes.JobsWrite) && !principal.Has(Scopes.DatasetsRead))
        {
            return Problems.Forbidden("this token has no scope the dashboard shows (jobs:read, jobs:write or datasets:read)");
        }

        if (Sessions.Open(TokenSecrets.Hash(secret)) is not { } opened)
        {
            return Problems.Of(503, "too_many_sessions", "Too many sessions", "too many dashboard sessions are open; try again later");
        }

        http.Response.Cookies.Append(DashboardSessions.CookieName, opened.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = DashboardSessions.Lifetime,
        });
        return Answer(http, principal, opened.Session);
    }

    /// <summary>Who is signed in: 200 either way (a signed-out page asks this first and must not log an error).</summary>
    public async Task<IResult> CurrentAsync(HttpContext http)
    {
        var session = Sessions.Find(http.Request.Cookies[DashboardSessions.CookieName]);
        var principal = session is null ? null : await tokens.FindByHashAsync(session.TokenHash).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        return principal is null ? Results.Json(new SessionDto(false), RestJson.Wire.SessionDto) : Answer(http, principal, session!);
    }

    public IResult SignOut(HttpContext http)
    {
        if (http.Request.Cookies[DashboardSessions.CookieName] is { } id && Sessions.Find(id) is { } session)
        {
            // Another site must not be able to sign a user out either.
            if (!DashboardSessions.CsrfMatches(session, http.Request.Headers[DashboardSessions.CsrfHeader]))
            {
                return Problems.Of(403, "csrf_token_missing", "Not allowed", $"signing out must carry the session's '{DashboardSessions.CsrfHeader}' header");
            }

            Sessions.Close(id);
        }

        http.Response.Cookies.Delete(DashboardSessions.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps });
        return Results.NoContent();
    }

    // The answer holds the CSRF value: never kept by a cache.
    private static IResult Answer(HttpContext http, Principal principal, DashboardSessions.Session session)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new SessionDto(true, principal.Name, principal.Org, [.. principal.Scopes.Order(StringComparer.Ordinal)], session.Csrf, session.ExpiresAt),
            RestJson.Wire.SessionDto);
    }
}
