using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.Met;

// Seed 000's job shapes (README "MET jobs"): snake_case, RFC 3339 UTC times, MET's state names (MetStates).

/// <summary>
/// The body of the submit routes (<c>POST /met/jobs/nc-to-geotiff</c>, <c>merge-terrain</c>, <c>mago-terrain</c>,
/// <c>repair-csw-metadata</c>): the tool's params, and the job options every submit takes.
/// </summary>
public sealed record MetSubmitRequest
{
    public JsonElement? Params { get; init; }
    /// <summary><c>org/name</c>: the params' paths are entries of this dataset (else of the data root).</summary>
    public string? Dataset { get; init; }
    public int? Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public double? TimeoutS { get; init; }
    /// <summary>Queue a new job even when an equal one is active or completed recently (no dedup).</summary>
    public bool? Force { get; init; }
}

/// <summary>The body of <c>POST /met/jobs/hyspex-csw-parent</c>: one parent batch of a campaign.</summary>
public sealed record MetParentBatchRequest
{
    public string? CampaignId { get; init; }
    public long? StartPosition { get; init; }
    public int? MaxRecords { get; init; }
    /// <summary>When given, must equal the campaign's own (campaigns never change).</summary>
    public long? CampaignTotalChildren { get; init; }
    public bool? Force { get; init; }
}

/// <summary>The body of <c>POST /met/jobs/hyspex-missing-variants</c>: the campaign, optionally one batch's records, optionally a dry run.</summary>
public sealed record MetMissingVariantsRequest
{
    public string? CampaignId { get; init; }
    public long? BatchJobId { get; init; }
    public bool? DryRun { get; init; }
}

/// <summary>What <c>POST /met/jobs/hyspex-missing-variants</c> found and queued.</summary>
public sealed record MetMissingVariantsDto
{
    public required string CampaignId { get; init; }
    public bool DryRun { get; init; }
    public long RecordsChecked { get; init; }
    /// <summary>Repair jobs queued (or found queued already).</summary>
    public int Queued { get; init; }
    public required IReadOnlyList<MetMissingVariantDto> Missing { get; init; }
}

/// <summary>One record's missing variant, and the repair job's id (null on a dry run, or with <c>error</c>).</summary>
public sealed record MetMissingVariantDto(string Record, string Variant, string Output, long? JobId, string? Error);

/// <summary>The body of <c>POST /met/jobs/cleanup</c>: age and/or terminal statuses (at least one).</summary>
public sealed record MetCleanupRequest
{
    public double? OlderThanS { get; init; }
    public IReadOnlyList<string>? Statuses { get; init; }
}

/// <summary>A job in seed 000's words: what every <c>/met/jobs</c> route answers.</summary>
public sealed record MetJobDto
{
    public required long JobId { get; init; }
    /// <summary>The MET route that submits jobs of this kind (<c>nc-to-geotiff</c>, <c>mago-terrain</c>, <c>hyspex-csw-parent</c>…), else the tool's id.</summary>
    public required string JobType { get; init; }
    public required string Tool { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Percent done, 0..100; null before an agent reports any.</summary>
    public double? Progress { get; init; }
    /// <summary>What the job is doing now (its latest progress phase).</summary>
    public string? Message { get; init; }
    public string? Error { get; init; }
    public string? ErrorCode { get; init; }
    public required JsonElement Params { get; init; }
    /// <summary>A finished job's output: where to download its artifact.</summary>
    public MetResultDto? Result { get; init; }
    /// <summary>A parent batch's page: its cursor, its records, its children.</summary>
    public MetBatchDto? Batch { get; init; }
    public long? ParentJobId { get; init; }
    /// <summary>The campaign a parent batch or one of its children belongs to.</summary>
    public string? CampaignId { get; init; }
    public required string Owner { get; init; }
    public string? Dataset { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Deduplicated { get; init; }
}

public sealed record MetResultDto(string ArtifactUrl, long SizeBytes, string Sha256, DateTimeOffset ExpiresAt);

public sealed record MetBatchDto
{
    public long? JobId { get; init; }
    public string? Status { get; init; }
    public required long StartPosition { get; init; }
    public required long MaxRecords { get; init; }
    public long? Records { get; init; }
    public long? Matched { get; init; }
    public long? NextStartPosition { get; init; }
    public long ChildrenEnded { get; init; }
    public long ChildrenCompleted { get; init; }
    public bool Forced { get; init; }
    public DateTimeOffset? SpawnedAt { get; init; }
}

/// <summary><c>GET /met/jobs</c>: newest first; <c>next_cursor</c> null on the last page.</summary>
public sealed record MetJobListDto(IReadOnlyList<MetJobDto> Jobs, long? NextCursor);

/// <summary><c>DELETE /met/jobs/{job_id}</c>.</summary>
public sealed record MetDeletedDto(long JobId, bool Deleted);

/// <summary><c>POST /met/jobs/cleanup</c>.</summary>
public sealed record MetCleanupDto(long Deleted, IReadOnlyList<long> JobIds);

/// <summary><c>GET /met/jobs/hyspex-csw-campaigns/{campaign_id}</c>: the campaign's aggregate.</summary>
public sealed record MetCampaignDto
{
    public required string CampaignId { get; init; }
    public string? Title { get; init; }
    public bool Public { get; init; }
    public long? CampaignTotalChildren { get; init; }
    public long TotalChildren { get; init; }
    /// <summary>Children per MET status, every status present (0 when none).</summary>
    public required IReadOnlyDictionary<string, long> Children { get; init; }
    public double Percent { get; init; }
    public long Batches { get; init; }
    public long? ActiveBatchJobId { get; init; }
    public MetBatchDto? LatestBatch { get; init; }
    public long? NextStartPosition { get; init; }
    public bool Exhausted { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FirstActivityAt { get; init; }
    public DateTimeOffset? LastActivityAt { get; init; }
}
