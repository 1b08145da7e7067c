namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A row of <c>campaigns</c>: a catalog, the child job made per record, and the counters of its progress.</summary>
public sealed class CampaignRow
{
    /// <summary>The number its batches and children carry as <c>jobs.campaign_id</c>.</summary>
    public long Num { get; set; }
    public string Id { get; set; } = "";
    public string Org { get; set; } = "";
    public string Owner { get; set; } = "";
    public string? Title { get; set; }
    /// <summary>Canonical JSON of the catalog source.</summary>
    public string Source { get; set; } = "{}";
    /// <summary>Canonical JSON of the child job, with <c>{record.*}</c> placeholders.</summary>
    public string Template { get; set; } = "{}";
    /// <summary>Canonical JSON of the missing-variants rules; null without any.</summary>
    public string? Variants { get; set; }
    public long? TotalChildrenHint { get; set; }
    public int Public { get; set; }
    /// <summary>Where the next batch starts; null once the catalog is exhausted.</summary>
    public long? NextStartPosition { get; set; }
    public long Batches { get; set; }
    public long TotalChildren { get; set; }
    public long? ActiveBatch { get; set; }
    public long? LatestBatch { get; set; }
    public long CreatedAt { get; set; }
    public long? FirstActivityAt { get; set; }
    public long? LastActivityAt { get; set; }
}

/// <summary>A row of <c>campaign_batches</c>: one parent batch, its page, and how far its children are.</summary>
public sealed class CampaignBatchRow
{
    public long JobId { get; set; }
    public long Campaign { get; set; }
    public long StartPosition { get; set; }
    public long MaxRecords { get; set; }
    public int Forced { get; set; }
    /// <summary>JSON: the caller that submitted it (<see cref="Campaigns.BatchPrincipal"/>).</summary>
    public string Principal { get; set; } = "{}";
    public int ReadAttempts { get; set; }
    /// <summary>When its children were made; null while its page has not been read.</summary>
    public long? SpawnedAt { get; set; }
    public long? Records { get; set; }
    public long? Matched { get; set; }
    public long? NextStartPosition { get; set; }
    public long EndedChildren { get; set; }
    public long CompletedChildren { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>A campaign's children in one state (a row of <c>campaign_children</c>).</summary>
public sealed class CampaignChildCount
{
    public int State { get; set; }
    public long N { get; set; }
    public long At { get; set; }
}

/// <summary>A child job a spawn made: its id and the state it was made in (a row of the spawn's RETURNING).</summary>
// Not nested and not private: Dapper.AOT generates readers only for types it can name (a private nested type fell
// back to Dapper's reflection, which Native AOT cannot run).
public sealed class MadeChild
{
    public long Id { get; set; }
    public int State { get; set; }
}
