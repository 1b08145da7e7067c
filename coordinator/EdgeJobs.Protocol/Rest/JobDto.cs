using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Protocol.Rest;

/// <summary>A job as <c>GET /v1/jobs/{id}</c> answers it (README "REST API v1"). Absent values are written as null.</summary>
public sealed record JobDto
{
    public required long Id { get; init; }
    public required string Tool { get; init; }
    public required string Version { get; init; }
    public required string Status { get; init; }
    public required JsonElement Params { get; init; }
    public int Priority { get; init; }
    public int Attempt { get; init; }
    public int MaxAttempts { get; init; }
    public double? TimeoutS { get; init; }
    public long? NodeId { get; init; }
    public ProgressDto? Progress { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long? DurationMs { get; init; }
    public ErrorDto? Error { get; init; }
    public long LogCursor { get; init; }
    public IReadOnlyList<string>? LogTail { get; init; }
    public ArtifactDto? Artifact { get; init; }
    public required string Owner { get; init; }
    /// <summary>The org (tenant) the job belongs to.</summary>
    public string Org { get; init; } = "default";
    public long? CampaignId { get; init; }
    public long? ParentId { get; init; }
    /// <summary><c>org/name</c> of the dataset whose entries the job's paths name; null for the data root.</summary>
    public string? Dataset { get; init; }
    /// <summary>Labels a node must carry to be granted the job; null for any node.</summary>
    public IReadOnlyDictionary<string, string>? NodeLabels { get; init; }

    /// <summary>The workspace (of <see cref="Org"/>) whose credits the job reserved.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Workspace { get; init; }

    /// <summary>The project (of <see cref="Org"/>) the job belongs to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Project { get; init; }

    /// <summary>The agent's CPU seconds for the last ended attempt (its part of the agent's CPU while it ran); absent where not measured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CpuSeconds { get; init; }

    /// <summary>A step job: the step of the recipe job <see cref="ParentId"/> it runs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Step { get; init; }

    /// <summary>A recipe job: the recipe it runs, its inputs and outputs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobRecipeDto? Recipe { get; init; }

    /// <summary>A recipe job: its steps, in the recipe's order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<StepDto>? Steps { get; init; }

    /// <summary>A recipe job: its started steps in start order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TimelineEntryDto>? Timeline { get; init; }

    /// <summary>A campaign's parent batch: its page of the catalog and how far its children are.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BatchDto? Batch { get; init; }

    /// <summary>Only on a submit answer: true when an existing job was returned instead of a new one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Deduplicated { get; init; }

    /// <summary>Only on a submit answer: what the caller should know that is not an error (e.g. paths not checked).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>Progress; a recipe job's also counts its steps.</summary>
public sealed record ProgressDto(double Percent, string? Phase)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CompletedSteps { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TotalSteps { get; init; }
}

public sealed record ErrorDto(string Code, string? Message, bool Retryable);

/// <param name="Name">The artifact's file name (<c>out.tif</c>), so a client can tell a raster without downloading it.</param>
public sealed record ArtifactDto(long SizeBytes, string Sha256, string Url, DateTimeOffset? ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null);
