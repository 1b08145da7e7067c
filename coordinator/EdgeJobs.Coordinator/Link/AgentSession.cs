using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using EdgeJobs.Protocol.Link;
using Microsoft.AspNetCore.Connections;

namespace EdgeJobs.Coordinator.Link;

/// <summary>
/// One connected agent: who it is, which jobs it holds (offered or leased), and an outgoing queue
/// drained by a single writer loop so pushes from any thread never interleave frames.
/// The queue is bounded: an agent that stops reading (while its socket and Kestrel's output buffer are full)
/// would otherwise grow the coordinator's memory by every answer and push meant for it. When the queue is
/// full the connection is closed instead — senders never wait on an agent — and the agent redials and
/// presents its leases, as after any broken link.
/// </summary>
internal sealed class AgentSession
{
    /// <summary>Queued messages allowed per agent, beyond a few per slot: grants, stops and acknowledgements in flight.</summary>
    public const int DefaultOutgoingCapacity = 1024;

    private readonly Channel<ILinkMessage> _outgoing;
    private readonly HashSet<long> _held = [];
    private readonly ConnectionContext _connection;
    private readonly Action<AgentSession, int>? _overflowed;
    private int _closing;

    /// <param name="outgoingCapacity">Messages that may wait for the agent; 0 picks <see cref="DefaultOutgoingCapacity"/> plus four per slot.</param>
    /// <param name="overflowed">Told (once) when the queue filled and the connection is being closed.</param>
    public AgentSession(ConnectionContext connection, long nodeId, Hello hello, int outgoingCapacity = 0, Action<AgentSession, int>? overflowed = null,
        string labelsJson = "{}", string httpUrl = "")
    {
        LabelsJson = labelsJson;
        HttpUrl = httpUrl;
        DatasetAccess = hello.DatasetAccess;
        Features = hello.Features;
        GrantDeadline = hello.GrantDeadlineUnixMs;
        _connection = connection;
        _overflowed = overflowed;
        OutgoingCapacity = outgoingCapacity > 0 ? outgoingCapacity : DefaultOutgoingCapacity + (4 * Math.Max(0, hello.Slots));
        _outgoing = Channel.CreateBounded<ILinkMessage>(new BoundedChannelOptions(OutgoingCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        NodeId = nodeId;
        Name = hello.Name;
        Slots = hello.Slots;
        Tools = [.. hello.Tools.Select(t => t.Id).Distinct(StringComparer.Ordinal)];
        GrantableTools = [.. hello.Tools.Select(t => t.Id + "@" + t.Version).Distinct(StringComparer.Ordinal)];
        foreach (var lease in hello.Leases)
        {
            _held.Add(lease.JobId);
        }
    }

    public long NodeId { get; }

    public string Name { get; }

    public int Slots { get; }

    public IReadOnlyList<string> Tools { get; }

    /// <summary>
    /// What it may be granted: <c>id@version</c> of each tool it runs. Matching ids alone offered a job of another version
    /// again and again (the agent rejects it, the reject frees the offer, the next pass offers it again).
    /// </summary>
    public IReadOnlyList<string> GrantableTools { get; }

    /// <summary>The node's labels as a JSON object (what a job's <c>node_labels</c> are matched against).</summary>
    public string LabelsJson { get; }

    public DatasetAccess DatasetAccess { get; }

    /// <summary>When an agent in a Slurm allocation stops taking work (Unix ms): only jobs whose timeout ends before it are granted; 0: none.</summary>
    public long GrantDeadline { get; }

    /// <summary>What the agent understands beyond the first protocol (step grants...).</summary>
    public AgentFeatures Features { get; }

    /// <summary>The coordinator's REST address as this agent reaches it (ends in '/'), for dataset input URLs.</summary>
    public string HttpUrl { get; }

    public string Remote => _connection.RemoteEndPoint?.ToString() ?? "?";

    public int OutgoingCapacity { get; }

    /// <summary>Artifact uploads in progress by (job, fence); null marks one refused (stale lease, too large).</summary>
    public Dictionary<(long JobId, long Fence), Artifacts.ArtifactStore.Upload?> Uploads { get; } = [];

    /// <summary>The agent said it is shutting down: no more grants.</summary>
    public volatile bool Draining;

    public int FreeSlots
    {
        get
        {
            lock (_held)
            {
                return Math.Max(0, Slots - _held.Count);
            }
        }
    }

    public void Hold(long jobId)
    {
        lock (_held)
        {
            _held.Add(jobId);
        }
    }

    public void Release(long jobId)
    {
        lock (_held)
        {
            _held.Remove(jobId);
        }
    }

    /// <summary>Queues a message for the agent without waiting; a full queue closes the connection (see the type's remarks).</summary>
    public void Send(ILinkMessage message)
    {
        if (_outgoing.Writer.TryWrite(message) || Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _closing, 1) == 0)
        {
            _overflowed?.Invoke(this, OutgoingCapacity);
            _outgoing.Writer.TryComplete();
            _connection.Abort(new ConnectionAbortedException($"the agent is not reading its link: {OutgoingCapacity} messages wait for it"));
        }
    }

    /// <summary>Writes queued messages until the connection ends; flushes whenever the queue runs dry.</summary>
    public async Task WriteLoopAsync(PipeWriter output, CancellationToken cancellation)
    {
        var scratch = new ArrayBufferWriter<byte>(1024);
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    LinkFrames.Write(output, message, scratch);
                }

                var flushed = await output.FlushAsync(cancellation).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Complete()
    {
        Volatile.Write(ref _closing, 1);
        _outgoing.Writer.TryComplete();
        foreach (var upload in Uploads.Values)
        {
            upload?.Dispose();
            if (upload is not null)
            {
                File.Delete(upload.Path);
            }
        }

        Uploads.Clear();
    }

    public void Abort() => _connection.Abort(new ConnectionAbortedException("replaced by a newer connection from the same node"));
}
