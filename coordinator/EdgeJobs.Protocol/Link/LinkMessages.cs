using MemoryPack;

namespace EdgeJobs.Protocol.Link;

// The agent link conversation (README "More machines"; the coordinator's ARCHITECTURE.md). Frames are [u32 little-endian length][MemoryPack ILinkMessage].
//
//   agent                                   coordinator
//   Hello(version, token, node key, tools,  ──▶  authenticate, register node, check presented leases
//         slots, held leases)               ◀──  Welcome(node id, lease ttl, heartbeat, lease verdicts) | Refused
//                                           ◀──  Grant(job, attempt, fence, tool, params, deadline)   (pushed)
//   Accept(job, fence) | Reject(...)        ──▶  running only now
//   Heartbeat(every lease: fence,           ──▶  renew leases, store progress and log lines
//             progress, new log lines,      ◀──  Renewed(verdict per lease: continue | stop | lost)
//             progress per output)
//                                           ◀──  Stop(job, fence)                                      (pushed)
//   ArtifactChunk(job, fence, offset, bytes)──▶  appended to a part file, hashed as it arrives
//   Finished(job, fence, outcome, error,    ──▶  apply under the fence; the artifact is verified
//            artifact size + sha256,              (size, SHA-256) and renamed into place
//            final output sizes)
//                                           ◀──  FinishAck(job, fence, applied)   (the agent may forget it now)
//   ArtifactFile(job, fence, path, secret)  ──▶  instead of chunks, from the agent embedded in `edgejobs up`
//                                                only: the file is renamed into place, not copied
//   Draining                                ──▶  no more grants to this agent (SIGTERM)
//                                           ◀──  DatasetGrant(grant, org/dataset, input URL)           (pushed)
//                                                a job on a dataset, only to agents whose Hello says they can
//                                                read datasets (mounted, or through the URL with its lease token)
//                                           ◀──  StepGrant(grant, dataset?, input URL?, artifacts)     (pushed)
//                                                a recipe's step job, only to agents whose Hello has Features.StepArtifacts:
//                                                earlier steps' artifacts ("step:ID.output" params) come as URLs
//
// Union tags and member order are frozen: agents on the edge upgrade after the coordinator.
// LinkGoldenBytesTests fails if either changes. Add new messages with new tags; add members only at
// the end of a message. A message with a member appended is read by a newer side with the member's
// default when an older side sent it, but an older side refuses a message with more members than it
// knows (MemoryPack's default layout): hence coordinators first, and the protocol version stays 1.
// Appended so far: Finished.Artifact, LeaseReport/Finished.FirstLogSeq, LeaseReport/Finished.Outputs,
// Hello.DatasetAccess, Hello.Features, Hello.ExecManifests (each exec tool's manifest as compact JSON; the coordinator
// checks them again and lists only the accepted ones in the node's tools), Hello.GrantDeadlineUnixMs (an agent that must
// stop by then, in a Slurm allocation: only jobs whose timeout ends before it are granted to it; 0: no deadline). Messages to agents never grow (an older agent would refuse them): what a newer agent
// may be told comes in a new message, sent only to agents that announced they understand it.
[MemoryPackable]
[MemoryPackUnion(0, typeof(Hello))]
[MemoryPackUnion(1, typeof(Welcome))]
[MemoryPackUnion(2, typeof(Refused))]
[MemoryPackUnion(3, typeof(Grant))]
[MemoryPackUnion(4, typeof(Accept))]
[MemoryPackUnion(5, typeof(Reject))]
[MemoryPackUnion(6, typeof(Heartbeat))]
[MemoryPackUnion(7, typeof(Renewed))]
[MemoryPackUnion(8, typeof(Stop))]
[MemoryPackUnion(9, typeof(Finished))]
[MemoryPackUnion(10, typeof(FinishAck))]
[MemoryPackUnion(11, typeof(Draining))]
[MemoryPackUnion(12, typeof(ArtifactChunk))]
[MemoryPackUnion(13, typeof(ArtifactFile))]
[MemoryPackUnion(14, typeof(DatasetGrant))]
[MemoryPackUnion(15, typeof(StepGrant))]
public partial interface ILinkMessage;

[MemoryPackable]
public sealed partial record Hello(
    int ProtocolVersion,
    string Token,
    string NodeKey,
    string Name,
    Label[] Labels,
    ToolVersion[] Tools,
    int Slots,
    HeldLease[] Leases,
    DatasetAccess DatasetAccess = DatasetAccess.None,
    AgentFeatures Features = AgentFeatures.None,
    string[]? ExecManifests = null,
    long GrantDeadlineUnixMs = 0) : ILinkMessage;

