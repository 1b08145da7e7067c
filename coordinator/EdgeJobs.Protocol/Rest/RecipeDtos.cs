using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Protocol.Rest;

/// <summary>
/// A recipe (design §8.3): a named, versioned DAG of steps. The body of <c>POST /v1/recipes</c>, and what a job carries
/// inline as <c>recipe</c>.
/// </summary>
public sealed record RecipeDefinition
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyList<RecipeStep> Steps { get; init; }
}

/// <summary>
/// One step: a tool run. <c>params</c> values may be literals, <c>"{param:NAME}"</c> (from the job's params for this
/// step), <c>"input:NAME"</c> (a path of the job's <c>inputs</c>) or <c>"step:ID.output"</c> (an earlier step's artifact).
/// </summary>
public sealed record RecipeStep
{
    public required string Id { get; init; }
    public required string Tool { get; init; }
    public string? Version { get; init; }
    public JsonElement? Params { get; init; }

    /// <summary>The keys of the job's <c>params[ID]</c> this step requires; each is copied into the step's params.</summary>
    public IReadOnlyList<string>? ParamKeys { get; init; }

    /// <summary>Steps that must complete first, besides those its references imply.</summary>
    public IReadOnlyList<string>? DependsOn { get; init; }

    public RecipeRetry? Retry { get; init; }

    /// <summary>When it fails, steps independent of it go on (the job may end partial); otherwise the job stops.</summary>
    public bool? ContinueOnFailure { get; init; }

    public double? TimeoutS { get; init; }
}

/// <summary>
/// How often a step is tried, and how long a retry waits: <see cref="BackoffS"/> after the first failed attempt, doubling
/// after each one up to <see cref="MaxBackoffS"/>, each wait jittered down to half. Unset: the coordinator's backoff.
/// </summary>
public sealed record RecipeRetry
{
    public int? MaxAttempts { get; init; }

    /// <summary>Seconds before the second attempt.</summary>
    public double? BackoffS { get; init; }

    /// <summary>The longest wait between attempts, in seconds (default: the coordinator's, or <see cref="BackoffS"/> when larger).</summary>
    public double? MaxBackoffS { get; init; }
}

/// <summary><c>on_exit</c>: a webhook called once after the job ends.</summary>
public sealed record OnExitRequest
{
    public required string Url { get; init; }
}

/// <summary>A stored recipe as <c>GET /v1/recipes/{id}</c> answers it.</summary>
public sealed record RecipeDto
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyList<RecipeStep> Steps { get; init; }
    public required string Owner { get; init; }
    public string Org { get; init; } = "default";
    public required DateTimeOffset CreatedAt { get; init; }
}

public sealed record RecipeListDto(IReadOnlyList<RecipeDto> Recipes, string? NextCursor);

/// <summary>The answer of <c>POST /v1/recipes</c>.</summary>
public sealed record RecipeCreatedDto(long Id, string Name, string Version);

/// <summary>One step of a recipe job in <c>GET /v1/jobs/{id}</c>.</summary>
public sealed record StepDto
{
    public required string Id { get; init; }
    public required string Tool { get; init; }
    public required string Version { get; init; }
    /// <summary><c>pending, running, completed, failed, skipped</c>.</summary>
    public required string Status { get; init; }
    public required IReadOnlyList<string> DependsOn { get; init; }
    /// <summary>The job that runs the step (its log, events and artifact are that job's); null while it waits.</summary>
    public long? JobId { get; init; }
    public int Attempt { get; init; }
    public int MaxAttempts { get; init; }
    public long? NodeId { get; init; }
    public ProgressDto? Progress { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long? DurationMs { get; init; }
    public ErrorDto? Error { get; init; }
    public ArtifactDto? Artifact { get; init; }
}

/// <summary>A started step in start order, for a per-step timeline.</summary>
public sealed record TimelineEntryDto(string Step, string Tool, string Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long? DurationMs);

/// <summary>The recipe a job runs.</summary>
public sealed record JobRecipeDto
{
    /// <summary>The stored recipe's id; null for an inline one.</summary>
    public long? Id { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyDictionary<string, string> Inputs { get; init; }
    public required IReadOnlyDictionary<string, string> Outputs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OnExitDto? OnExit { get; init; }
}

/// <summary>The <c>on_exit</c> webhook: <c>waiting</c> (the job runs), <c>due</c>, <c>delivered</c> or <c>failed</c> (given up; the job's outcome stands).</summary>
public sealed record OnExitDto(string Url, string Status, int Attempts, string? Error);
