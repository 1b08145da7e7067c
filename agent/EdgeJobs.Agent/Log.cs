using Microsoft.Extensions.Logging;
using ZLogger;

namespace EdgeJobs.Agent;

// Every agent log line, source-generated. Event ids: 6000 link, 7000 runner, 8000 exec tools, 8100 allocations (Slurm).
internal static partial class Log
{
    [ZLoggerMessage(6000, LogLevel.Information, "connected to {coordinator} as node {nodeId} ({name}, {slots} slots)")]
    public static partial void Connected(this ILogger logger, string coordinator, long nodeId, string name, int slots);

    [ZLoggerMessage(6001, LogLevel.Warning, "cannot reach the coordinator at {coordinator}: {reason}; retrying in {delayMs} ms")]
    public static partial void ConnectFailed(this ILogger logger, string coordinator, string reason, long delayMs);

    [ZLoggerMessage(6002, LogLevel.Warning, "link to {coordinator} lost: {reason}; {running} jobs keep running")]
    public static partial void Disconnected(this ILogger logger, string coordinator, string reason, int running);

    [ZLoggerMessage(6003, LogLevel.Error, "the coordinator refused this agent: {code}: {message}")]
    public static partial void Refused(this ILogger logger, string code, string message);

    [ZLoggerMessage(6004, LogLevel.Information, "draining: no new jobs; waiting up to {seconds} s for {running} running jobs")]
    public static partial void Draining(this ILogger logger, double seconds, int running);

    [ZLoggerMessage(6005, LogLevel.Information, "drained; exiting")]
    public static partial void Drained(this ILogger logger);

    [ZLoggerMessage(7000, LogLevel.Information, "job {jobId} attempt {attempt}: {tool} v{version} started")]
    public static partial void JobStarted(this ILogger logger, long jobId, int attempt, string tool, string version);

    [ZLoggerMessage(7001, LogLevel.Information, "job {jobId}: {outcome}{detail}")]
    public static partial void JobEnded(this ILogger logger, long jobId, string outcome, string detail);

    [ZLoggerMessage(7002, LogLevel.Warning, "job {jobId}: lease lost; cancelling and discarding its result")]
    public static partial void LeaseLost(this ILogger logger, long jobId);

    [ZLoggerMessage(7003, LogLevel.Information, "job {jobId}: stop requested; cancelling")]
    public static partial void StopRequested(this ILogger logger, long jobId);

    [ZLoggerMessage(7004, LogLevel.Warning, "declined job {jobId}: {reason}")]
    public static partial void Declined(this ILogger logger, long jobId, string reason);

    [ZLoggerMessage(8000, LogLevel.Warning, "exec tool {id} v{version} ({file}) is not offered: its program '{program}' is not on this node's PATH")]
    public static partial void ExecProgramMissing(this ILogger logger, string id, string version, string file, string program);

    [ZLoggerMessage(8001, LogLevel.Information, "exec tools: {tools}")]
    public static partial void ExecTools(this ILogger logger, string tools);

    [ZLoggerMessage(8100, LogLevel.Information, "the allocation ends at {end}: draining now, so no job is cut off by the walltime")]
    public static partial void WalltimeNear(this ILogger logger, string end);

    [ZLoggerMessage(8101, LogLevel.Information, "idle for {seconds} s (--idle-timeout): exiting")]
    public static partial void IdleExit(this ILogger logger, double seconds);
}
