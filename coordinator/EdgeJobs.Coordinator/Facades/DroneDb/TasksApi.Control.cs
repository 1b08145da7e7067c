using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

// DELETE …/tasks/{taskId} (EdgeJobs' stop, and the user's deleted mark) and POST …/tasks/clear (EdgeJobs' delete).
internal sealed partial class TasksApi
{
    /// <summary>
    /// <c>DELETE …/tasks/{taskId}</c>: 200 with the status. An active task is stopped (an enqueued one at once, a
    /// processing one once its agent has stopped the tool) and a terminal one is marked; either way it reads Deleted once
    /// it has ended, and stays listed until cleared. Only its owner or an admin (403 otherwise).
    /// </summary>
    public async Task<IResult> DeleteAsync(HttpContext http, string org, string ds, string taskId)
    {
        var (job, problem) = await FindTaskAsync(http, org, ds, taskId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var principal = ScopeFilter.Current(http);
        if (!principal.MayActOn(job))
        {
            return Problems.Of(403, "forbidden", "Not allowed", $"task {job.Id} belongs to another user; only its owner or an admin may delete it");
        }

        var deleted = await ledger.DeleteTaskAsync(job.Id, principal.Name).ConfigureAwait(false);
        if (deleted is not { Job: { } row, State: { } state })
        {
            return Problems.Of(404, "task_not_found", "No such task", $"task {job.Id} does not exist in dataset '{org}/{ds}'");
        }

        logger.JobStopRequested(row.Id, principal.Name, state.Name());
        if (state == JobState.StopRequested)
        {
            dispatcher.PushStop(row.LeaseNodeId, row.Id, row.Fence);
        }

        var tail = await ledger.LogTailAsync(row.Id, JobsApi.LogTailLines).ConfigureAwait(false);
        return Results.Json(ToStatus(row, markedDeleted: true, tail, null), TaskJson.Wire.TaskStatusDto);
    }

    /// <summary>
    /// <c>POST …/tasks/clear?toolId=</c>: removes the dataset's ended tasks (Succeeded, Failed, Deleted) for good, with
    /// their logs and artifacts; active ones are never touched. An admin clears everyone's, anyone else their own.
    /// Answers <c>{cleared: N}</c>.
    /// </summary>
    public async Task<IResult> ClearAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindDatasetAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        foreach (var key in http.Request.Query.Keys)
        {
            if (key != "toolId")
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not accepted here; only toolId");
            }
        }

        var principal = ScopeFilter.Current(http);
        var cleared = await ledger.ClearTasksAsync(org, ds, Given(http.Request.Query, "toolId"), principal.IsAdmin ? null : principal.Name).ConfigureAwait(false);
        // Only once the rows are gone: a file must outlive a delete that fails.
        foreach (var id in cleared.All)
        {
            artifacts.Delete(id);
        }

        logger.JobsDeleted(cleared.Ids.Count, principal.Name, $"tasks cleared in {org}/{ds}");
        return Results.Json(new TasksClearedDto(cleared.Ids.Count), TaskJson.Wire.TasksClearedDto);
    }
}