/// <summary>What an agent understands beyond the first protocol (older agents send none).</summary>
[Flags]
public enum AgentFeatures
{
    None = 0,

    /// <summary>It takes <see cref="StepGrant"/>s: recipe step jobs, whose earlier steps' artifacts it reads over HTTP.</summary>
    StepArtifacts = 1,
}

/// <summary>How an agent reads the entries of a job's dataset (older agents send none, and get no dataset jobs).</summary>
public enum DatasetAccess : byte
{
    None = 0,

    /// <summary>Over HTTP from the coordinator, through the <see cref="DatasetGrant.InputUrl"/> of each grant.</summary>
    Urls = 1,

    /// <summary>From a mount of the coordinator's datasets directory (<c>--datasets-dir</c>), or through URLs.</summary>
    Mounted = 2,
}

[MemoryPackable]
public sealed partial record ToolVersion(string Id, string Version);

/// <summary>A node label, <c>key=value</c>.</summary>
[MemoryPackable]
public sealed partial record Label(string Key, string Value);

/// <summary>A lease an agent still holds when it (re)connects, with whether its result is ready to deliver.</summary>
[MemoryPackable]
public sealed partial record HeldLease(long JobId, long Fence);

[MemoryPackable]
public sealed partial record Welcome(
    long NodeId,
    int LeaseTtlMs,
    int HeartbeatIntervalMs,
    LeaseVerdict[] Leases) : ILinkMessage;

[MemoryPackable]
public sealed partial record Refused(string Code, string Message) : ILinkMessage;

[MemoryPackable]
public sealed partial record Grant(
    long JobId,
    int Attempt,
    long Fence,
    string Tool,
    string ToolVersion,
    string ParamsJson,
    long DeadlineUnixMs) : ILinkMessage;

/// <summary>
/// A grant of a job whose paths name entries of <see cref="Dataset"/> (<c>org/name</c>). <see cref="InputUrl"/> is where
/// they can be read over HTTP (absolute, ending in '/': an entry's path is appended, escaped), valid only for this
/// job's inputs and only while this lease holds; null when the agent mounts the datasets.
/// </summary>
[MemoryPackable]
public sealed partial record DatasetGrant(Grant Grant, string Dataset, string? InputUrl) : ILinkMessage;

/// <summary>
/// A grant of a recipe's step job. Its params may name earlier steps' artifacts as <c>"step:ID.output"</c>; each is
/// in <see cref="Artifacts"/>, readable over HTTP with the lease's token while the lease holds. <see cref="Dataset"/>
/// and <see cref="DatasetInputUrl"/> are as in <see cref="DatasetGrant"/> when the recipe job is on a dataset.
/// </summary>
[MemoryPackable]
public sealed partial record StepGrant(Grant Grant, string? Dataset, string? DatasetInputUrl, StepArtifact[] Artifacts) : ILinkMessage;

/// <summary>An earlier step's artifact: the params' reference to it, where to read it, its file name and size.</summary>
[MemoryPackable]
public sealed partial record StepArtifact(string Reference, string Url, string FileName, long SizeBytes);

[MemoryPackable]
public sealed partial record Accept(long JobId, long Fence) : ILinkMessage;

[MemoryPackable]
public sealed partial record Reject(long JobId, long Fence, string Reason) : ILinkMessage;

[MemoryPackable]
public sealed partial record Heartbeat(LeaseReport[] Leases, int FreeSlots) : ILinkMessage;

/// <summary>
/// One held lease in a heartbeat: progress, log lines not yet acknowledged, and whether a stop was seen.
/// <see cref="FirstLogSeq"/> numbers the first line (1-based, per attempt; 0 from agents that do not
/// number lines), so lines resent after a lost acknowledgement are not stored twice.
/// </summary>
[MemoryPackable]
public sealed partial record LeaseReport(
    long JobId,
    long Fence,
    double Percent,
    string? Phase,
    string[] NewLogLines,
    bool StopAcknowledged,
    long FirstLogSeq = 0,
    OutputReport[]? Outputs = null);

