namespace EdgeJobs.Protocol.Rest;

public sealed record JobListDto(IReadOnlyList<JobDto> Jobs, long? NextCursor);

public sealed record JobEventDto(
    long Seq,
    DateTimeOffset At,
    string? From,
    string To,
    string Reason,
    long? NodeId,
    int Attempt,
    long Fence,
    ErrorDto? Error);

public sealed record JobEventListDto(IReadOnlyList<JobEventDto> Events);

public sealed record JobLogDto(long Cursor, IReadOnlyList<string> Lines, long TruncatedFromTail);

public sealed record DeletedDto(long Deleted);

public sealed record ToolDto(
    string Id,
    string Version,
    string Title,
    string Description,
    string Category,
    string RequiredScope,
    bool ProducesArtifact,
    System.Text.Json.Nodes.JsonNode ParamsSchema);

public sealed record ToolListDto(IReadOnlyList<ToolDto> Tools);

public sealed record JobStateInfoDto(string Name, bool Terminal);

public sealed record FeaturesDto(IReadOnlyList<JobStateInfoDto> JobStates, IReadOnlyList<string> Tools, string Version);

public sealed record HealthDto(string Status);

/// <summary>One violation in a 400: the JSON path of the offending value and why.</summary>
public sealed record ViolationDto(string Path, string Reason);

/// <summary>
/// RFC 9457 problem details with the stable <c>error_code</c> clients switch on; <c>errors</c> lists
/// every violation of a rejected body.
/// </summary>
public sealed record ProblemDto
{
    public string Type { get; init; } = "about:blank";
    public required string Title { get; init; }
    public required int Status { get; init; }
    public string? Detail { get; init; }
    public required string ErrorCode { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ViolationDto>? Errors { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? State { get; init; }
}

public sealed record EstimateDto(long EstimatedOutputBytes, double EstimatedSeconds)
{
    /// <summary>What the job would reserve from a workspace (the coordinator's price table); null when it cannot be estimated.</summary>
    public decimal? EstimatedCredits { get; init; }

    /// <summary>Why the price cannot be known before the job runs; absent when it can.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CannotEstimate { get; init; }
}

public sealed record NodeDto(
    long Id,
    string Name,
    string State,
    bool Connected,
    System.Text.Json.JsonElement Labels,
    System.Text.Json.JsonElement Tools,
    int Slots,
    int RunningJobs,
    DateTimeOffset? LastHeartbeatAt,
    DateTimeOffset RegisteredAt);

public sealed record NodeListDto(IReadOnlyList<NodeDto> Nodes);
