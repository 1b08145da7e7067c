using EdgeJobs.Coordinator.Api;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// Endpoint filter: 401 when the bearer token is missing or unknown ("who are you"), 403 when it is
/// valid but lacks the scope ("not allowed"). Runs before any input is looked at, so an unauthenticated
/// caller learns nothing about ids or bodies.
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
        if (_optional && http.Request.Headers.Authorization.Count == 0)
        {
            return await next(context).ConfigureAwait(false);
        }

        var secret = BearerSecret(http.Request.Headers.Authorization.ToString());
        if (secret is null)
        {
            return Problems.Unauthorized("send 'Authorization: Bearer TOKEN'");
        }

        var principal = await tokens.FindAsync(secret).ConfigureAwait(false);
        if (principal is null)
        {
            return Problems.Unauthorized("the bearer token is not known or was revoked");
        }

        if (!_optional && !_anyScope && !principal.Has(scope) && (alternativeScope is null || !principal.Has(alternativeScope)))
        {
            var needed = alternativeScope is null ? $"'{scope}'" : $"'{scope}' or '{alternativeScope}'";
            return Problems.Forbidden($"this token lacks the scope {needed}");
        }

        http.Items[PrincipalKey] = principal;
        return await next(context).ConfigureAwait(false);
    }

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
