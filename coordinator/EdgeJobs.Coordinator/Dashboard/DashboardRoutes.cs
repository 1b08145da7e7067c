using EdgeJobs.Coordinator.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Dashboard;

/// <summary>The dashboard's routes (README "Dashboard"): its files under <c>/ui/</c> and its sign-in at <c>/ui/session</c>.</summary>
internal static class DashboardRoutes
{
    public static void Map(WebApplication app, TokenCache tokens)
    {
        var assets = new DashboardAssets();
        var sessions = new SessionEndpoints(tokens);

        // One route for /ui, /ui/ and /ui/NAME (routing does not tell /ui from /ui/). The page's own links are relative,
        // so it must be addressed as a folder: /ui redirects to /ui/.
        app.MapGet("/ui/{name?}", (HttpContext http, string? name) => name is null
            ? http.Request.Path.Value!.EndsWith('/') ? assets.Serve(http, "index.html") : Results.Redirect("/ui/")
            : assets.Serve(http, name));

        app.MapPost("/ui/session", (HttpRequest request) => sessions.SignInAsync(request.HttpContext));
        app.MapGet("/ui/session", (HttpRequest request) => sessions.CurrentAsync(request.HttpContext));
        app.MapDelete("/ui/session", (HttpContext http) => sessions.SignOut(http));
    }
}
