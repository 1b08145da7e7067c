using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Makes every failure a problem+json answer: unhandled exceptions become a logged 500 without internals,
/// and the framework's bare status codes (unknown route 404, wrong method 405) get a body and a code.
/// Refusals (4xx) are logged at warning level so an operator can see who is knocking.
/// </summary>
internal static class ErrorMiddleware
{
    public static void Use(WebApplication app, ILogger logger)
    {
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http).ConfigureAwait(false);
            }
            catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                logger.RequestFailed(e, http.Request.Method, http.Request.Path);
                http.Response.Clear();
                await Problems.Of(500, "internal_error", "Internal error", "the coordinator failed to answer; the error is in its log")
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            if (http.Response.StatusCode >= 400 && http.Response.StatusCode != 500)
            {
                logger.RequestRefused(http.Request.Method, http.Request.Path, http.Response.StatusCode);
            }
        });

        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var result = http.Response.StatusCode switch
            {
                404 => Problems.Of(404, "route_not_found", "No such endpoint", $"{http.Request.Method} {http.Request.Path} is not part of the API"),
                405 => Problems.Of(405, "method_not_allowed", "Method not allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}"),
                var status => Problems.Of(status, "http_" + status, "Request refused"),
            };
            await result.ExecuteAsync(http).ConfigureAwait(false);
        });
    }

}
