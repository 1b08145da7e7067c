using EdgeJobs.Coordinator.Api;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// Endpoint filter: 401 when the bearer token is missing or unknown ("who are you"), 403 when it is
/// valid but lacks the scope ("not allowed"). Runs before any input is looked at, so an unauthenticated
/// caller learns nothing about ids or bodies. Without an Authorization header, the dashboard's session cookie
/// (<see cref="DashboardSessions"/>) stands for the token it was opened with; a change made through it must also
/// carry the session's CSRF header (403 <c>csrf_token_missing</c> otherwise, before anything is read).
/// </summary>
internal sealed class ScopeFilter(TokenCache tokens, string scope, string? alternativeScope = null) : IEndpointFilter
{
    /// <summary>
    /// A route anyone may call, whose answer may depend on who calls (a public campaign's aggregate): without an
    /// Authorization header it runs with no principal (<see cref="CurrentOrNull"/>); with one, the token must be
    /// known (401 otherwise). Scopes are the route's own to check.
    /// </summary>
    public static ScopeFilter Optional(TokenCache tokens) => new(tokens, "") { _optional = true };

    private bool _optional;

    /// <summary>
    /// A route whose scope depends on what the request asks (Geopera's <c>/v1/op/{operation_id}</c>): a known token is
    /// required (401 otherwise), and the route checks the scope of the operation it resolves with <see cref="Forbidden"/>.
    /// </summary>
    public static ScopeFilter Authenticated(TokenCache tokens) => new(tokens, "") { _anyScope = true };

    private bool _anyScope;

    /// <summary>The 403 of a caller that lacks <paramref name="scope"/>, for routes that check it themselves.</summary>
    public static IResult? Forbidden(Principal principal, string scope, string? what = null) => principal.Has(scope)
        ? null
        : Problems.Forbidden($"this token lacks the scope '{scope}'{(what is null ? "" : " " + what)}");

    private const string PrincipalKey = "edgejobs.principal";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        Principal? principal;
        if (http.Request.Headers.Authorization.Count == 0 && http.Request.Cookies[DashboardSessions.CookieName] is { } cookie)
        {
            // The dashboard's session cookie, only when no bearer token is sent: a bearer token is judged exactly as before.
            var session = tokens.Sessions.Find(cookie);
            if (session is null)
            {
                // A stale cookie on a route anyone may call is no caller at all, as no header would be.
                return _optional
                    ? await next(context).ConfigureAwait(false)
                    : Problems.Unauthorized("the dashboard session expired or was signed out; sign in again");
            }

            if (!IsSafe(http.Request.Method) && !DashboardSessions.CsrfMatches(session, http.Request.Headers[DashboardSessions.CsrfHeader]))
            {
                return Problems.Of(403, "csrf_token_missing", "Not allowed",
                    $"a change made with the dashboard's session cookie must carry the session's '{DashboardSessions.CsrfHeader}' header");
            }

            principal = await tokens.FindByHashAsync(session.TokenHash).ConfigureAwait(false);
            if (principal is null)
            {
                return Problems.Unauthorized("the token this session was opened with is not known any more or was revoked");
            }
        }
        else
        {
            if (_optional && http.Request.Headers.Authorization.Count == 0)
            {
                return await next(context).ConfigureAwait(false);
            }

            var secret = BearerSecret(http.Request.Headers.Authorization.ToString());
            if (secret is null)
            {
                return Problems.Unauthorized("send 'Authorization: Bearer TOKEN'");
            }

            principal = await tokens.FindAsync(secret).ConfigureAwait(false);
            if (principal is null)
            {
                return Problems.Unauthorized("the bearer token is not known or was revoked");
            }
        }

        if (!_optional && !_anyScope && !principal.Has(scope) && (alternativeScope is null || !principal.Has(alternativeScope)))
        {
            var needed = alternativeScope is null ? $"'{scope}'" : $"'{scope}' or '{alternativeScope}'";
            return Problems.Forbidden($"this token lacks the scope {needed}");
        }

        http.Items[PrincipalKey] = principal;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>Methods that change nothing, which a session may send without its CSRF header.</summary>
    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    public static Principal Current(HttpContext http) =>
        http.Items[PrincipalKey] as Principal ?? throw new InvalidOperationException("endpoint has no scope filter");

    /// <summary>The caller of a route with an <see cref="Optional"/> filter; null when it sent no token.</summary>
    public static Principal? CurrentOrNull(HttpContext http) => http.Items[PrincipalKey] as Principal;

    private static string? BearerSecret(string header)
    {
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var secret = header[bearer.Length..].Trim();
        return secret.Length is 0 or > 200 ? null : secret;
    }
}
