using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Ledger;

public enum TransitionOutcome
{
    /// <summary>The operation took effect, or its desired outcome already held.</summary>
    Ok,
    /// <summary>No job with that id.</summary>
    NotFound,
    /// <summary>The job is in a state the operation does not apply to; <see cref="Transition.State"/> says which.</summary>
    Conflict,
    /// <summary>The caller's fencing token is stale: another grant has superseded its lease.</summary>
    Fenced,
}

/// <summary>The value every ledger compare-and-set answers with. Expected refusals are values, not exceptions.</summary>
public readonly record struct Transition(TransitionOutcome Outcome, JobState? State, JobRow? Job)
{
    public static readonly Transition NotFound = new(TransitionOutcome.NotFound, null, null);

    public static Transition Ok(JobRow job) => new(TransitionOutcome.Ok, job.JobState, job);

    public static Transition Conflict(JobRow job) => new(TransitionOutcome.Conflict, job.JobState, job);

    public static Transition Fenced(JobRow job) => new(TransitionOutcome.Fenced, job.JobState, job);

    public bool IsOk => Outcome == TransitionOutcome.Ok;
}
