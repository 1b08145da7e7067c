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
    private const string PrincipalKey = "edgejobs.principal";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
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

        if (!principal.Has(scope) && (alternativeScope is null || !principal.Has(alternativeScope)))
        {
            var needed = alternativeScope is null ? $"'{scope}'" : $"'{scope}' or '{alternativeScope}'";
            return Problems.Forbidden($"this token lacks the scope {needed}");
        }

        http.Items[PrincipalKey] = principal;
        return await next(context).ConfigureAwait(false);
    }

    public static Principal Current(HttpContext http) =>
        http.Items[PrincipalKey] as Principal ?? throw new InvalidOperationException("endpoint has no scope filter");

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
