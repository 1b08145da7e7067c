using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

/// <summary>
/// Seed 003's task states over EdgeJobs' job states (design §3, "Mapping to other vocabularies"):
/// <code>
///   held (made, not yet dispatched)        → Created
///   scheduled, not_before passed (ready)   → Enqueued      waiting for an agent
///   scheduled, not_before ahead            → Scheduled     waiting out a retry backoff
///   running, stop_requested, stopping      → Processing
///   completed                              → Succeeded     (Deleted once the user deleted it)
///   failed                                 → Failed        (Deleted once the user deleted it)
///   stopped                                → Deleted
/// </code>
/// A task submitted through this API is scheduled in the transaction that makes it; only a held job (made through the
/// Geopera operations' <c>create</c>) is <c>Created</c>. The row-to-state function and the list filter below are the same table read two ways;
/// TaskStatesTests checks they agree.
/// </summary>
internal static class TaskStates
{
    public const string Created = "Created";
    public const string Enqueued = "Enqueued";
    public const string Scheduled = "Scheduled";
    public const string Processing = "Processing";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Deleted = "Deleted";

    /// <summary>Every state in the seed's order, with its terminal flag (<c>GET /sys/features</c>).</summary>
    public static readonly IReadOnlyList<(string Name, bool Terminal)> All =
    [
        (Created, false), (Enqueued, false), (Scheduled, false), (Processing, false), (Succeeded, true), (Failed, true), (Deleted, true),
    ];

    /// <summary>The seed's state of a job; <paramref name="markedDeleted"/>: the user deleted the task.</summary>
    public static string Of(JobRow job, bool markedDeleted, long now) => job.JobState switch
    {
        JobState.Held => Created,
        JobState.Scheduled => job.NotBefore > now ? Scheduled : Enqueued,
        JobState.Running or JobState.StopRequested or JobState.Stopping => Processing,
        _ when markedDeleted => Deleted,
        JobState.Completed => Succeeded,
        // A recipe job that ended partial failed as far as a task is concerned: not every output is there.
        JobState.Failed or JobState.Partial => Failed,
        _ => Deleted,
    };

    /// <summary>The ledger filter of a state name (any case); false for a name that is not a state.</summary>
    public static bool TryFilter(string name, out string state, out IReadOnlyList<TaskStateClause> clauses)
    {
        state = All.FirstOrDefault(s => s.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase)).Name ?? "";
        clauses = state switch
        {
            Created => [new([JobState.Held])],
            Enqueued => [new([JobState.Scheduled], WaitingOutBackoff: false)],
            Scheduled => [new([JobState.Scheduled], WaitingOutBackoff: true)],
            Processing => [new(JobStates.Leased)],
            Succeeded => [new([JobState.Completed], MarkedDeleted: false)],
            Failed => [new([JobState.Failed, JobState.Partial], MarkedDeleted: false)],
            Deleted => [new([JobState.Stopped]), new([JobState.Completed, JobState.Failed], MarkedDeleted: true)],
            _ => [],
        };
        return state.Length > 0;
    }
}
