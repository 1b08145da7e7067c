namespace EdgeJobs.Protocol.Jobs;

// A recipe step's lifecycle (design §8.3), stored in job_steps.state; the numbers never change meaning.
//
//   pending ──its step job is accepted──▶ running ──▶ completed | failed
//      └── a step it depends on failed, or the job was stopped ──▶ skipped
//
// A step's retries happen inside its step job (scheduled again with backoff): the step stays running meanwhile.
public enum StepState
{
    Pending = 1,
    Running = 2,
    Completed = 3,
    Failed = 4,
    Skipped = 5,
}

public static class StepStates
{
    public static bool IsEnded(this StepState state) => state is StepState.Completed or StepState.Failed or StepState.Skipped;

    /// <summary>The wire name, as in <c>GET /v1/jobs/{id}</c>'s <c>steps</c>.</summary>
    public static string Name(this StepState state) => state switch
    {
        StepState.Pending => "pending",
        StepState.Running => "running",
        StepState.Completed => "completed",
        StepState.Failed => "failed",
        StepState.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown step state"),
    };
}
