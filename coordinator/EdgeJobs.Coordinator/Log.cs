using Microsoft.Extensions.Logging;
using ZLogger;

namespace EdgeJobs.Coordinator;

// Every coordinator log line, source-generated. Event ids by subsystem:
// 1000 server, 2000 ledger, 3000 API and auth, 4000 scheduling, 5000 link, 6000 datasets, 7000 exec tools, 8000 campaigns,
// 9000 Slurm allocations (Slurm/Log.Slurm.cs).
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

    [ZLoggerMessage(3005, LogLevel.Information, "job {jobId} dispatched by {owner}: scheduled")]
    public static partial void JobDispatched(this ILogger logger, long jobId, string owner);

    [ZLoggerMessage(3006, LogLevel.Information, "job {jobId} registered by {owner}: charged {charged} of {reserved} credits reserved from workspace {workspace}")]
    public static partial void JobRegistered(this ILogger logger, long jobId, string owner, decimal charged, decimal reserved, string workspace);

    [ZLoggerMessage(3007, LogLevel.Information, "job {jobId} settled without a register ({why}): charged {charged} of {reserved} credits reserved from workspace {workspace}")]
    public static partial void JobSettledUnregistered(this ILogger logger, long jobId, string why, decimal charged, decimal reserved, string workspace);

    [ZLoggerMessage(4000, LogLevel.Information, "lease sweep changed {count} jobs")]
    public static partial void LeasesExpired(this ILogger logger, int count);

    [ZLoggerMessage(4001, LogLevel.Error, "lease sweep failed; retrying")]
    public static partial void SweepFailed(this ILogger logger, Exception error);

    [ZLoggerMessage(4002, LogLevel.Warning, "job {jobId} timed out after {timeoutMs} ms on node {nodeId}; stopping it")]
    public static partial void JobTimedOut(this ILogger logger, long jobId, long timeoutMs, long? nodeId);

    [ZLoggerMessage(4003, LogLevel.Error, "granting to node {nodeId} failed; retrying on the next pass")]
    public static partial void GrantFailed(this ILogger logger, Exception error, long nodeId);

    [ZLoggerMessage(5000, LogLevel.Information, "agent link listening on {endpoint}")]
    public static partial void LinkListening(this ILogger logger, string endpoint);

    [ZLoggerMessage(5001, LogLevel.Information, "agent {name} (node {nodeId}, {slots} slots, {tools}) connected from {remote}")]
    public static partial void AgentConnected(this ILogger logger, string name, long nodeId, int slots, string tools, string remote);

    [ZLoggerMessage(5002, LogLevel.Information, "agent {name} (node {nodeId}) disconnected")]
    public static partial void AgentDisconnected(this ILogger logger, string name, long nodeId);

    [ZLoggerMessage(5003, LogLevel.Warning, "closing agent link from {remote}: {reason}")]
    public static partial void LinkRefused(this ILogger logger, string remote, string reason);

    [ZLoggerMessage(5004, LogLevel.Warning, "agent {name} (node {nodeId}) sent a {message} for job {jobId} with a stale or unknown lease: {outcome}")]
    public static partial void StaleAgentWrite(this ILogger logger, string name, long nodeId, string message, long jobId, string outcome);

    [ZLoggerMessage(5005, LogLevel.Information, "agent {name} (node {nodeId}) is draining")]
    public static partial void AgentDraining(this ILogger logger, string name, long nodeId);

    [ZLoggerMessage(5006, LogLevel.Error, "agent link to node {nodeId} failed")]
    public static partial void LinkFailed(this ILogger logger, Exception error, long nodeId);

    [ZLoggerMessage(5007, LogLevel.Warning, "agent {name} (node {nodeId}) handed over job {jobId}'s artifact by path, refused: {reason}")]
    public static partial void ArtifactFileRefused(this ILogger logger, string name, long nodeId, long jobId, string reason);

    [ZLoggerMessage(5008, LogLevel.Warning, "agent {name} (node {nodeId}) is not reading its link ({queued} messages wait for it): closing the connection; it redials and presents its leases")]
    public static partial void AgentNotReading(this ILogger logger, string name, long nodeId, int queued);

    [ZLoggerMessage(6000, LogLevel.Information, "job {jobId} wrote {org}/{dataset}:{path} ({bytes} bytes)")]
    public static partial void OutputPlaced(this ILogger logger, long jobId, string org, string dataset, string path, long bytes);

    [ZLoggerMessage(6001, LogLevel.Warning, "job {jobId} failed: its output {org}/{dataset}:{path} was refused ({code}): {reason}")]
    public static partial void OutputRefused(this ILogger logger, long jobId, string org, string dataset, string path, string code, string reason);

    [ZLoggerMessage(6005, LogLevel.Information, "job {jobId} wrote {org}/{dataset}:{path} while its source {source} changed: dated older than the source, so the next build of the dataset makes it again")]
    public static partial void OutputStale(this ILogger logger, long jobId, string org, string dataset, string path, string source);

    [ZLoggerMessage(6002, LogLevel.Warning, "job {jobId}'s output is copied into its dataset, not linked ({reason}): keep DATA_DIR/artifacts and DATA_DIR/datasets on one file system to avoid the copy")]
    public static partial void OutputCopied(this ILogger logger, long jobId, string reason);

    [ZLoggerMessage(6003, LogLevel.Information, "job {jobId}'s output {org}/{dataset}:{path}, committed before a restart, is now in place")]
    public static partial void OutputRecovered(this ILogger logger, long jobId, string org, string dataset, string path);

    [ZLoggerMessage(6004, LogLevel.Information, "finished what a restart interrupted in {dir}: files whose index rows were committed are in place, the rest removed")]
    public static partial void StagingRecovered(this ILogger logger, string dir);

    [ZLoggerMessage(6100, LogLevel.Information, "step job {jobId} wrote its recipe output {path} in the data root ({bytes} bytes)")]
    public static partial void RecipeOutputPlaced(this ILogger logger, long jobId, string path, long bytes);

    [ZLoggerMessage(6101, LogLevel.Error, "step job {jobId} completed but its recipe output {path} could not be written: {reason}; the artifact stays downloadable from the job")]
    public static partial void RecipeOutputFailed(this ILogger logger, long jobId, string path, string reason);

    [ZLoggerMessage(6103, LogLevel.Warning, "step job {jobId}'s recipe output {path} cannot be written: {reason}; the step fails (output_refused) and nothing of it is kept")]
    public static partial void RecipeOutputRefused(this ILogger logger, long jobId, string path, string reason);

    [ZLoggerMessage(6102, LogLevel.Information, "step job {jobId}'s recipe output {path}, committed before a restart, is now in place")]
    public static partial void RecipeOutputRecovered(this ILogger logger, long jobId, string path);

    [ZLoggerMessage(6110, LogLevel.Information, "job {jobId}'s on_exit webhook {url} delivered (attempt {attempt})")]
    public static partial void WebhookDelivered(this ILogger logger, long jobId, string url, int attempt);

    [ZLoggerMessage(6111, LogLevel.Warning, "job {jobId}'s on_exit webhook {url} failed (attempt {attempt}): {error}; trying again later")]
    public static partial void WebhookRetrying(this ILogger logger, long jobId, string url, int attempt, string error);

    [ZLoggerMessage(6112, LogLevel.Error, "job {jobId}'s on_exit webhook {url} given up after {attempt} attempts: {error}; the job's outcome stands, and its on_exit status says so")]
    public static partial void WebhookGaveUp(this ILogger logger, long jobId, string url, int attempt, string error);

    [ZLoggerMessage(6113, LogLevel.Error, "a pass over due webhooks failed; the next one retries")]
    public static partial void WebhookPassFailed(this ILogger logger, Exception error);

    [ZLoggerMessage(7000, LogLevel.Information, "exec tool {id} v{version} learned from agent {name}: served for new submits")]
    public static partial void ExecToolLearned(this ILogger logger, string id, string version, string name);

    [ZLoggerMessage(7001, LogLevel.Warning, "agent {name}: exec tool {id} v{version} refused and not offered to it: its manifest differs from the one known for that version; give the changed manifest a new version, or copy the known one to this agent (its params_schema: GET /v1/tools)")]
    public static partial void ExecToolConflict(this ILogger logger, string name, string id, string version);

    [ZLoggerMessage(7002, LogLevel.Warning, "agent {name}: an exec tool manifest was refused: {reason}")]
    public static partial void ExecToolRefused(this ILogger logger, string name, string reason);

    [ZLoggerMessage(7003, LogLevel.Warning, "exec tool {id} v{version} from the ledger is not served: {reason}")]
    public static partial void ExecToolUnreadable(this ILogger logger, string id, string version, string reason);

    [ZLoggerMessage(8000, LogLevel.Information, "campaign {campaign} batch {jobId}: {records} children made from position {start} (next {next}) in {elapsedMs} ms: reading the catalog {readMs} ms, checking the children {checkMs} ms, writing them {writeMs} ms")]
    public static partial void BatchSpawned(this ILogger logger, string campaign, long jobId, int records, long start, string next, long elapsedMs, long readMs, long checkMs, long writeMs);

    [ZLoggerMessage(8001, LogLevel.Warning, "campaign {campaign} batch {jobId}: reading the catalog failed ({code}: {message}); trying again in {delayMs} ms")]
    public static partial void BatchReadRetrying(this ILogger logger, string campaign, long jobId, string code, string message, long delayMs);

    [ZLoggerMessage(8002, LogLevel.Error, "campaign {campaign} batch {jobId} failed: {code}: {message}; the campaign's next_start_position is unchanged, so the page can be asked again")]
    public static partial void BatchReadFailed(this ILogger logger, string campaign, long jobId, string code, string message);

    [ZLoggerMessage(8003, LogLevel.Information, "campaign {campaign} batch {jobId} was stopped while its page was read; nothing was made")]
    public static partial void BatchGone(this ILogger logger, string campaign, long jobId);

    [ZLoggerMessage(8004, LogLevel.Error, "campaign batch reader pass failed; retrying")]
    public static partial void BatchPassFailed(this ILogger logger, Exception error);

    [ZLoggerMessage(8005, LogLevel.Information, "campaign {campaign} created by {owner} ({source} source)")]
    public static partial void CampaignCreated(this ILogger logger, string campaign, string owner, string source);

    [ZLoggerMessage(8006, LogLevel.Information, "campaign {campaign}: {jobs} jobs queued for missing variants of {records} records, by {owner}")]
    public static partial void VariantsRepaired(this ILogger logger, string campaign, int jobs, int records, string owner);
}
