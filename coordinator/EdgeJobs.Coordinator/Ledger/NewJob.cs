namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A validated submission, ready to insert.</summary>
public sealed record NewJob
{
    public required string Tool { get; init; }
    public required string ToolVersion { get; init; }
    /// <summary>Canonical params JSON (validated by the tool's params type).</summary>
    public required string Params { get; init; }
    public required string Owner { get; init; }
    /// <summary>The submitting token's org (a global token's jobs go into the default org).</summary>
    public string Org { get; init; } = EdgeJobs.Protocol.Jobs.Orgs.Default;
    public int Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public long? TimeoutMs { get; init; }
    public long? CampaignId { get; init; }
    public long? ParentId { get; init; }
    public string? DedupKey { get; init; }
    /// <summary>The dataset of <see cref="Org"/> the job's paths name; null for the data root.</summary>
    public string? Dataset { get; init; }
    /// <summary>Labels a node must carry (a JSON object); null for any node.</summary>
    public string? NodeLabels { get; init; }
    /// <summary>The step of the recipe job <see cref="ParentId"/> this job runs; null for every other job.</summary>
    public string? StepId { get; init; }
    /// <summary>The workspace of <see cref="Org"/> that pays: <see cref="Reserve"/> is held from it in the insert's transaction.</summary>
    public string? Workspace { get; init; }
    /// <summary>Millicredits to reserve from <see cref="Workspace"/> (the priced estimate).</summary>
    public long Reserve { get; init; }
    /// <summary>The project of <see cref="Org"/> the job belongs to.</summary>
    public string? Project { get; init; }
    /// <summary><c>held</c> for a job made without dispatch (Geopera's <c>create</c>); otherwise <c>scheduled</c>.</summary>
    public EdgeJobs.Protocol.Jobs.JobState InitialState { get; init; } = EdgeJobs.Protocol.Jobs.JobState.Scheduled;
}

/// <summary>A page request for <see cref="JobLedger.ListJobsAsync"/>: newest first, after <see cref="Cursor"/>.</summary>
public sealed record JobQuery
{
    public required IReadOnlyList<EdgeJobs.Protocol.Jobs.JobState> States { get; init; }
    public string? Tool { get; init; }
    /// <summary>Any of these tools (with <see cref="Tool"/>, both must hold); null for any.</summary>
    public IReadOnlyList<string>? Tools { get; init; }
    public long? NodeId { get; init; }
    public long? CampaignId { get; init; }
    public string? Owner { get; init; }
    /// <summary>Only this org's jobs; null for every org (a global token).</summary>
    public string? Org { get; init; }
    /// <summary>Id of the last job of the previous page; only older (smaller) ids follow.</summary>
    public long? Cursor { get; init; }
    public int Limit { get; init; } = 50;
}

public sealed record JobPage(IReadOnlyList<JobRow> Jobs, long? NextCursor);
