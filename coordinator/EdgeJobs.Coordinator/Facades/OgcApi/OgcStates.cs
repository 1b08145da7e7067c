using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// Design §3's states in OGC API – Processes' words (<c>statusCode.yaml</c>). <see cref="Of"/> and <see cref="States"/> are
/// one table read two ways (a job's status, and the job list's filter).
/// </summary>
public static class OgcStates
{
    public static readonly IReadOnlyList<string> Names = ["accepted", "running", "successful", "failed", "dismissed"];

    /// <summary>
    /// A stop asked for (<c>stop_requested</c>, <c>stopping</c>) is already <c>dismissed</c>: the standard has no state for a
    /// dismissal under way, and a client that dismissed a job should not see it go back to <c>running</c> while its agent
    /// winds the tool down (well within a second). A recipe job that ended <c>partial</c> did not do all it was asked: failed.
    /// </summary>
    public static string Of(JobState state) => state switch
    {
        JobState.Scheduled => "accepted",
        JobState.Running => "running",
        JobState.StopRequested or JobState.Stopping or JobState.Stopped => "dismissed",
        JobState.Completed => "successful",
        JobState.Failed or JobState.Partial => "failed",
        // A state added after this table (it fails OgcStatesTests until it is named here) waits, as far as clients can tell.
        _ => "accepted",
    };

    /// <summary>The job states an OGC status names; null for a name that is none.</summary>
    public static JobState[]? States(string name) =>
        Enum.GetValues<JobState>().Where(s => Of(s) == name).ToArray() is { Length: > 0 } states ? states : null;
}
