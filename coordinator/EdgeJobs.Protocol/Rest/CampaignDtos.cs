using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Protocol.Rest;

/// <summary>The body of <c>POST /v1/campaigns</c>.</summary>
public sealed record CreateCampaignRequest
{
    /// <summary>The campaign's name: a slug, unique across the coordinator.</summary>
    public required string Id { get; init; }
    public string? Title { get; init; }
    public required CampaignSourceDto Source { get; init; }
    public required CampaignTemplateDto Template { get; init; }
    /// <summary>How many children the whole campaign will have, when known: the aggregate's percent is of this.</summary>
    public long? CampaignTotalChildren { get; init; }
    /// <summary>The aggregate answers without a token.</summary>
    public bool? Public { get; init; }
    /// <summary>The derived outputs each record should have, which <c>POST /v1/campaigns/{id}/repair</c> makes when missing.</summary>
    public IReadOnlyList<VariantRuleDto>? Variants { get; init; }
}

/// <summary>
/// Where a campaign's records come from. <c>type</c> picks which fields apply: <c>dataset</c> (dataset, glob),
/// <c>data_root</c> (root, glob), <c>stac</c> (url or path, asset), <c>csw</c> (url, type_names, output_schema,
/// element_set, constraint, sort_by, method).
/// </summary>
public sealed record CampaignSourceDto
{
    public required string Type { get; init; }
    /// <summary><c>org/name</c> of the dataset whose entries are the records.</summary>
    public string? Dataset { get; init; }
    /// <summary>A folder of the data root whose files are the records.</summary>
    public string? Root { get; init; }
    /// <summary>Which paths are records, e.g. <c>scenes/**/*.tif</c> (default: every file).</summary>
    public string? Glob { get; init; }
    /// <summary>The catalog's HTTP(S) URL (a STAC document or a CSW endpoint); its host must be on <c>--catalog-allow</c>.</summary>
    public string? Url { get; init; }
    /// <summary>A STAC document in the data root.</summary>
    public string? Path { get; init; }
    /// <summary>The STAC asset whose href is <c>{record.href}</c> (default: the first with role data, else the first).</summary>
    public string? Asset { get; init; }
    /// <summary>CSW <c>typeNames</c>: <c>csw:Record</c> (default, Dublin Core) or <c>gmd:MD_Metadata</c> (ISO 19139).</summary>
    public string? TypeNames { get; init; }
    public string? OutputSchema { get; init; }
    /// <summary>CSW <c>ElementSetName</c>: brief, summary or full (default).</summary>
    public string? ElementSet { get; init; }
    /// <summary>A CQL text constraint, e.g. <c>dc:type = 'Dataset'</c>.</summary>
    public string? Constraint { get; init; }
    /// <summary>CSW <c>sortBy</c>, e.g. <c>dc:identifier:A</c>; a stable order keeps the cursor meaningful.</summary>
    public string? SortBy { get; init; }
    /// <summary>CSW request encoding: <c>get</c> (key-value pairs, default) or <c>post</c> (XML).</summary>
    public string? Method { get; init; }
}

/// <summary>The child job made per record; string params may hold <c>{record.id}</c>, <c>{record.path}</c>, <c>{record.href}</c>, <c>{record.title}</c>, <c>{record.stem}</c>.</summary>
public sealed record CampaignTemplateDto
{
    public required string Tool { get; init; }
    public string? Version { get; init; }
    public JsonElement? Params { get; init; }
    public string? Dataset { get; init; }
    public int? Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public double? TimeoutS { get; init; }
    public IReadOnlyDictionary<string, string>? NodeLabels { get; init; }
}

/// <summary>
/// A derived output each record should have: <c>output</c> is its path (with record placeholders); when it does not
/// exist, <c>template</c> makes it.
/// </summary>
public sealed record VariantRuleDto
{
    public required string Name { get; init; }
    public required string Output { get; init; }
    public required CampaignTemplateDto Template { get; init; }
}

/// <summary>The body of <c>POST /v1/campaigns/{id}/batches</c>.</summary>
public sealed record CreateBatchRequest
{
    /// <summary>The first record (1-based); default: the campaign's <c>next_start_position</c>.</summary>
    public long? StartPosition { get; init; }
    /// <summary>Records in this batch, 1..10000 (default 100).</summary>
    public int? MaxRecords { get; init; }
    /// <summary>Start somewhere other than the campaign's <c>next_start_position</c> (records may be processed again).</summary>
    public bool? Force { get; init; }
}

/// <summary>The body of <c>POST /v1/campaigns/{id}/repair</c>.</summary>
public sealed record RepairRequest
{
    /// <summary>Only the records of this batch; default: every record of the campaign's batches so far.</summary>
    public long? BatchJobId { get; init; }
    /// <summary>List what is missing without queueing anything.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>A campaign with its progress: <c>GET /v1/campaigns/{id}</c>, answered from the ledger's counters.</summary>
public sealed record CampaignDto
{
    public required string Id { get; init; }
    public string? Title { get; init; }
    public required string Org { get; init; }
    public required string Owner { get; init; }
    public bool Public { get; init; }
    public required JsonElement Source { get; init; }
    public required JsonElement Template { get; init; }
    public JsonElement? Variants { get; init; }
    public long? CampaignTotalChildren { get; init; }
    /// <summary>Children made by every batch so far.</summary>
    public long TotalChildren { get; init; }
    /// <summary>Children per state (every state, 0 when none).</summary>
    public required IReadOnlyDictionary<string, long> Children { get; init; }
    /// <summary>Ended children, in percent of <see cref="CampaignTotalChildren"/> when given, else of <see cref="TotalChildren"/>.</summary>
    public double Percent { get; init; }
    public long Batches { get; init; }
    /// <summary>The batch job that has not ended; null when a batch may be started.</summary>
    public long? ActiveBatch { get; init; }
    public BatchDto? LatestBatch { get; init; }
    /// <summary>Where the next batch starts; null once the catalog is exhausted.</summary>
    public long? NextStartPosition { get; init; }
    public bool Exhausted { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FirstActivityAt { get; init; }
    public DateTimeOffset? LastActivityAt { get; init; }
}

/// <summary>One parent batch: its page of the catalog and how far its children are.</summary>
public sealed record BatchDto
{
    public required long JobId { get; init; }
    public string? Status { get; init; }
    public required long StartPosition { get; init; }
    public required long MaxRecords { get; init; }
    /// <summary>Children made (one per record); null until the page is read.</summary>
    public long? Records { get; init; }
    /// <summary>Records matching in the whole catalog, when the catalog says.</summary>
    public long? Matched { get; init; }
    public long? NextStartPosition { get; init; }
    public long ChildrenEnded { get; init; }
    public long ChildrenCompleted { get; init; }
    public bool Forced { get; init; }
    public int ReadAttempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SpawnedAt { get; init; }
}

public sealed record CampaignListDto(IReadOnlyList<CampaignDto> Campaigns, string? NextCursor);

/// <summary><c>GET /v1/campaigns/{id}/batches</c>: newest first; <c>next_cursor</c> (pass as <c>cursor</c>) while more remain.</summary>
public sealed record BatchListDto(IReadOnlyList<BatchDto> Batches, string? NextCursor = null);

/// <summary>A record's derived output that does not exist (<c>POST /v1/campaigns/{id}/repair</c>), and the job queued for it.</summary>
public sealed record MissingVariantDto(string Record, string Variant, string Output, long? JobId, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

public sealed record RepairDto(bool DryRun, long RecordsChecked, IReadOnlyList<MissingVariantDto> Missing);
