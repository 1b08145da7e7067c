namespace EdgeJobs.Coordinator.Ledger;

/// <summary>Limits on active jobs, checked in the same transaction as the insert (README "Safe to retry, safe to share").</summary>
public sealed record QuotaOptions
{
    public long MaxActiveJobs { get; init; } = 100_000;
    public long MaxActivePerOwner { get; init; } = 20_000;
    public long MaxActivePerTool { get; init; } = 50_000;
    /// <summary>A single job's estimated output above this is refused with 413.</summary>
    public long MaxOutputBytesPerJob { get; init; } = 64L << 30;
    /// <summary>What a 429 tells the caller to wait before trying again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>How one submit is deduplicated.</summary>
public sealed record SubmitPolicy
{
    public static readonly SubmitPolicy None = new();

    /// <summary>Skip dedup (the key is still stored, so later submits can match this job).</summary>
    public bool Force { get; init; }

    /// <summary>A completed job matches only if it finished within this window.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromHours(24);

    /// <summary>For tools that produce an artifact: a completed job matches only while its artifact exists.</summary>
    public bool RequiresArtifact { get; init; }

    public QuotaOptions? Quotas { get; init; }
}

public enum SubmitResult { Created, Deduplicated, QuotaExceeded, InsufficientCredits }

/// <summary>
/// What a submit did: a new job, an existing one, which quota refused it, or that its workspace could not reserve its
/// price (<see cref="Limit"/>: the millicredits that could still be reserved).
/// </summary>
public sealed record SubmitOutcome(SubmitResult Result, JobRow? Job, string? Quota = null, long Limit = 0)
{
    public static SubmitOutcome Created(JobRow job) => new(SubmitResult.Created, job);

    public static SubmitOutcome Deduplicated(JobRow job) => new(SubmitResult.Deduplicated, job);

    public static SubmitOutcome Refused(string quota, long limit) => new(SubmitResult.QuotaExceeded, null, quota, limit);

    public static SubmitOutcome ShortOfCredits(long available) => new(SubmitResult.InsufficientCredits, null, "credits", available);
}
