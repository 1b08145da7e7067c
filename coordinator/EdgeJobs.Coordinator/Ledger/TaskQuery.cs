using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// One set of jobs on datasets a task-state filter selects: jobs in <see cref="States"/>, and, when set, only those
/// waiting out a retry backoff (or not), and only those the user marked deleted (or not). The seed API's states are
/// unions of at most two of these (Facades/DroneDb/TaskStates); the ledger knows nothing of their names.
/// </summary>
public sealed record TaskStateClause(IReadOnlyCollection<JobState> States, bool? WaitingOutBackoff = null, bool? MarkedDeleted = null)
{
    public long Mask => States.Aggregate(0L, (mask, state) => mask | (1L << (int)state));
}

/// <summary>A page of jobs on datasets (the seed API's tasks), newest first, by offset as that API pages.</summary>
public sealed record TaskQuery
{
    /// <summary>The most clauses a state filter may join.</summary>
    public const int MaxClauses = 2;

    /// <summary>Only this org's tasks; null for every org (a global token).</summary>
    public string? Org { get; init; }

    /// <summary>Only this dataset's (of <see cref="Org"/>); null for every dataset.</summary>
    public string? Dataset { get; init; }

    public string? Tool { get; init; }

    public string? Owner { get; init; }

    /// <summary>A union of at most <see cref="MaxClauses"/> clauses; null for every state.</summary>
    public IReadOnlyList<TaskStateClause>? States { get; init; }

    public int Skip { get; init; }

    public int Take { get; init; } = 50;
}

/// <summary>A page of tasks, with the ids among them the user marked deleted.</summary>
public sealed record TaskPage(IReadOnlyList<JobRow> Jobs, IReadOnlySet<long> MarkedDeleted);
