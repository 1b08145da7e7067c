using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

// The admins' dashboard routes: GET /sys/tasks and GET /sys/features. Per-task actions use the per-dataset routes,
// which already let an admin act on anyone's task.
internal sealed partial class TasksApi
{
    /// <summary><c>GET /sys/tasks?toolId=&amp;state=&amp;userId=&amp;skip=&amp;take=</c>: tasks across users and datasets (an org admin: its org's).</summary>
    public async Task<IResult> SysListAsync(HttpContext http)
    {
        var (query, problem) = ReadQuery(http.Request.Query, allowUser: true);
        return query is null ? problem! : await PageAsync(query with { Org = ScopeFilter.Current(http).Org }).ConfigureAwait(false);
    }

    /// <summary><c>GET /sys/features</c>: the task states with their terminal flag, the tools, the version.</summary>
    public IResult Features() => Results.Json(
        new SysFeaturesDto([.. TaskStates.All.Select(s => new TaskStateDto(s.Name, s.Terminal))], [.. catalog.Tools.Select(t => t.Id)], BuildInfo.Version),
        TaskJson.Wire.SysFeaturesDto);
}
