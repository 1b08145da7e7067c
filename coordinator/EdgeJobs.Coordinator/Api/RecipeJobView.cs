using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

/// <summary>A recipe job as it is read: the job, its steps with their step jobs and artifacts, and what it was asked.</summary>
internal sealed record RecipeJobView(JobRow Job, JobRecipeRow Recipe, IReadOnlyList<(StepRow Step, JobRow? StepJob)> Steps, IReadOnlyDictionary<long, ArtifactRow> Artifacts)
{
    public static async Task<RecipeJobView?> ReadAsync(JobLedger ledger, JobRow job)
    {
        if (!job.IsRecipe || await ledger.GetJobRecipeAsync(job.Id).ConfigureAwait(false) is not { } recipe)
        {
            return null;
        }

        var steps = await ledger.GetStepsAsync(job.Id).ConfigureAwait(false);
        var artifacts = await ledger.GetArtifactsAsync([.. steps.Where(s => s.Job?.JobState == JobState.Completed).Select(s => s.Job!.Id)]).ConfigureAwait(false);
        return new RecipeJobView(job, recipe, steps, artifacts);
    }

    /// <summary><paramref name="dto"/> (the job as any job reads) with the recipe, steps, timeline and step counts.</summary>
    public JobDto AddTo(JobDto dto) => dto with
    {
        Recipe = new JobRecipeDto
        {
            Id = Recipe.RecipeId,
            Name = Recipe.Name,
            Version = Job.ToolVersion,
            Inputs = Map(Recipe.Inputs),
            Outputs = Map(Recipe.Outputs),
            OnExit = Recipe.OnExitUrl is { } url
                ? new OnExitDto(url, Recipe.OnExitStatus switch
                {
                    JobLedger.WebhookDue => "due",
                    JobLedger.WebhookDelivered => "delivered",
                    JobLedger.WebhookGaveUp => "failed",
                    _ => "waiting",
                }, Recipe.OnExitAttempts, Recipe.OnExitError)
                : null,
        },
        Steps = [.. Steps.Select(s => ToDto(s.Step, s.StepJob))],
        Timeline = [.. Steps.Where(s => s.Step.StartedAt is not null).OrderBy(s => s.Step.StartedAt).ThenBy(s => s.Step.Position)
            .Select(s => new TimelineEntryDto(s.Step.StepId, s.Step.Tool, s.Step.StepState.Name(), Time(s.Step.StartedAt), Time(s.Step.FinishedAt), Duration(s.Step)))],
        // Counted from the steps, exactly (the job's own row keeps whole percents, written as they move).
        Progress = new ProgressDto(Recipe.TotalSteps == 0 ? 100 : 100.0 * Recipe.CompletedSteps / Recipe.TotalSteps,
            $"{Recipe.CompletedSteps} of {Recipe.TotalSteps} steps completed")
        {
            CompletedSteps = Recipe.CompletedSteps,
            TotalSteps = Recipe.TotalSteps,
        },
    };

    private StepDto ToDto(StepRow step, JobRow? job) => new()
    {
        Id = step.StepId,
        Tool = step.Tool,
        Version = step.ToolVersion,
        Status = step.StepState.Name(),
        DependsOn = JsonText.ReadStrings(step.DependsOn),
        JobId = step.StepJobId,
        Attempt = job?.Attempt ?? 0,
        MaxAttempts = step.MaxAttempts,
        NodeId = job?.NodeId,
        Progress = job?.ProgressPercent is { } percent && step.StepState == StepState.Running ? new ProgressDto(percent, job.ProgressPhase) : null,
        StartedAt = Time(step.StartedAt),
        FinishedAt = Time(step.FinishedAt),
        DurationMs = Duration(step),
        Error = step.ErrorCode is { } code ? new ErrorDto(code, step.ErrorMessage, false) : null,
        Artifact = job is not null && Artifacts.TryGetValue(job.Id, out var a)
            ? new ArtifactDto(a.SizeBytes, a.Sha256, $"/v1/jobs/{job.Id}/artifact", JobMapper.Time(a.ExpiresAt), Path.GetFileName(a.Path))
            : null,
    };

    public static long? Duration(StepRow step) => step is { StartedAt: { } s, FinishedAt: { } f } ? f - s : null;

    public static DateTimeOffset? Time(long? unixMs) => unixMs is { } ms ? JobMapper.Time(ms) : null;

    public static IReadOnlyDictionary<string, string> Map(string jsonObject) =>
        JsonSerializer.Deserialize(jsonObject, RestJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>();
}
