using Microsoft.Extensions.Logging;
using ZLogger;

namespace EdgeJobs.Coordinator;

// Slurm allocations (Slurm/): event ids 9000-9099.
internal static partial class Log
{
    [ZLoggerMessage(9000, LogLevel.Information, "slurm queue {queue}: allocation {slurmJobId} submitted ({workers} agents, partition {partition})")]
    public static partial void AllocationSubmitted(this ILogger logger, string queue, long slurmJobId, int workers, string partition);

    [ZLoggerMessage(9001, LogLevel.Information, "slurm queue {queue}: allocation {slurmJobId} started")]
    public static partial void AllocationStarted(this ILogger logger, string queue, long slurmJobId);

    [ZLoggerMessage(9002, LogLevel.Information, "slurm queue {queue}: allocation {slurmJobId} {state} (Slurm: {slurmState}) {reason}; {leases} leases handed back")]
    public static partial void AllocationEnded(this ILogger logger, string queue, long slurmJobId, string state, string slurmState, string reason, int leases);

    [ZLoggerMessage(9003, LogLevel.Warning, "slurm queue {queue}: sbatch failed: {error}")]
    public static partial void SubmitFailed(this ILogger logger, string queue, string error);

    [ZLoggerMessage(9004, LogLevel.Error, "slurm queue {queue} paused: {reason}")]
    public static partial void QueuePaused(this ILogger logger, string queue, string reason);

    [ZLoggerMessage(9005, LogLevel.Information, "slurm: tracking {count} allocations found in the ledger (Slurm jobs {jobs})")]
    public static partial void AllocationsFound(this ILogger logger, int count, string jobs);

    [ZLoggerMessage(9006, LogLevel.Error, "slurm: an allocation pass failed; the next one retries")]
    public static partial void AllocatorPassFailed(this ILogger logger, Exception error);

    [ZLoggerMessage(9008, LogLevel.Warning, "slurm queue {queue} resumed by {by}; it had paused: {reason}")]
    public static partial void QueueResumed(this ILogger logger, string queue, string by, string reason);

    [ZLoggerMessage(9007, LogLevel.Information, "slurm: {count} queues; agents reach the coordinator at {address}")]
    public static partial void SlurmQueues(this ILogger logger, int count, string address);
}
