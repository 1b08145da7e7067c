using System.Text.Json;

namespace EdgeJobs.Protocol.Rest;

/// <summary>The body of <c>POST /v1/jobs</c>. Unknown fields are refused by the strict context.</summary>
public sealed record SubmitRequest
{
    public required string Tool { get; init; }
    public string? Version { get; init; }
    public JsonElement? Params { get; init; }
    public int? Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public double? TimeoutS { get; init; }
    public bool? Force { get; init; }
    public long? CampaignId { get; init; }
    public long? ParentId { get; init; }

    /// <summary><c>org/name</c>: the job's input and output paths are entries of this dataset.</summary>
    public string? Dataset { get; init; }

    /// <summary>Labels a node must carry to run the job (data that lives only on that node).</summary>
    public IReadOnlyDictionary<string, string>? NodeLabels { get; init; }
}

/// <summary>The body of <c>POST /v1/jobs/cleanup</c>.</summary>
public sealed record CleanupRequest
{
    public required double OlderThanS { get; init; }
    public IReadOnlyList<string>? Statuses { get; init; }
}
