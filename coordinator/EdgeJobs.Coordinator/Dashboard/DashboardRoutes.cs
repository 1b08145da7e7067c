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

        // The page's own links are relative, so it must be addressed as a folder.
        app.MapGet("/ui", () => Results.Redirect("/ui/"));
        app.MapGet("/ui/", (HttpContext http) => assets.Serve(http, "index.html"));
        app.MapGet("/ui/{name}", (HttpContext http, string name) => assets.Serve(http, name));

        app.MapPost("/ui/session", (HttpRequest request) => sessions.SignInAsync(request.HttpContext));
        app.MapGet("/ui/session", (HttpRequest request) => sessions.CurrentAsync(request.HttpContext));
        app.MapDelete("/ui/session", (HttpContext http) => sessions.SignOut(http));
    }
}
