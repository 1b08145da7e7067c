namespace EdgeJobs.Protocol.Jobs;

/// <summary>
/// Why a job event happened. Stored as an integer in <c>job_events.reason</c>; the numbers are frozen
/// (pinned by a test) and only ever added to.
/// </summary>
public enum EventReason
{
    Submitted = 1,
    Accepted = 2,
    Succeeded = 3,
    RetryableFailure = 4,
    FatalFailure = 5,
    LeaseExpired = 6,
    StopRequested = 7,
    StopAcknowledged = 8,
    Stopped = 9,
    TimedOut = 10,
    HandedBack = 11,

    /// <summary>A recipe job's last step, or a campaign batch's last child, ended: the job ends with what they came to.</summary>
    StepsEnded = 12,

    /// <summary>A held job was dispatched: it is scheduled now.</summary>
    Dispatched = 13,
}

public static class EventReasons
{
    public static string Name(this EventReason reason) => reason switch
    {
        EventReason.Submitted => "submitted",
        EventReason.Accepted => "accepted",
        EventReason.Succeeded => "succeeded",
        EventReason.RetryableFailure => "retryable_failure",
        EventReason.FatalFailure => "fatal_failure",
        EventReason.LeaseExpired => "lease_expired",
        EventReason.StopRequested => "stop_requested",
        EventReason.StopAcknowledged => "stop_acknowledged",
        EventReason.Stopped => "stopped",
        EventReason.TimedOut => "timed_out",
        EventReason.HandedBack => "handed_back",
        EventReason.StepsEnded => "steps_ended",
        EventReason.Dispatched => "dispatched",
        _ => "unknown",
    };
}
