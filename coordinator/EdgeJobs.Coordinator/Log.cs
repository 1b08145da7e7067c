using Microsoft.Extensions.Logging;
using ZLogger;

namespace EdgeJobs.Coordinator;

// Every coordinator log line, source-generated. Event ids by subsystem:
// 1000 server, 2000 ledger, 3000 API and auth, 4000 scheduling, 5000 link.
internal static partial class Log
{
    [ZLoggerMessage(1000, LogLevel.Information, "edgejobs {version} coordinator listening on http://{endpoint} (data dir {dataDir})")]
    public static partial void Listening(this ILogger logger, string version, string endpoint, string dataDir);

    [ZLoggerMessage(1001, LogLevel.Information, "created {path} (scopes {scopes}); the secret is in the file, mode 0600")]
    public static partial void TokenFileCreated(this ILogger logger, string path, string scopes);

    [ZLoggerMessage(1002, LogLevel.Warning, "{path} is missing but its token exists in the ledger; mint a new one with `edgejobs token create --data-dir {dataDir} --scopes {scopes}`")]
    public static partial void TokenFileMissing(this ILogger logger, string path, string dataDir, string scopes);

    [ZLoggerMessage(1003, LogLevel.Information, "coordinator stopping")]
    public static partial void Stopping(this ILogger logger);

    [ZLoggerMessage(1004, LogLevel.Information, "ready in {elapsedMs} ms")]
    public static partial void Ready(this ILogger logger, long elapsedMs);

    [ZLoggerMessage(2000, LogLevel.Information, "ledger {path} open at schema version {version}")]
    public static partial void LedgerOpened(this ILogger logger, string path, int version);

    [ZLoggerMessage(3000, LogLevel.Information, "{method} {path} refused with {status}")]
    public static partial void RequestRefused(this ILogger logger, string method, string path, int status);

    [ZLoggerMessage(3001, LogLevel.Error, "{method} {path} failed")]
    public static partial void RequestFailed(this ILogger logger, Exception error, string method, string path);

    [ZLoggerMessage(3002, LogLevel.Information, "job {jobId} submitted: {tool} v{version} by {owner}")]
    public static partial void JobSubmitted(this ILogger logger, long jobId, string tool, string version, string owner);

    [ZLoggerMessage(3003, LogLevel.Information, "job {jobId} stop requested by {owner}: now {state}")]
    public static partial void JobStopRequested(this ILogger logger, long jobId, string owner, string state);

    [ZLoggerMessage(3004, LogLevel.Information, "{count} terminal jobs deleted by {owner} ({reason})")]
    public static partial void JobsDeleted(this ILogger logger, long count, string owner, string reason);

    [ZLoggerMessage(4000, LogLevel.Information, "lease sweep changed {count} jobs")]
    public static partial void LeasesExpired(this ILogger logger, int count);

    [ZLoggerMessage(4001, LogLevel.Error, "lease sweep failed; retrying")]
    public static partial void SweepFailed(this ILogger logger, Exception error);
}
