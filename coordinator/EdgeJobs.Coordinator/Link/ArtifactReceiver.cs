using System.Buffers;
using System.Security.Cryptography;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Link;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Link;

/// <summary>
/// An agent's artifacts arriving over the link: streamed chunks appended to an upload (the first one checks
/// the lease), or, from the agent in this process, a file adopted by renaming; then, on Finished, checked
/// against the size and SHA-256 the agent reports and published. The uploads in progress are the session's.
/// </summary>
internal sealed class ArtifactReceiver(JobLedger ledger, ArtifactStore artifacts, LinkSettings settings, ILogger logger)
{
    /// <summary>
    /// Appends a chunk to its upload. The first chunk (offset 0) checks the lease; chunks of a refused
    /// upload are dropped; an out-of-order offset is a broken peer and closes the link.
    /// </summary>
    public async Task ReceiveChunkAsync(AgentSession session, ArtifactChunkHeader chunk, ReadOnlySequence<byte> data)
    {
        var key = (chunk.JobId, chunk.Fence);
        if (chunk.Offset == 0)
        {
            if (session.Uploads.Remove(key, out var previous) && previous is not null)
            {
                previous.Dispose();
            }

            var job = await ledger.GetJobAsync(chunk.JobId).ConfigureAwait(false);
            var valid = job is not null && job.Fence == chunk.Fence && job.LeaseNodeId == session.NodeId && JobRules.HoldsLease(job.JobState);
            session.Uploads[key] = valid ? new ArtifactStore.Upload(artifacts.IncomingPath(chunk.JobId, chunk.Fence)) : null;
            if (!valid)
            {
                logger.StaleAgentWrite(session.Name, session.NodeId, "ArtifactChunk", chunk.JobId, job?.JobState.Name() ?? "not found");
            }
        }

        if (!session.Uploads.TryGetValue(key, out var upload))
        {
            throw new InvalidDataException($"artifact chunk for job {chunk.JobId} at offset {chunk.Offset} without a start");
        }

        if (upload is null)
        {
            return;
        }

        if (chunk.Offset != upload.Length)
        {
            throw new InvalidDataException($"artifact chunk for job {chunk.JobId} at offset {chunk.Offset}, expected {upload.Length}");
        }

        if (upload.Length + data.Length > settings.MaxArtifactBytes)
        {
            // Refuse it: the Finished then finds no upload and the attempt fails with artifact_too_large.
            upload.Dispose();
            File.Delete(upload.Path);
            session.Uploads[key] = null;
            return;
        }

        foreach (var segment in data)
        {
            upload.Append(segment.Span);
        }
    }

    /// <summary>
    /// Adopts an artifact file from the agent in this process by renaming it into the incoming dir: no copy,
    /// no second hash. Anyone else (no or wrong secret, a path outside that agent's work dir, a link, a stale
    /// lease) gets the upload refused, so its Finished fails with artifact_missing and the job is retried.
    /// </summary>
    public async Task ReceiveFileAsync(AgentSession session, ArtifactFile file)
    {
        var key = (file.JobId, file.Fence);
        if (session.Uploads.Remove(key, out var previous))
        {
            previous?.Dispose();
        }

        session.Uploads[key] = null;
        var colocation = settings.Colocation;
        var secretOk = colocation is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(file.Secret), System.Text.Encoding.UTF8.GetBytes(colocation.Secret));
        var info = new FileInfo(Path.GetFullPath(file.Path));
        if (!secretOk || !info.FullName.StartsWith(colocation!.WorkDir + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || !info.Exists || info.LinkTarget is not null || info.Length > settings.MaxArtifactBytes)
        {
            logger.ArtifactFileRefused(session.Name, session.NodeId, file.JobId, secretOk ? "not a file of its own work dir, or too large" : "not the agent in this process");
            return;
        }

        var job = await ledger.GetJobAsync(file.JobId).ConfigureAwait(false);
        if (job is null || job.Fence != file.Fence || job.LeaseNodeId != session.NodeId || !JobRules.HoldsLease(job.JobState))
        {
            logger.StaleAgentWrite(session.Name, session.NodeId, "ArtifactFile", file.JobId, job?.JobState.Name() ?? "not found");
            return;
        }

        var incoming = artifacts.IncomingPath(file.JobId, file.Fence);
        try
        {
            File.Move(info.FullName, incoming, overwrite: true);
        }
        catch (IOException)
        {
            // Another file system after all: copy, as streaming would have.
            File.Copy(info.FullName, incoming, overwrite: true);
        }

        session.Uploads[key] = ArtifactStore.Upload.Adopt(incoming);
    }

    /// <summary>
    /// Verifies a finished job's upload against the size and SHA-256 the agent reports and moves it into
    /// place. A success whose artifact is missing or does not match becomes a retryable failure.
    /// </summary>
    public (FinishReport Report, ArtifactRecord? Artifact) Complete(AgentSession session, Finished finished)
    {
        var report = new FinishReport(ToOutcome(finished.Outcome), finished.ErrorCode, finished.ErrorMessage, finished.CpuSeconds);
        var key = (finished.JobId, finished.Fence);
        session.Uploads.Remove(key, out var upload);
        if (finished.Artifact is not { } info)
        {
            upload?.Dispose();
            return (report, null);
        }

        if (upload is null)
        {
            return (Corrupt(report, "artifact_missing", "the artifact was not received (too large, or sent under a stale lease)"), null);
        }

        // An adopted file was never in transit: its size is checked, its hash is the agent's own. A streamed
        // one is checked end to end by the agent's XXH3 (or, from an older agent, its SHA-256) and recorded
        // with the SHA-256 computed here as it arrived.
        var (sha256, xxHash3) = upload.Seal();
        var intact = upload.Length == info.SizeBytes && (sha256 is null || (info.XxHash3 is { } expected ? xxHash3 == expected : sha256 == info.Sha256));
        sha256 ??= info.Sha256;
        if (!intact)
        {
            File.Delete(upload.Path);
            var received = info.XxHash3 is null ? $"SHA-256 {sha256}" : $"XXH3 {xxHash3}";
            var sent = info.XxHash3 is null ? $"SHA-256 {info.Sha256}" : $"XXH3 {info.XxHash3}";
            return (Corrupt(report, "artifact_corrupt", $"received {upload.Length} bytes with {received}; the agent sent {info.SizeBytes} bytes with {sent}"), null);
        }

        var path = artifacts.Publish(upload.Path, finished.JobId, info.FileName);
        return (report, new ArtifactRecord(path, info.SizeBytes, sha256, DateTimeOffset.FromUnixTimeMilliseconds(ledger.Now()) + settings.ArtifactTtl));
    }

    private static FinishReport Corrupt(FinishReport report, string code, string message) =>
        report.Outcome == FinishOutcome.Succeeded ? report with { Outcome = FinishOutcome.RetryableFailure, ErrorCode = code, ErrorMessage = message } : report;

    private static FinishOutcome ToOutcome(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => FinishOutcome.Succeeded,
        AttemptOutcome.RetryableFailure => FinishOutcome.RetryableFailure,
        AttemptOutcome.FatalFailure => FinishOutcome.FatalFailure,
        AttemptOutcome.Stopped => FinishOutcome.Stopped,
        _ => throw new InvalidDataException($"unknown attempt outcome {(int)outcome}"),
    };
}
