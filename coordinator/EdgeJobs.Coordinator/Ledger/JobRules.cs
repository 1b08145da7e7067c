using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>How an agent's attempt ended, as it reports it.</summary>
public enum FinishOutcome
{
    Succeeded = 1,
    RetryableFailure = 2,
    FatalFailure = 3,
    /// <summary>The agent stopped the tool: on request, or handing the lease back while draining.</summary>
    Stopped = 4,
}

/// <summary>A state change: where to, and why (for the event row).</summary>
public readonly record struct StateChange(JobState To, EventReason Reason);

/// <summary>
/// The state table (README "Jobs and their states") as pure functions of (state, event). The ledger applies the answer
/// with a compare-and-set; keeping the rules here, free of SQL, lets a test walk every state × event.
/// A null answer means "refused in this state" (a conflict); <see cref="Unchanged"/> means the
/// desired outcome already holds.
/// </summary>
public static class JobRules
{
    public static StateChange? Stop(JobState state) => state switch
    {
        // Nobody holds it: stopped at once, never left waiting for an agent.
        JobState.Scheduled or JobState.Held => new StateChange(JobState.Stopped, EventReason.Stopped),
        JobState.Running => new StateChange(JobState.StopRequested, EventReason.StopRequested),
        // Already stopping or finished: the desired outcome (not running) holds or will.
        _ => Unchanged(state),
    };

    public static bool CanDelete(JobState state) => state.IsTerminal();

    /// <summary>
    /// A held job is scheduled; one already dispatched and still active stays where it is (a repeated dispatch changes
    /// nothing); a finished one cannot be (null: a conflict).
    /// </summary>
    public static StateChange? Dispatch(JobState state) => state switch
    {
        JobState.Held => new StateChange(JobState.Scheduled, EventReason.Dispatched),
        _ when state.IsTerminal() => null,
        _ => Unchanged(state),
    };

    public static StateChange? Accept(JobState state) =>
        state == JobState.Scheduled ? new StateChange(JobState.Running, EventReason.Accepted) : null;

    public static StateChange? AcknowledgeStop(JobState state) => state switch
    {
        JobState.StopRequested => new StateChange(JobState.Stopping, EventReason.StopAcknowledged),
        JobState.Stopping => Unchanged(state),
        _ => null,
    };

    public static bool HoldsLease(JobState state) =>
        state is JobState.Running or JobState.StopRequested or JobState.Stopping;

    public static StateChange? Finish(JobState state, FinishOutcome outcome, bool attemptsLeft, bool timedOut) => state switch
    {
        JobState.Running => outcome switch
        {
            FinishOutcome.Succeeded => new StateChange(JobState.Completed, EventReason.Succeeded),
            FinishOutcome.RetryableFailure => attemptsLeft
                ? new StateChange(JobState.Scheduled, EventReason.RetryableFailure)
                : new StateChange(JobState.Failed, EventReason.RetryableFailure),
            FinishOutcome.FatalFailure => new StateChange(JobState.Failed, EventReason.FatalFailure),
            // Handed back unasked (a draining agent): another agent may take it.
            FinishOutcome.Stopped => new StateChange(JobState.Scheduled, EventReason.HandedBack),
            _ => null,
        },
        JobState.StopRequested or JobState.Stopping => outcome == FinishOutcome.Succeeded
            // The work finished before the stop landed; its result is valid.
            ? new StateChange(JobState.Completed, EventReason.Succeeded)
            : EndOfStop(timedOut),
        _ => null,
    };

    public static StateChange? Expire(JobState state, bool attemptsLeft, bool timedOut) => state switch
    {
        JobState.Running => attemptsLeft
            ? new StateChange(JobState.Scheduled, EventReason.LeaseExpired)
            : new StateChange(JobState.Failed, EventReason.LeaseExpired),
        JobState.StopRequested or JobState.Stopping => EndOfStop(timedOut),
        _ => null,
    };

    private static StateChange EndOfStop(bool timedOut) => timedOut
        ? new StateChange(JobState.Failed, EventReason.TimedOut)
        : new StateChange(JobState.Stopped, EventReason.Stopped);

    /// <summary>A "no change" answer: the state stays and no event is written.</summary>
    public static StateChange Unchanged(JobState state) => new(state, 0);

    public static bool IsUnchanged(this StateChange change) => change.Reason == 0;
}
