using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

// Seed 003's bodies, field for field as its document shows them (camelCase through TaskJsonContext). Times are UTC
// DateTimes so they are written with a Z, as the seed's examples are. Fields the seed does not show are additions
// (the task's place, owner and params) a seed client can ignore.

/// <summary>The body of <c>POST …/tasks</c>.</summary>
public sealed record TaskSubmitRequest
{
    public required string ToolId { get; init; }

    /// <summary>The tool's version; omitted: the one served.</summary>
    public string? Version { get; init; }

    /// <summary>The input entry; the same as <c>params.path</c>.</summary>
    public string? Path { get; init; }

    public JsonElement? Params { get; init; }

    /// <summary>Skip dedup: always a new task.</summary>
    public bool? Force { get; init; }
}

/// <summary>The answer to a submit: 202 new, 200 <see cref="Deduplicated"/>.</summary>
public sealed record TaskSubmittedDto(string TaskId, string ToolId, string Version, bool Deduplicated, string StatusUrl, string ResultUrl, long EstimatedOutputBytes);

public sealed record TaskProgressDto(double Percent, string? Phase);

public sealed record TaskArtifactDto(long SizeBytes, string Sha256, string ResultUrl, DateTime ExpiresAt);

/// <summary>A task's status (<c>GET …/tasks/{taskId}</c>; the list's items, without the log tail).</summary>
public sealed record TaskStatusDto
{
    /// <summary>The job's id, as a string: the seed's ids are opaque.</summary>
    public required string TaskId { get; init; }
    public required string ToolId { get; init; }
    public required string Version { get; init; }
    public required string State { get; init; }
    public required TaskProgressDto Progress { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public long LogCursor { get; init; }
    public IReadOnlyList<string>? LogTail { get; init; }
    public TaskArtifactDto? Artifact { get; init; }
    /// <summary>What failed, as <c>code: message</c>; null unless the task failed.</summary>
    public string? Error { get; init; }
    public required string OrgSlug { get; init; }
    public required string DsSlug { get; init; }
    public required string UserId { get; init; }
    public required string StatusUrl { get; init; }
    public required JsonElement Params { get; init; }
}

public sealed record TaskLogDto(long Cursor, IReadOnlyList<string> Lines, long TruncatedFromTail);

/// <summary>A tool as the seed describes it: <see cref="RequiredAccess"/> is the dataset access its usual task needs.</summary>
public sealed record TaskToolDto(string Id, string Version, string Title, string Description, string RequiredAccess, bool ProducesArtifact, JsonNode ParamsSchema);

public sealed record TasksClearedDto(int Cleared);

public sealed record TaskStateDto(string Name, bool Terminal);

/// <summary><c>GET /sys/features</c>.</summary>
public sealed record SysFeaturesDto(IReadOnlyList<TaskStateDto> TaskStates, IReadOnlyList<string> Tools, string Version);
