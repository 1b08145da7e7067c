using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using EdgeJobs.Protocol.Link;
using Microsoft.AspNetCore.Connections;

namespace EdgeJobs.Coordinator.Link;

/// <summary>
/// One connected agent: who it is, which jobs it holds (offered or leased), and an outgoing queue
/// drained by a single writer loop so pushes from any thread never interleave frames.
/// </summary>
internal sealed class AgentSession
{
    private readonly Channel<ILinkMessage> _outgoing = Channel.CreateUnbounded<ILinkMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<long> _held = [];
    private readonly ConnectionContext _connection;

    public AgentSession(ConnectionContext connection, long nodeId, Hello hello)
    {
        _connection = connection;
        NodeId = nodeId;
        Name = hello.Name;
        Slots = hello.Slots;
        Tools = [.. hello.Tools.Select(t => t.Id).Distinct(StringComparer.Ordinal)];
        foreach (var lease in hello.Leases)
        {
            _held.Add(lease.JobId);
        }
    }

    public long NodeId { get; }

    public string Name { get; }

    public int Slots { get; }

    public IReadOnlyList<string> Tools { get; }

    public string Remote => _connection.RemoteEndPoint?.ToString() ?? "?";

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

    public void Send(ILinkMessage message) => _outgoing.Writer.TryWrite(message);

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
