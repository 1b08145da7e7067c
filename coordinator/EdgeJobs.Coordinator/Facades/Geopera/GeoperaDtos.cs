using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Facades.Geopera;

// Seed 002's request types, named and shaped as its document's tables (ProcessRunInput, ...): snake_case, except the
// fields the document spells in camelCase (workspaceId, processId). Strict: an unknown field is a 400 naming it.

/// <summary><c>_Empty</c>: <c>processing.catalog.list</c> takes no fields.</summary>
public sealed record EmptyInput;

public sealed record ProcessRunInput(string ProcessId)
{
    public JsonElement? Inputs { get; init; }
}

public sealed record ProcessGetInput(string ProcessId);

/// <summary>
/// <c>processing.create</c> and <c>create_and_dispatch</c> ("a free-form JSON object" in the document): a process and its
/// inputs as <c>execute</c> takes them; with a <c>workspaceId</c> the price is reserved at once, with a <c>project_id</c>
/// the job joins that project.
/// </summary>
public sealed record ProcessCreateInput(string ProcessId)
{
    [JsonPropertyName("workspaceId")]
    public string? WorkspaceId { get; init; }

    public string? ProjectId { get; init; }

    public JsonElement? Inputs { get; init; }
}

public sealed record ProcessingDispatchInput(string JobId)
{
    public string? Version { get; init; }
}

public sealed record ProcessExecuteInput(string ProcessId, [property: JsonPropertyName("workspaceId")] string WorkspaceId)
{
    public string? ProjectId { get; init; }

    public JsonElement? Inputs { get; init; }
}

public sealed record JobTypesInput
{
    public string? Category { get; init; }
}

/// <summary><c>ProcessingJobInput</c>, <c>JobGetInput</c> and <c>ProjectJobGetInput</c>: one job by id.</summary>
public sealed record ProcessingJobInput(string JobId);

public sealed record JobRegisterInput(string JobId)
{
    public IReadOnlyList<JsonElement>? Outputs { get; init; }
}

public sealed record JobsListInput
{
    [JsonPropertyName("workspaceId")]
    public string? WorkspaceId { get; init; }

    [JsonPropertyName("processId")]
    public string? ProcessId { get; init; }

    public string? Status { get; init; }
    public string? Ids { get; init; }
    public int? Page { get; init; }
    public int? Limit { get; init; }
    public string? Sort { get; init; }
}

public sealed record ProjectJobsInput(string ProjectId)
{
    public string? Status { get; init; }
    public string? JobTypeName { get; init; }
    public int? Limit { get; init; }
    public int? Offset { get; init; }
}

// Answers.

/// <summary>A processing job in the operations' words (<c>pending</c> is a held job, waiting for <c>dispatch</c>).</summary>
public sealed record ProcessingJobDto(string JobId, string ProcessId, string ProcessVersion, string Status, double Progress,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string Owner)
{
    [JsonPropertyName("workspaceId")]
    public string? WorkspaceId { get; init; }

    public string? ProjectId { get; init; }
    public JsonElement Inputs { get; init; }
    public ErrorDto? Error { get; init; }

    /// <summary>The job's result file, once it completed.</summary>
    public string? ArtifactUrl { get; init; }

    /// <summary>Credits held for the job (until register settles them, or its end releases them).</summary>
    public decimal? ReservedCredits { get; init; }

    /// <summary>What register charged, once it did.</summary>
    public decimal? ChargedCredits { get; init; }

    public IReadOnlyList<JsonElement>? Outputs { get; init; }
}

public sealed record ProcessingJobListDto(IReadOnlyList<ProcessingJobDto> Jobs, long Total, int Limit)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Page { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Offset { get; init; }
}

public sealed record ProcessListDto(IReadOnlyList<ToolDto> Processes);

public sealed record JobTypeDto(string Name, string Title, string Category, string Version);

public sealed record JobTypeListDto(IReadOnlyList<JobTypeDto> JobTypes);

public sealed record ProcessEstimateDto(string ProcessId, double EstimatedSeconds, long EstimatedOutputBytes, decimal? EstimatedCredits)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CannotEstimate { get; init; }
}

/// <summary><c>processing.job.register</c>'s answer: what was recorded, measured and settled.</summary>
public sealed record RegistrationDto(string JobId, IReadOnlyList<JsonElement> Outputs, double MeasuredSeconds, long MeasuredOutputBytes,
    decimal ChargedCredits, decimal ReleasedCredits, DateTimeOffset RegisteredAt)
{
    [JsonPropertyName("workspaceId")]
    public string? WorkspaceId { get; init; }

    /// <summary>The workspace's balance after the settlement.</summary>
    public WorkspaceDto? Workspace { get; init; }

    /// <summary>The agent's CPU seconds for the run, which were priced (<see cref="MeasuredSeconds"/>, wall, priced only where the agent did not measure CPU).</summary>
    public double? MeasuredCpuSeconds { get; init; }
}
