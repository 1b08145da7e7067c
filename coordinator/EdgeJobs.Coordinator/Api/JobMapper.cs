using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

/// <summary>Ledger rows to REST shapes.</summary>
internal static class JobMapper
{
    public static JobDto ToDto(JobRow row, IReadOnlyList<string>? logTail = null, bool? deduplicated = null, ArtifactRow? artifact = null)
    {
        using var parameters = JsonDocument.Parse(row.Params);
        return new JobDto
        {
            Id = row.Id,
            Tool = row.Tool,
            Version = row.ToolVersion,
            Status = row.JobState.Name(),
            Params = parameters.RootElement.Clone(),
            Priority = row.Priority,
            Attempt = row.Attempt,
            MaxAttempts = row.MaxAttempts,
            TimeoutS = row.TimeoutMs / 1000.0,
            NodeId = row.NodeId,
            Progress = row.ProgressPercent is { } percent ? new ProgressDto(percent, row.ProgressPhase) : null,
            CreatedAt = Time(row.CreatedAt),
            UpdatedAt = Time(row.UpdatedAt),
            StartedAt = TimeOrNull(row.StartedAt),
            FinishedAt = TimeOrNull(row.FinishedAt),
            DurationMs = row is { StartedAt: { } s, FinishedAt: { } f } ? f - s : null,
            Error = row.ErrorCode is { } code ? new ErrorDto(code, row.ErrorMessage, row.ErrorRetryable == 1) : null,
            LogCursor = row.LogSeq,
            LogTail = logTail,
            Artifact = artifact is null ? null : new ArtifactDto(artifact.SizeBytes, artifact.Sha256, $"/v1/jobs/{row.Id}/artifact", Time(artifact.ExpiresAt), Path.GetFileName(artifact.Path)),
            Owner = row.Owner,
            Org = row.Org,
            CampaignId = row.CampaignId,
            ParentId = row.ParentId,
            Dataset = row.Dataset is { } dataset ? row.Org + "/" + dataset : null,
            NodeLabels = row.NodeLabels is { } labels ? JsonSerializer.Deserialize(labels, RestJsonContext.Default.IReadOnlyDictionaryStringString) : null,
            Step = row.StepId,
            Workspace = row.Workspace,
            CpuSeconds = row.CpuMs / 1000.0,
            Project = row.Project,
            Deduplicated = deduplicated,
        };
    }

    public static JobEventDto ToDto(JobEventRow e) => new(
        e.Seq,
        Time(e.At),
        e.FromState is { } from ? ((JobState)from).Name() : null,
        ((JobState)e.ToState).Name(),
        ((EventReason)e.Reason).Name(),
        e.NodeId,
        e.Attempt,
        e.Fence,
        e.ErrorCode is { } code
            ? new ErrorDto(code, e.ErrorMessage, (EventReason)e.Reason is EventReason.RetryableFailure or EventReason.LeaseExpired && (JobState)e.ToState == JobState.Scheduled)
            : null);

    public static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    private static DateTimeOffset? TimeOrNull(long? unixMs) => unixMs is { } ms ? Time(ms) : null;
}
