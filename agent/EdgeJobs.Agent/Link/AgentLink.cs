using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using EdgeJobs.Agent.Runner;
using EdgeJobs.Hosting;
using EdgeJobs.Hosting.Net;
using EdgeJobs.Protocol.Link;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Agent.Link;

/// <summary>
/// The agent's end of the link: dials the coordinator, says Hello with the leases it still holds,
/// then relays grants, stops and verdicts to the runner and sends heartbeats and results. When the
/// link drops, jobs keep running; it redials with backoff and jitter and catches up: held leases are
/// re-presented, unacknowledged log lines and results resent.
/// </summary>
internal sealed class AgentLink(AgentOptions options, JobRunner runner, string nodeKey, ILogger logger)
{
    private readonly SemaphoreSlim _heartbeatNow = new(0, 1);
    private volatile Channel<ILinkMessage>? _outgoing;

    /// <summary>The node id the coordinator gave this agent (0 until the first Welcome).</summary>
    public long NodeId { get; private set; }

    /// <summary>Set once connected and welcomed; reset when the link drops.</summary>
    public bool Connected => _outgoing is not null;

    /// <summary>Runs until <paramref name="cancellation"/> fires.</summary>
    /// <exception cref="AgentRefusedException">The coordinator refused this agent (bad token, protocol version).</exception>
    public async Task RunAsync(CancellationToken cancellation)
    {
        runner.Ended += job => SendOrKeep(job.Result!);
        runner.Noteworthy += RequestHeartbeat;
        var failures = 0;
        while (!cancellation.IsCancellationRequested)
        {
            string reason;
            try
            {
                await RunConnectionAsync(cancellation, () => failures = 0).ConfigureAwait(false);
                reason = "the coordinator closed the link";
            }
            catch (AgentRefusedException)
            {
                throw;
            }
            catch (Exception) when (cancellation.IsCancellationRequested)
            {
                // Shutting down: whatever the connection threw on the way out is expected.
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                reason = e.Message;
            }

            var delay = RedialDelay(++failures);
            if (NodeId == 0 || failures > 1)
            {
                logger.ConnectFailed(options.Coordinator, reason, (long)delay.TotalMilliseconds);
            }
            else
            {
                logger.Disconnected(options.Coordinator, reason, runner.RunningCount);
            }

            try
            {
                await Task.Delay(delay, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Redial delay: the shared capped exponential backoff with jitter, so a fleet of agents does not redial in lockstep.</summary>
    private TimeSpan RedialDelay(int failures) =>
        Backoff.Delay(failures, options.ReconnectBaseDelay, options.ReconnectMaxDelay, Random.Shared.NextDouble());

    private async Task RunConnectionAsync(CancellationToken cancellation, Action onWelcome)
    {
        var (host, port) = ParseCoordinator(options.Coordinator);
        using var client = new TcpClient { NoDelay = true };
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
        }

        await using var stream = await OpenStreamAsync(client, host, cancellation).ConfigureAwait(false);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var scratch = new ArrayBufferWriter<byte>(1024);
        try
        {
            LinkFrames.Write(output, new Hello(LinkProtocol.Version, options.Token, nodeKey, options.Name,
                [.. options.Labels.Select(l => new Label(l.Key, l.Value))], runner.ToolVersions, options.Slots, runner.HeldLeases(),
                options.DatasetsDir is null ? DatasetAccess.Urls : DatasetAccess.Mounted, AgentFeatures.StepArtifacts, runner.ExecManifests,
                options.LeaveAt?.ToUnixTimeMilliseconds() ?? 0), scratch);
            await output.FlushAsync(cancellation).ConfigureAwait(false);

            var welcome = await ReadWelcomeAsync(input, cancellation).ConfigureAwait(false);
            NodeId = welcome.NodeId;
            onWelcome();
            logger.Connected(options.Coordinator, welcome.NodeId, options.Name, options.Slots);
            var outgoing = Channel.CreateUnbounded<ILinkMessage>(new UnboundedChannelOptions { SingleReader = true });
            foreach (var verdict in welcome.Leases)
            {
                runner.OnVerdict(verdict, m => outgoing.Writer.TryWrite(m));
            }

            _outgoing = outgoing;
            if (runner.Draining)
            {
                outgoing.Writer.TryWrite(new Draining());
            }

            outgoing.Writer.TryWrite(runner.BuildHeartbeat());
            foreach (var result in runner.PendingResults())
            {
                outgoing.Writer.TryWrite(result);
            }

            var writer = WriteLoopAsync(output, outgoing.Reader, scratch, runner, options.ColocationSecret, connection.Token);
            var heartbeats = HeartbeatLoopAsync(outgoing.Writer, TimeSpan.FromMilliseconds(welcome.HeartbeatIntervalMs), connection.Token);
            try
            {
                await ReadLoopAsync(input, outgoing.Writer, connection.Token).ConfigureAwait(false);
            }
            finally
            {
                _outgoing = null;
                outgoing.Writer.TryComplete();
                await connection.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(Quietly(writer), Quietly(heartbeats)).ConfigureAwait(false);
            }
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The connection's stream: plain, or TLS checked against the system roots and the optional CA file.</summary>
    private async Task<Stream> OpenStreamAsync(TcpClient client, string host, CancellationToken cancellation)
    {
        var network = client.GetStream();
        if (!options.Tls)
        {
            return network;
        }

        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        var ca = options.TlsCaFile is { } caFile ? X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile, cancellation).ConfigureAwait(false)) : null;
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, ca),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(authentication, timeout.Token).ConfigureAwait(false);
        return tls;
    }

    /// <summary>
    /// The system's verdict, or else: the coordinator's certificate is the pinned one itself (a
    /// self-signed certificate, or the embedded agent's own coordinator), or it chains to the given CA
    /// with its name matching.
    /// </summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? ca)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (ca is null || certificate is null)
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (presented.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented) && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task<Welcome> ReadWelcomeAsync(PipeReader input, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(LinkProtocol.HelloTimeout);
        switch (await LinkFrames.ReadOneAsync(input, timeout.Token).ConfigureAwait(false))
        {
            case Welcome welcome:
                return welcome;
            case Refused refused:
                logger.Refused(refused.Code, refused.Message);
                throw new AgentRefusedException(refused.Code, refused.Message);
            case null:
                throw new IOException("the coordinator closed the link before welcoming this agent");
            case var other:
                throw new InvalidDataException($"expected Welcome, got {other.GetType().Name}");
        }
    }

    private async Task ReadLoopAsync(PipeReader input, ChannelWriter<ILinkMessage> outgoing, CancellationToken cancellation)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellation).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (LinkFrames.TryParseFrame(ref buffer, LinkProtocol.MaxFrameBytes, out var payload))
                {
                    switch (LinkFrames.Decode(payload))
                    {
                        case Grant grant:
                            runner.OnGrant(grant, m => outgoing.TryWrite(m));
                            break;
                        case DatasetGrant onDataset:
                            runner.OnGrant(onDataset.Grant, m => outgoing.TryWrite(m), onDataset);
                            break;
                        case StepGrant onStep:
                            runner.OnGrant(onStep.Grant, m => outgoing.TryWrite(m), onStep: onStep);
                            break;
                        case Renewed renewed:
                            foreach (var verdict in renewed.Leases)
                            {
                                runner.OnVerdict(verdict, m => outgoing.TryWrite(m));
                            }

                            break;
                        case Stop stop:
                            runner.OnStop(stop, m => outgoing.TryWrite(m));
                            break;
                        case FinishAck ack:
                            runner.OnFinishAck(ack);
                            break;
                        case var other:
                            throw new InvalidDataException($"a coordinator may not send {other.GetType().Name}");
                    }
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private static async Task WriteLoopAsync(PipeWriter output, ChannelReader<ILinkMessage> outgoing, ArrayBufferWriter<byte> scratch, JobRunner runner, string? colocationSecret, CancellationToken cancellation)
    {
        while (await outgoing.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (outgoing.TryRead(out var message))
            {
                var send = message;
                if (message is Finished { Artifact: { } artifact } finished && runner.ArtifactPathOf(finished.JobId, finished.Fence) is { } path)
                {
                    if (colocationSecret is not null)
                    {
                        LinkFrames.Write(output, new ArtifactFile(finished.JobId, finished.Fence, path, colocationSecret), scratch);
                    }
                    else
                    {
                        var xxHash3 = await StreamArtifactAsync(output, finished, path, cancellation).ConfigureAwait(false);
                        send = finished with { Artifact = artifact with { Sha256 = "", XxHash3 = xxHash3 } };
                    }
                }

                LinkFrames.Write(output, send, scratch);
            }

            await output.FlushAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the artifact in chunks ahead of its Finished, checksumming what it sends: the XXH3 (hex) that
    /// the Finished carries, so the coordinator checks every byte it received against what was read here
    /// (at memory speed; the SHA-256 is the coordinator's to compute, once).
    /// Each chunk is read from the file straight into its frame in the link's buffer (no copy of its own)
    /// and flushed before the next, which keeps memory bounded however large the file is: a slow link
    /// slows the reads, not the heap.
    /// </summary>
    private static async Task<string> StreamArtifactAsync(PipeWriter output, Finished finished, string path, CancellationToken cancellation)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var hash = new System.IO.Hashing.XxHash3();
        var size = finished.Artifact!.SizeBytes;
        long offset = 0;
        do
        {
            var frame = output.GetSpan(ArtifactChunkFrame.Overhead + LinkProtocol.ArtifactChunkBytes);
            var room = (int)Math.Min(LinkProtocol.ArtifactChunkBytes, size - offset);
            var data = frame.Slice(ArtifactChunkFrame.Overhead, room);
            var read = room == 0 ? 0 : RandomAccess.Read(file, data, offset);
            if (read == 0 && offset > 0)
            {
                break; // the file shrank: the coordinator finds the size short and fails the attempt
            }

            hash.Append(data[..read]);
            ArtifactChunkFrame.WriteHeader(frame, finished.JobId, finished.Fence, offset, read);
            output.Advance(ArtifactChunkFrame.Overhead + read);
            await output.FlushAsync(cancellation).ConfigureAwait(false);
            offset += read;
        }
        while (offset < size);

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A heartbeat every interval, or sooner (at most every 100 ms) when something noteworthy happened.</summary>
    private async Task HeartbeatLoopAsync(ChannelWriter<ILinkMessage> outgoing, TimeSpan interval, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            await _heartbeatNow.WaitAsync(interval, cancellation).ConfigureAwait(false);
            outgoing.TryWrite(runner.BuildHeartbeat());
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
        }
    }

    private void RequestHeartbeat()
    {
        // Checked first: requests come with every phase change, and a throw per request showed in profiles.
        if (_heartbeatNow.CurrentCount > 0)
        {
            return; // one is already due
        }

        try
        {
            _heartbeatNow.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another request got there between the check and the release.
        }
    }

    /// <summary>Tells the coordinator this agent takes no more work.</summary>
    public void SendDraining() => _outgoing?.Writer.TryWrite(new Draining());

    /// <summary>Sends at once when connected; otherwise the message waits in the runner and goes out after the next Welcome.</summary>
    private void SendOrKeep(ILinkMessage message) => _outgoing?.Writer.TryWrite(message);

    private static (string Host, int Port) ParseCoordinator(string value) =>
        HostPort.TryParse(value, out var host, out var port) ? (host, port) : throw new ArgumentException($"--coordinator '{value}' is not host:port");
}

/// <summary>The coordinator refused this agent for good (wrong token, incompatible protocol).</summary>
public sealed class AgentRefusedException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;
}
