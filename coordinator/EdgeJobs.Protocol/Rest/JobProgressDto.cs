namespace EdgeJobs.Protocol.Rest;

/// <summary>
/// <c>GET /v1/jobs/{id}/progress</c>: the job's state and progress per output it writes, shaped as amp's job
/// progress (<c>job_id</c>, <c>status</c>, <c>tables</c> keyed by name) so amp clients read it unchanged.
/// </summary>
public sealed record JobProgressDto(long JobId, string Status, IReadOnlyDictionary<string, OutputProgressDto> Tables);

/// <summary>
/// One output of the current (or last) attempt: its file's bytes on disk, the tool's units of work done of
/// their total (null when the tool cannot tell), the files written, and when the coordinator last saw a change.
/// </summary>
public sealed record OutputProgressDto(long BytesWritten, long BlocksDone, long? BlocksTotal, int Files, DateTimeOffset UpdatedAt);
