using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

/// <summary>
/// Seed 003's routes (README "DroneDB Registry tasks") with the scopes each needs. A dataset's tasks are read with
/// <c>jobs:read</c> and <c>datasets:read</c>, changed with <c>jobs:write</c> and <c>datasets:read</c> (a task that writes
/// into the dataset also needs <c>datasets:write</c>, checked at submit); <c>/sys/tasks</c> needs <c>jobs:admin</c>.
/// Both filters run before anything is read, so a caller without a token learns nothing (401).
/// </summary>
internal static class TaskRoutes
{
    public static void Map(WebApplication app, TokenCache tokens, TasksApi tasks)
    {
        var jobsRead = new ScopeFilter(tokens, Scopes.JobsRead);
        var jobsWrite = new ScopeFilter(tokens, Scopes.JobsWrite);
        var anyJobs = new ScopeFilter(tokens, Scopes.JobsRead, Scopes.JobsWrite);
        var datasetsRead = new ScopeFilter(tokens, Scopes.DatasetsRead);
        var admin = new ScopeFilter(tokens, Scopes.JobsAdmin);

        var ds = app.MapGroup("/orgs/{orgSlug}/ds/{dsSlug}/tasks").WithTags("DroneDB Registry tasks");
        ds.MapGet("/tools", (HttpContext http, string orgSlug, string dsSlug) => tasks.ToolsAsync(http, orgSlug, dsSlug)).AddEndpointFilter(anyJobs).AddEndpointFilter(datasetsRead);
        ds.MapPost("", (HttpContext http, string orgSlug, string dsSlug) => tasks.SubmitAsync(http, orgSlug, dsSlug)).AddEndpointFilter(jobsWrite).AddEndpointFilter(datasetsRead);
        ds.MapGet("", (HttpContext http, string orgSlug, string dsSlug) => tasks.ListAsync(http, orgSlug, dsSlug)).AddEndpointFilter(jobsRead).AddEndpointFilter(datasetsRead)
            .Query(QueryParam.Text("toolId", "only this tool's tasks (build also names whole-dataset builds)"),
            QueryParam.Text("state", "Created, Enqueued, Scheduled, Processing, Succeeded, Failed or Deleted"),
            QueryParam.Integer("skip", "skip this many (default 0)"), QueryParam.Integer("take", "at most this many (default 50; more than 200 is 200)"));
        ds.MapPost("/clear", (HttpContext http, string orgSlug, string dsSlug) => tasks.ClearAsync(http, orgSlug, dsSlug)).AddEndpointFilter(jobsWrite).AddEndpointFilter(datasetsRead)
            .Query(QueryParam.Text("toolId", "clear only this tool's ended tasks (build also names whole-dataset builds)"));
        ds.MapGet("/{taskId}", (HttpContext http, string orgSlug, string dsSlug, string taskId) => tasks.GetAsync(http, orgSlug, dsSlug, taskId)).AddEndpointFilter(jobsRead).AddEndpointFilter(datasetsRead);
        ds.MapGet("/{taskId}/log", (HttpContext http, string orgSlug, string dsSlug, string taskId) => tasks.LogAsync(http, orgSlug, dsSlug, taskId)).AddEndpointFilter(jobsRead).AddEndpointFilter(datasetsRead)
            .Query(QueryParam.Integer("since", "the lines after this cursor (the status' logCursor; default 0)"));
        ds.MapGet("/{taskId}/result", (HttpContext http, string orgSlug, string dsSlug, string taskId) => tasks.ResultAsync(http, orgSlug, dsSlug, taskId)).AddEndpointFilter(jobsRead).AddEndpointFilter(datasetsRead);
        ds.MapDelete("/{taskId}", (HttpContext http, string orgSlug, string dsSlug, string taskId) => tasks.DeleteAsync(http, orgSlug, dsSlug, taskId)).AddEndpointFilter(jobsWrite).AddEndpointFilter(datasetsRead);

        app.MapGet("/sys/tasks", (HttpRequest request) => tasks.SysListAsync(request.HttpContext)).AddEndpointFilter(admin).WithTags("DroneDB Registry tasks")
            .Query(QueryParam.Text("toolId", "only this tool's tasks (build also names whole-dataset builds)"),
            QueryParam.Text("state", "Created, Enqueued, Scheduled, Processing, Succeeded, Failed or Deleted"),
            QueryParam.Integer("skip", "skip this many (default 0)"), QueryParam.Integer("take", "at most this many (default 50; more than 200 is 200)"), QueryParam.Text("userId", "only this user's tasks"));
        app.MapGet("/sys/features", tasks.Features).AddEndpointFilter(anyJobs).WithTags("DroneDB Registry tasks");
    }
}
