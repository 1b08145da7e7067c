namespace EdgeJobs.Coordinator.Slurm;

/// <summary>Slurm's job states (squeue's <c>%T</c>, sacct's <c>State</c>) as the phases an allocation goes through.</summary>
public static class SlurmStates
{
    public enum Phase
    {
        Unknown,
        Queued,
        Running,
        Completed,
        Cancelled,
        Failed,
    }

    public static Phase Of(string? state) => state switch
    {
        null or "" => Phase.Unknown,
        "PENDING" or "CONFIGURING" or "REQUEUED" or "REQUEUE_FED" or "REQUEUE_HOLD" or "RESIZING" or "SUSPENDED" or "STOPPED" or "SIGNALING" => Phase.Queued,
        "RUNNING" or "COMPLETING" or "STAGE_OUT" => Phase.Running,
        // The walltime ending is how an allocation is meant to end when work kept it busy: its agents drained first.
        "COMPLETED" or "TIMEOUT" => Phase.Completed,
        "CANCELLED" or "REVOKED" or "PREEMPTED" => Phase.Cancelled,
        _ => Phase.Failed, // FAILED, NODE_FAIL, BOOT_FAIL, OUT_OF_MEMORY, DEADLINE, SPECIAL_EXIT
    };
}
