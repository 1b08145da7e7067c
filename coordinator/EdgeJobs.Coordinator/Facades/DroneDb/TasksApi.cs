using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

/// <summary>
/// Seed 003's task API (design §8.7; README "DroneDB Registry tasks"): a thin mapping onto jobs on datasets. A task is
/// a job whose dataset is the URL's; it is submitted through <see cref="JobsApi.SubmitAsync(Principal, SubmitRequest, IdempotencyRequest?, Func{SubmitOutcome, string?, ToolEstimate, StoredAnswer})"/>,
/// stopped and deleted by the ledger's rules. Split by concern: this file finds datasets and tasks for a caller and
/// shapes a task's status; <c>.Submit</c> lists tools and submits; <c>.Read</c> lists, reads, logs and downloads;
/// <c>.Control</c> deletes and clears; <c>.Sys</c> is the admins' view.
/// </summary>
internal sealed partial class TasksApi(JobLedger ledger, JobsApi jobs, ToolCatalog catalog, CoordinatorOptions options, Dispatcher dispatcher, ArtifactStore artifacts,
    ILogger logger)
{
    public const int DefaultTake = 50;
    public const int MaxTake = 200;

    /// <summary>
    /// Checks the slugs (400 naming <c>orgSlug</c> or <c>dsSlug</c>) and that the dataset exists for the caller: another
    /// org's, or one the token is not narrowed to, is a 404 like one that does not exist.
    /// </summary>
    private async Task<(DatasetRow? Dataset, IResult? Problem)> FindDatasetAsync(HttpContext http, string org, string ds)
    {
        if (!Orgs.IsValid(org))
        {
            return (null, InvalidSlug("orgSlug", org));
        }

        if (!DatasetNames.IsValid(ds))
        {
            return (null, InvalidSlug("dsSlug", ds));
        }

        var dataset = ScopeFilter.Current(http).SeesDataset(org, ds) ? await ledger.GetDatasetAsync(org, ds).ConfigureAwait(false) : null;
        return dataset is null
            ? (null, Problems.Of(404, "dataset_not_found", "No such dataset", $"dataset '{org}/{ds}' does not exist"))
            : (dataset, null);
    }

    /// <summary>
    /// The dataset, then the task in it: 400 for a malformed task id (naming <c>taskId</c>), 404 for a task that is not
    /// this dataset's. Every reader of the dataset sees its tasks, whoever submitted them.
    /// </summary>
    private async Task<(JobRow? Job, IResult? Problem)> FindTaskAsync(HttpContext http, string org, string ds, string rawTaskId)
    {
        var (dataset, problem) = await FindDatasetAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return (null, problem);
        }

        if (!JobIds.TryParse(rawTaskId, out var id))
        {
            return (null, Problems.Of(400, "invalid_task_id", "Malformed task id",
                $"'{Problems.Truncate(rawTaskId)}' is not a task id: task ids are the positive integers the submit answered with",
                [new ViolationDto("taskId", "is not a task id")]));
        }

        var job = await ledger.GetJobAsync(id).ConfigureAwait(false);
        return job is not null && job.Org == org && job.Dataset == ds
            ? (job, null)
            : (null, Problems.Of(404, "task_not_found", "No such task", $"task {id} does not exist in dataset '{org}/{ds}'"));
    }

    private static IResult InvalidSlug(string parameter, string value) =>
        Problems.Of(400, "invalid_name", "Invalid name", $"{parameter} '{Problems.Truncate(value)}' {DatasetNames.Rule}", [new ViolationDto(parameter, DatasetNames.Rule)]);

    public static string StatusUrl(string org, string ds, long id) => $"/orgs/{org}/ds/{ds}/tasks/{id}";

    /// <summary>The task's tool as the seed names it: a build of every pending entry runs as a recipe job, but it is the build task that was asked for.</summary>
    private static (string ToolId, string Version) SeedTool(JobRow job) =>
        job.IsRecipe && job.ToolVersion == Datasets.DatasetBuilds.RecipeVersion ? ("build", Catalog.Tools.BuildTool.Instance.Version) : (job.Tool, job.ToolVersion);

    /// <summary>A job as the seed's task status; <paramref name="tail"/> null in lists.</summary>
    private TaskStatusDto ToStatus(JobRow job, bool markedDeleted, IReadOnlyList<string>? tail, ArtifactRow? artifact)
    {
        var state = TaskStates.Of(job, markedDeleted, ledger.Now());
        var statusUrl = StatusUrl(job.Org, job.Dataset!, job.Id);
        var (toolId, version) = SeedTool(job);
        return new TaskStatusDto
        {
            TaskId = job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ToolId = toolId,
            Version = version,
            State = state,
            Progress = new TaskProgressDto(job.ProgressPercent ?? (state == TaskStates.Succeeded ? 100 : 0), job.ProgressPhase),
            CreatedAt = Time(job.CreatedAt),
            StartedAt = job.StartedAt is { } started ? Time(started) : null,
            FinishedAt = job.FinishedAt is { } finished ? Time(finished) : null,
            LogCursor = job.LogSeq,
            LogTail = tail,
            // The result is the Succeeded task's only: a deleted one's is gone for the seed, though kept until cleared.
            Artifact = state == TaskStates.Succeeded && artifact is { DeletedAt: null }
                ? new TaskArtifactDto(artifact.SizeBytes, artifact.Sha256, statusUrl + "/result", Time(artifact.ExpiresAt))
                : null,
            Error = job.ErrorCode is { } code ? $"{code}: {job.ErrorMessage}" : null,
            OrgSlug = job.Org,
            DsSlug = job.Dataset!,
            UserId = job.Owner,
            StatusUrl = statusUrl,
            Params = TaskParams.ToSeedParams(job.Params),
        };
    }

    private static DateTime Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;

    private static string? Single(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values.Count == 1 ? values[0] : string.Join(',', values.ToArray()) : null;

    /// <summary>A query value, or null when absent or empty: the seed's own example sends <c>?toolId=&amp;state=</c>.</summary>
    private static string? Given(IQueryCollection query, string key) => Single(query, key) is { Length: > 0 } value ? value : null;
}
