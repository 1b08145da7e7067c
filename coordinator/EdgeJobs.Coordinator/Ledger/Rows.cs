using EdgeJobs.Protocol.Jobs;
namespace EdgeJobs.Coordinator.Ledger;

// Rows as stored. Columns are snake_case; Dapper.AOT maps them to these properties by name,
// ignoring case and underscores. Times are Unix milliseconds. Row types must be public or internal:
// for a type it cannot reach, Dapper.AOT silently falls back to reflection, and the AOT publish fails.

/// <summary>A row of <c>jobs</c>. Mutable so a transition can be computed on a copy and written back with a compare-and-set.</summary>
public sealed class JobRow
{
    public long Id { get; set; }
    public string Tool { get; set; } = "";
    public string ToolVersion { get; set; } = "";
    public int State { get; set; }
    public string Params { get; set; } = "{}";
    public int Priority { get; set; }
    public string Owner { get; set; } = "";
    public int Attempt { get; set; }
    public int MaxAttempts { get; set; }
    public long? TimeoutMs { get; set; }
    public int TimedOut { get; set; }
    public long Fence { get; set; }
    public long? LeaseNodeId { get; set; }
    public long? LeaseExpiresAt { get; set; }
    public long NotBefore { get; set; }
    public long? NodeId { get; set; }
    public double? ProgressPercent { get; set; }
    public string? ProgressPhase { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public int? ErrorRetryable { get; set; }
    public long EventSeq { get; set; }
    public long LogSeq { get; set; }
    public long LogFirstSeq { get; set; }
    public long LogAgentFence { get; set; }
    public long LogAgentSeq { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? StartedAt { get; set; }
    public long? AttemptStartedAt { get; set; }
    public long? FinishedAt { get; set; }
    public long? CampaignId { get; set; }
    public long? ParentId { get; set; }
    public string? DedupKey { get; set; }
    public string Org { get; set; } = Orgs.Default;
    /// <summary>The dataset (of <see cref="Org"/>) the job's paths name; null for the data root.</summary>
    public string? Dataset { get; set; }
    /// <summary>Labels a node must carry to be granted the job, a JSON object; null for any node.</summary>
    public string? NodeLabels { get; set; }
    /// <summary>The step of the recipe job <see cref="ParentId"/> this job runs; null for every other job.</summary>
    public string? StepId { get; set; }
    /// <summary>The workspace (of <see cref="Org"/>) whose credits the job reserved; null for none.</summary>
    public string? Workspace { get; set; }
    /// <summary>The project (of <see cref="Org"/>) the job belongs to; null for none.</summary>
    public string? Project { get; set; }
    /// <summary>The agent's CPU milliseconds of the last ended attempt (its part of the agent's CPU); null where not measured.</summary>
    public long? CpuMs { get; set; }

    /// <summary>A recipe job: its steps run as jobs of their own, it is never leased.</summary>
    public bool IsRecipe => Tool == RecipeTool && StepId is null;

    /// <summary>The tool name of recipe jobs, which no agent runs (and no exec tool may take).</summary>
    public const string RecipeTool = "recipe";

    /// <summary>A campaign's parent batch: the coordinator reads its page and makes its children; it is never leased.</summary>
    public bool IsCampaignBatch => Tool == CampaignBatchTool && StepId is null;

    /// <summary>The tool name of parent batches, which no agent runs (and no exec tool may take).</summary>
    public const string CampaignBatchTool = "campaign-batch";

    public EdgeJobs.Protocol.Jobs.JobState JobState => (EdgeJobs.Protocol.Jobs.JobState)State;

    public JobRow Copy() => (JobRow)MemberwiseClone();
}

public sealed class JobEventRow
{
    public long JobId { get; set; }
    public long Seq { get; set; }
    public long At { get; set; }
    public int? FromState { get; set; }
    public int ToState { get; set; }
    public int Reason { get; set; }
    public long? NodeId { get; set; }
    public int Attempt { get; set; }
    public long Fence { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
}

public sealed class LogLineRow
{
    public long Seq { get; set; }
    public string Line { get; set; } = "";
}

public sealed class TokenRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Scopes { get; set; } = "";
    /// <summary>The token's org; null for a global token.</summary>
    public string? Org { get; set; }
    /// <summary>The datasets the token is narrowed to (comma list); null for every dataset of its org.</summary>
    public string? Datasets { get; set; }
    public long CreatedAt { get; set; }
    public long? RevokedAt { get; set; }
}

public sealed class NodeRow
{
    public long Id { get; set; }
    public string NodeKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string Labels { get; set; } = "{}";
    public string Tools { get; set; } = "[]";
    public int Slots { get; set; }
    public int Draining { get; set; }
    public long? LastHeartbeatAt { get; set; }
    public long RegisteredAt { get; set; }
}

/// <summary>An exec tool's manifest as first accepted (migration 0014).</summary>
public sealed class ExecToolRow
{
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    public string Manifest { get; set; } = "";
    public long NodeId { get; set; }
    public long FirstSeenAt { get; set; }
    public long LastSeenAt { get; set; }
}

/// <summary>A Slurm allocation the coordinator asked for (migration 0016).</summary>
public sealed class AllocationRow
{
    public long Id { get; set; }
    public string Queue { get; set; } = "";
    public long? SlurmJobId { get; set; }
    public string State { get; set; } = "";
    public string? SlurmState { get; set; }
    public int Workers { get; set; }
    public long? TokenId { get; set; }
    public string? Reason { get; set; }
    public long SubmittedAt { get; set; }
    public long? StartedAt { get; set; }
    public long? EndedAt { get; set; }
}
