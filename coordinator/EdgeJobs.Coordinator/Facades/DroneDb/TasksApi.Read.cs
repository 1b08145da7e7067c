using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

// GET …/tasks, …/tasks/{taskId}, …/log and …/result.
internal sealed partial class TasksApi
{
    /// <summary><c>GET /orgs/{orgSlug}/ds/{dsSlug}/tasks?toolId=&amp;state=&amp;skip=&amp;take=</c>: the dataset's tasks, newest first, as an array.</summary>
    public async Task<IResult> ListAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindDatasetAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        var (query, queryProblem) = ReadQuery(http.Request.Query, allowUser: false);
        return query is null ? queryProblem! : await PageAsync(query with { Org = org, Dataset = ds }).ConfigureAwait(false);
    }

    /// <summary>The filters and page of a list (<c>userId</c> only on <c>/sys/tasks</c>); 400 naming a bad one.</summary>
    private static (TaskQuery? Query, IResult? Problem) ReadQuery(IQueryCollection query, bool allowUser)
    {
        foreach (var key in query.Keys)
        {
            if (key is not ("toolId" or "state" or "skip" or "take") && !(allowUser && key == "userId"))
            {
                return (null, Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a filter; use toolId, state{(allowUser ? ", userId" : "")}, skip or take"));
            }
        }

        IReadOnlyList<TaskStateClause>? states = null;
        if (Given(query, "state") is { } state)
        {
            if (!TaskStates.TryFilter(state, out _, out var clauses))
            {
                return (null, Problems.InvalidQuery("state", $"'{Problems.Truncate(state)}' is not a task state; use {string.Join(", ", TaskStates.All.Select(s => s.Name))}"));
            }

            states = clauses;
        }

        var skip = 0;
        if (Given(query, "skip") is { } rawSkip && (!int.TryParse(rawSkip, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            return (null, Problems.InvalidQuery("skip", "skip must be an integer ≥ 0"));
        }

        // take is clamped to MaxTake, as the seed says; below 1 or not a number is a mistake, not a request to clamp.
        var take = DefaultTake;
        if (Given(query, "take") is { } rawTake)
        {
            if (!long.TryParse(rawTake, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked) || asked < 1)
            {
                return (null, Problems.InvalidQuery("take", $"take must be an integer ≥ 1 (above {MaxTake} counts as {MaxTake})"));
            }

            take = (int)Math.Min(asked, MaxTake);
        }

        return (new TaskQuery { Tool = Given(query, "toolId"), Owner = allowUser ? Given(query, "userId") : null, States = states, Skip = skip, Take = take }, null);
    }

    private async Task<IResult> PageAsync(TaskQuery query)
    {
        var page = await ledger.ListTasksAsync(query).ConfigureAwait(false);
        var artifacts = await ledger.GetArtifactsAsync([.. page.Jobs.Select(j => j.Id)]).ConfigureAwait(false);
        return Results.Json<IReadOnlyList<TaskStatusDto>>(
            [.. page.Jobs.Select(j => ToStatus(j, page.MarkedDeleted.Contains(j.Id), null, artifacts.GetValueOrDefault(j.Id)))],
            TaskJson.Wire.IReadOnlyListTaskStatusDto);
    }

    /// <summary><c>GET …/tasks/{taskId}</c>: the status with the log tail and the artifact.</summary>
    public async Task<IResult> GetAsync(HttpContext http, string org, string ds, string taskId)
    {
        var (job, problem) = await FindTaskAsync(http, org, ds, taskId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var tail = await ledger.LogTailAsync(job.Id, JobsApi.LogTailLines).ConfigureAwait(false);
        var artifact = await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false);
        var marked = await ledger.IsMarkedDeletedAsync(job.Id).ConfigureAwait(false);
        return Results.Json(ToStatus(job, marked, tail, artifact), TaskJson.Wire.TaskStatusDto);
    }

    /// <summary><c>GET …/tasks/{taskId}/log?since=N</c>: the lines after the cursor; the cursor never goes backwards.</summary>
    public async Task<IResult> LogAsync(HttpContext http, string org, string ds, string taskId)
    {
        var (job, problem) = await FindTaskAsync(http, org, ds, taskId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        foreach (var key in http.Request.Query.Keys)
        {
            if (key != "since")
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not accepted here; only since");
            }
        }

        long since = 0;
        if (Given(http.Request.Query, "since") is { } rawSince
            && (!long.TryParse(rawSince, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out since) || since < 0))
        {
            return Problems.InvalidQuery("since", "since must be a cursor from a previous answer (an integer ≥ 0)");
        }

        var page = await ledger.ReadLogAsync(job.Id, since).ConfigureAwait(false);
        return page is null
            ? Problems.Of(404, "task_not_found", "No such task", $"task {job.Id} does not exist in dataset '{org}/{ds}'")
            : Results.Json(new TaskLogDto(page.Cursor, page.Lines, page.TruncatedFromTail), TaskJson.Wire.TaskLogDto);
    }

    /// <summary>
    /// <c>GET …/tasks/{taskId}/result</c>: the artifact (attachment, <c>ETag</c> = its SHA-256, Range → 206) of a
    /// Succeeded task; 409 with the state for any other task, 404 for a tool without one, 410 once expired.
    /// </summary>
    public async Task<IResult> ResultAsync(HttpContext http, string org, string ds, string taskId)
    {
        var (job, problem) = await FindTaskAsync(http, org, ds, taskId).ConfigureAwait(false);
        if (job is null)
        {
            return problem!;
        }

        var state = TaskStates.Of(job, await ledger.IsMarkedDeletedAsync(job.Id).ConfigureAwait(false), ledger.Now());
        if (state != TaskStates.Succeeded)
        {
            return Problems.Of(409, "task_not_succeeded", "No result yet", $"task {job.Id} is {state}; its result is available once it has Succeeded", state: state);
        }

        return await jobs.ArtifactFileAsync(job).ConfigureAwait(false);
    }
}
