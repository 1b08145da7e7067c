using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Facades.Ordo;

/// <summary>Design §3's mapping into seed 001's words: jobs <c>pending, running, success, failed, partial</c>; steps <c>pending, running, success, failed, skipped</c>.</summary>
public static class OrdoStates
{
    public static string Of(JobState state) => state switch
    {
        JobState.Scheduled or JobState.Held => "pending",
        JobState.Running or JobState.StopRequested or JobState.Stopping => "running",
        JobState.Completed => "success",
        JobState.Partial => "partial",
        // Ordo has no stopped job: a stopped one did not succeed.
        _ => "failed",
    };

    public static string Of(StepState state) => state switch
    {
        StepState.Pending => "pending",
        StepState.Running => "running",
        StepState.Completed => "success",
        StepState.Skipped => "skipped",
        _ => "failed",
    };

    /// <summary>Ordo's time format: UTC with milliseconds, <c>2026-02-24T18:09:31.276Z</c>.</summary>
    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Time(long? unixMs) => unixMs is { } ms ? Time(ms) : null;
}