/// <summary>
/// Progress of one output a job writes, keyed by <see cref="Name"/> (the file name its artifact is offered
/// under). <see cref="BytesWritten"/> is the output file's size on disk so far; <see cref="BlocksDone"/>
/// counts the tool's units of work on it (strips, 1 MiB blocks) of <see cref="BlocksTotal"/>, or
/// <see cref="UnknownTotal"/> when the tool cannot tell (GDAL's CreateCopy and warp report only a fraction);
/// <see cref="Files"/> the files it consists of so far. Null in messages from agents older than per-output progress.
/// </summary>
/// <remarks>
/// Not a <c>long?</c>: MemoryPack copies a nullable struct's bytes as they lie in memory, padding included, so
/// equal messages could encode to different bytes.
/// </remarks>
[MemoryPackable]
public sealed partial record OutputReport(string Name, long BytesWritten, long BlocksDone, long BlocksTotal, int Files)
{
    /// <summary>The <see cref="BlocksTotal"/> of an output whose tool cannot count its blocks.</summary>
    public const long UnknownTotal = -1;
}

[MemoryPackable]
public sealed partial record Renewed(LeaseVerdict[] Leases) : ILinkMessage;

[MemoryPackable]
public sealed partial record LeaseVerdict(long JobId, long Fence, LeaseState State);

/// <summary>What the coordinator says about a lease the agent holds.</summary>
public enum LeaseState : byte
{
    /// <summary>Keep running.</summary>
    Continue = 0,
    /// <summary>A stop was requested: cancel the tool and report it stopped.</summary>
    Stop = 1,
    /// <summary>The lease is gone (expired, superseded, job deleted): cancel and report nothing.</summary>
    Lost = 2,
}

[MemoryPackable]
public sealed partial record Stop(long JobId, long Fence) : ILinkMessage;

/// <summary>
/// A tool's end. <see cref="CpuSeconds"/> is the attempt's part of the agent's CPU time (null from agents before it,
/// or where the agent cannot measure): what a paying job's credits settle from.
/// </summary>
[MemoryPackable]
public sealed partial record Finished(
    long JobId,
    long Fence,
    AttemptOutcome Outcome,
    string? ErrorCode,
    string? ErrorMessage,
    string[] FinalLogLines,
    ArtifactInfo? Artifact = null,
    long FirstLogSeq = 0,
    OutputReport[]? Outputs = null,
    double? CpuSeconds = null) : ILinkMessage;

/// <summary>
/// The artifact whose chunks (or whose <see cref="ArtifactFile"/>) preceded a Finished: its file name,
/// size and how to check it. Handed over by path, <see cref="Sha256"/> (hex) is the agent's and is
/// recorded as the artifact's. Streamed, <see cref="Sha256"/> is empty and <see cref="XxHash3"/> (hex)
/// covers the bytes as the agent read them: the coordinator hashes what it received both ways, checks
/// XXH3 end to end and records its own SHA-256, so the cryptographic hash is computed once, where the
/// durable copy is, instead of on both sides of the link. (Agents before this member send a SHA-256 and
/// no XXH3; the coordinator checks that instead.)
/// </summary>
[MemoryPackable]
public sealed partial record ArtifactInfo(string FileName, long SizeBytes, string Sha256, string? XxHash3 = null);

/// <summary>
/// One piece of a job's artifact, sent before its Finished, in order from offset 0. An upload that
/// starts again at offset 0 (after a reconnect) replaces the partial one. Both sides read and write it
/// in place through <see cref="ArtifactChunkFrame"/>; this record is its wire shape.
/// </summary>
[MemoryPackable]
public sealed partial record ArtifactChunk(long JobId, long Fence, long Offset, byte[] Data) : ILinkMessage;

/// <summary>
/// A job's artifact handed over by path, sent before its Finished by an agent in the coordinator's own
/// process (<c>edgejobs up</c>): same machine, same file system, so a rename replaces streaming the file
/// through the link. <see cref="Secret"/> is the coordinator's per-process co-location secret, which only
/// that agent knows; the coordinator also checks the path is in that agent's work dir.
/// </summary>
[MemoryPackable]
public sealed partial record ArtifactFile(long JobId, long Fence, string Path, string Secret) : ILinkMessage;

/// <summary>How an attempt ended, as the agent reports it.</summary>
public enum AttemptOutcome : byte
{
    Succeeded = 1,
    RetryableFailure = 2,
    FatalFailure = 3,
    Stopped = 4,
}

[MemoryPackable]
public sealed partial record FinishAck(long JobId, long Fence, bool Applied) : ILinkMessage;

[MemoryPackable]
public sealed partial record Draining : ILinkMessage;
