using System.Buffers;
using System.IO.Pipelines;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Coordinator.Tools;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Link;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Link;

/// <summary>
/// The coordinator's end of the agent link, one instance per listener, run by Kestrel for each
/// connection: Hello (authenticated by an <c>agent</c> token) → Welcome, then agent messages applied
/// to the ledger under their fences. A malformed, oversized or unauthenticated frame closes only that
/// connection, with a log line.
/// </summary>
internal sealed class LinkConnectionHandler(JobLedger ledger, Dispatcher dispatcher, ArtifactStore artifacts, DatasetOutputs datasetOutputs, Recipes.RecipeOutputs recipeOutputs,
    LinkSettings settings, ILoggerFactory loggers, ExecToolRegistry execTools)
    : ConnectionHandler
{
    private readonly ILogger _logger = loggers.CreateLogger("EdgeJobs.Link");
    private readonly ArtifactReceiver _artifacts = new(ledger, artifacts, settings, loggers.CreateLogger("EdgeJobs.Link"));

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? "?";
        AgentSession? session = null;
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        Task? writer = null;
        try
        {
            var hello = await ReadHelloAsync(connection.Transport.Input, closing.Token).ConfigureAwait(false);
            if (hello is null)
            {
                _logger.LinkRefused(remote, "no Hello within " + LinkProtocol.HelloTimeout.TotalSeconds + " s");
                return;
            }

            if (await RefusalAsync(hello).ConfigureAwait(false) is { } refused)
            {
                _logger.LinkRefused(remote, refused.Message);
                await WriteNowAsync(connection.Transport.Output, refused).ConfigureAwait(false);
                return;
            }

            (hello, var admission) = execTools.Admit(hello);
            var labels = LabelsJson(hello.Labels);
            var node = await ledger.RegisterNodeAsync(hello.NodeKey, hello.Name, ToolsJson(hello.Tools), hello.Slots, labels).ConfigureAwait(false);
            await execTools.RecordAsync(node.Id, admission).ConfigureAwait(false);
            dispatcher.SetOperatorDrained(node.Id, node.Draining != 0);
            var verdicts = await VerdictsAsync(node.Id, hello.Leases).ConfigureAwait(false);
            session = new AgentSession(connection, node.Id, hello with { Leases = [.. hello.Leases.Where((_, i) => verdicts[i].State != LeaseState.Lost)] },
                settings.OutgoingQueueCapacity, (s, queued) => _logger.AgentNotReading(s.Name, s.NodeId, queued), labels, RestUrlFor(connection));
            session.Send(new Welcome(node.Id, (int)ledger.Options.LeaseTtl.TotalMilliseconds, (int)settings.HeartbeatInterval.TotalMilliseconds, verdicts));
            writer = session.WriteLoopAsync(connection.Transport.Output, closing.Token);
            dispatcher.Register(session);
            _logger.AgentConnected(hello.Name, node.Id, hello.Slots, string.Join(",", session.Tools), remote);

            await ReadLoopAsync(connection.Transport.Input, session, closing.Token).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            _logger.LinkRefused(remote, e.Message);
        }
        catch (ConnectionResetException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (session is not null)
        {
            _logger.LinkFailed(e, session.NodeId);
        }
        finally
        {
            if (session is not null)
            {
                dispatcher.Unregister(session);
                session.Complete();
                _logger.AgentDisconnected(session.Name, session.NodeId);
            }

            await closing.CancelAsync().ConfigureAwait(false);
            if (writer is not null)
            {
                await writer.ConfigureAwait(false);
            }
        }
    }

    private static async Task<Hello?> ReadHelloAsync(PipeReader input, CancellationToken closing)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closing);
        timeout.CancelAfter(LinkProtocol.HelloTimeout);
        try
        {
            var message = await LinkFrames.ReadOneAsync(input, timeout.Token).ConfigureAwait(false);
            return message as Hello ?? throw new InvalidDataException($"the first message must be Hello, not {message?.GetType().Name ?? "nothing"}");
        }
        catch (OperationCanceledException) when (!closing.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Most messages of one connection whose ledger writes may be in flight at once.</summary>
    private const int MaxInFlight = 256;

    /// <summary>
    /// Reads frames and handles them in order, pipelined: a handler's ledger write is queued at once (the
    /// single writer keeps the connection's order) and the next frame is read without waiting for the
    /// commit, so one agent's accepts and finishes share group commits instead of paying one each.
    /// Messages that read the ledger or upload state first (artifact chunks and files, a Finished with an
    /// artifact) wait for everything before them.
    /// </summary>
    private async Task ReadLoopAsync(PipeReader input, AgentSession session, CancellationToken cancellation)
    {
        var inFlight = new Queue<Task>();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellation).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (LinkFrames.TryParseFrame(ref buffer, LinkProtocol.MaxFrameBytes, out var payload))
                    {
                        if (ArtifactChunkFrame.TryRead(payload, out var chunk, out var data))
                        {
                            // Appended straight from the receive buffer, before it is released below.
                            await DrainAsync(inFlight).ConfigureAwait(false);
                            await _artifacts.ReceiveChunkAsync(session, chunk, data).ConfigureAwait(false);
                            continue;
                        }

                        var message = LinkFrames.Decode(payload);
                        // Artifact messages read the ledger or the uploads the previous ones set up.
                        if (message is ArtifactFile or Finished { Artifact: not null } || inFlight.Count >= MaxInFlight)
                        {
                            await DrainAsync(inFlight).ConfigureAwait(false);
                        }

                        inFlight.Enqueue(HandleAsync(session, message));
                        while (inFlight.TryPeek(out var oldest) && oldest.IsCompleted)
                        {
                            await inFlight.Dequeue().ConfigureAwait(false); // a failure closes the link, as before
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
        finally
        {
            // Let what was read finish (its writes are queued anyway) before the session goes away.
            try
            {
                await DrainAsync(inFlight).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LinkFailed(e, session.NodeId);
            }
        }
    }

    private static async Task DrainAsync(Queue<Task> inFlight)
    {
        while (inFlight.TryDequeue(out var task))
        {
            await task.ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(AgentSession session, ILinkMessage message)
    {
        switch (message)
        {
            case Accept accept:
                var accepted = await ledger.AcceptAsync(accept.JobId, accept.Fence, session.NodeId).ConfigureAwait(false);
                if (!accepted.IsOk)
                {
                    // The offer was withdrawn meanwhile (stopped, expired): the agent must drop it.
                    _logger.StaleAgentWrite(session.Name, session.NodeId, "Accept", accept.JobId, Describe(accepted));
                    session.Release(accept.JobId);
                    session.Send(new Renewed([new LeaseVerdict(accept.JobId, accept.Fence, LeaseState.Lost)]));
                    dispatcher.Kick();
                }

                break;
            case Reject reject:
                await ledger.RejectAsync(reject.JobId, reject.Fence).ConfigureAwait(false);
                session.Release(reject.JobId);
                dispatcher.Kick();
                break;
            case Heartbeat heartbeat:
                await HeartbeatAsync(session, heartbeat).ConfigureAwait(false);
                break;
            case ArtifactFile file:
                await _artifacts.ReceiveFileAsync(session, file).ConfigureAwait(false);
                break;
            case Finished finished:
                // The agent's tool has ended: its slot is free now, not once the result is recorded, so the
                // next grant can share this finish's commit instead of waiting for it.
                session.Release(finished.JobId);
                dispatcher.Kick();
                var (report, artifact) = _artifacts.Complete(session, finished);
                // A job on a dataset puts its artifact at its output path in the same step as it completes; so does a
                // recipe's step whose artifact its recipe job's outputs name (in a dataset, or the data root).
                var job = artifact is not null && report.Outcome == FinishOutcome.Succeeded ? await ledger.GetJobAsync(finished.JobId).ConfigureAwait(false) : null;
                var stepTarget = job is { StepId: not null } ? await recipeOutputs.TargetOfAsync(job).ConfigureAwait(false) : null;
                var target = stepTarget is { Org: { } org, Dataset: { } ds } ? (org, ds, stepTarget.Path) : job is null ? null : datasetOutputs.TargetOf(job);
                var applied = stepTarget is { Directory: true } && target is { } folder
                    ? await datasetOutputs.FinishDirectoryAsync(finished.JobId, finished.Fence, finished.FinalLogLines, report, artifact!, finished.FirstLogSeq,
                        OutputReports.ToLedger(finished.Outputs), folder).ConfigureAwait(false)
                    : target is { } into
                    ? await datasetOutputs.FinishAsync(finished.JobId, finished.Fence, finished.FinalLogLines, report, artifact!, finished.FirstLogSeq,
                        OutputReports.ToLedger(finished.Outputs), into).ConfigureAwait(false)
                    : stepTarget is { Dataset: null } inRoot
                    ? await recipeOutputs.FinishAsync(finished.JobId, finished.Fence, finished.FinalLogLines, report, artifact!, finished.FirstLogSeq,
                        OutputReports.ToLedger(finished.Outputs), inRoot).ConfigureAwait(false)
                    : await ledger.FinishWithLogAsync(finished.JobId, finished.Fence, finished.FinalLogLines, report, artifact, finished.FirstLogSeq,
                        OutputReports.ToLedger(finished.Outputs)).ConfigureAwait(false);
                if (applied is { IsOk: true, Job: { StepId: not null, ParentId: { } recipeJobId } stepJob })
                {
                    // A step's end may have made the steps after it runnable, in the commit just made: the kick above
                    // ran before that commit, so another pass is due now, not at the next safety tick.
                    dispatcher.Kick();
                    if (stepJob.JobState == JobState.Failed)
                    {
                        // A failure that allows no more stopped the recipe's other step jobs: tell their agents now.
                        foreach (var (_, other) in await ledger.GetStepsAsync(recipeJobId).ConfigureAwait(false))
                        {
                            if (other is { JobState: JobState.StopRequested })
                            {
                                dispatcher.PushStop(other.LeaseNodeId, other.Id, other.Fence);
                            }
                        }
                    }
                }

                if (artifact is not null && !(applied.IsOk && applied.State == JobState.Completed))
                {
                    artifacts.Delete(finished.JobId);
                }

                // A report repeated after a reconnect finds its job already ended under the same fence.
                var ok = applied.IsOk || (applied is { Outcome: TransitionOutcome.Conflict, Job: { } ended } && ended.Fence == finished.Fence && ended.JobState.IsTerminal());
                if (!ok)
                {
                    _logger.StaleAgentWrite(session.Name, session.NodeId, "Finished", finished.JobId, Describe(applied));
                }

                session.Send(new FinishAck(finished.JobId, finished.Fence, ok));
                break;
            case Draining:
                session.Draining = true;
                _logger.AgentDraining(session.Name, session.NodeId);
                break;
            default:
                throw new InvalidDataException($"an agent may not send {message.GetType().Name}");
        }
    }

    private async Task HeartbeatAsync(AgentSession session, Heartbeat heartbeat)
    {
        var reports = heartbeat.Leases
            .Select(l => new LeaseHeartbeat(l.JobId, l.Fence, new ProgressReport(l.Percent, l.Phase), l.NewLogLines, l.StopAcknowledged, l.FirstLogSeq,
                OutputReports.ToLedger(l.Outputs)))
            .ToList();
        var states = await ledger.ApplyHeartbeatAsync(session.NodeId, reports).ConfigureAwait(false);
        var verdicts = new LeaseVerdict[states.Count];
        for (var i = 0; i < states.Count; i++)
        {
            var (jobId, fence, state) = states[i];
            var verdict = VerdictFor(state);
            if (verdict == LeaseState.Lost)
            {
                session.Release(jobId);
            }

            verdicts[i] = new LeaseVerdict(jobId, fence, verdict);
        }

        session.Send(new Renewed(verdicts));
    }

    /// <summary>What the coordinator says about leases an agent presents when it (re)connects.</summary>
    private async Task<LeaseVerdict[]> VerdictsAsync(long nodeId, HeldLease[] leases)
    {
        var verdicts = new LeaseVerdict[leases.Length];
        for (var i = 0; i < leases.Length; i++)
        {
            var job = await ledger.GetJobAsync(leases[i].JobId).ConfigureAwait(false);
            var state = job is null || job.Fence != leases[i].Fence || job.LeaseNodeId != nodeId
                ? LeaseState.Lost
                : VerdictFor(job.JobState);
            verdicts[i] = new LeaseVerdict(leases[i].JobId, leases[i].Fence, state);
        }

        return verdicts;
    }

    /// <summary>What a held lease's job state tells its agent: go on, stop, or let go.</summary>
    private static LeaseState VerdictFor(JobState? state) => state switch
    {
        JobState.Running => LeaseState.Continue,
        JobState.StopRequested or JobState.Stopping => LeaseState.Stop,
        _ => LeaseState.Lost,
    };

    private async Task<Refused?> RefusalAsync(Hello hello)
    {
        if (hello.ProtocolVersion != LinkProtocol.Version)
        {
            return new Refused("protocol_version", $"this coordinator speaks link protocol {LinkProtocol.Version}, the agent {hello.ProtocolVersion}");
        }

        var token = hello.Token.Length is > 0 and <= 200 ? await ledger.FindTokenAsync(TokenSecrets.Hash(hello.Token)).ConfigureAwait(false) : null;
        if (token is null)
        {
            return new Refused("unauthorized", "the agent token is not known or was revoked");
        }

        if (!Principal.ParseScopes(token.Scopes).Contains(Scopes.Agent))
        {
            return new Refused("forbidden", $"token '{token.Name}' lacks the scope 'agent'");
        }

        if (hello.NodeKey.Length is 0 or > 128 || hello.Name.Length is 0 or > 128 || hello.Slots is < 0 or > 4096)
        {
            return new Refused("invalid_hello", "node key and name must be 1-128 characters and slots 0-4096");
        }

        return null;
    }

    private static async Task WriteNowAsync(PipeWriter output, ILinkMessage message)
    {
        LinkFrames.Write(output, message, new ArrayBufferWriter<byte>());
        await output.FlushAsync().ConfigureAwait(false);
    }


    private static string Describe(Transition t) => t.State is { } s ? $"{t.Outcome} ({s.Name()})" : t.Outcome.ToString();

    /// <summary>
    /// The REST address an agent reads dataset inputs from: <c>--advertise-http</c> when set, otherwise the address
    /// this agent reached the link on, with the REST port (the one interface the agent is known to reach).
    /// </summary>
    private string RestUrlFor(ConnectionContext connection)
    {
        if (settings.Rest.Advertised is { } advertised)
        {
            return advertised;
        }

        var host = connection.LocalEndPoint is System.Net.IPEndPoint local ? local.Address : System.Net.IPAddress.Loopback;
        if (host.IsIPv4MappedToIPv6)
        {
            host = host.MapToIPv4();
        }

        return $"http://{new System.Net.IPEndPoint(host, settings.Rest.Port)}/";
    }

    private static string ToolsJson(ToolVersion[] tools) => JsonText.Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var tool in tools)
        {
            writer.WriteStartObject();
            writer.WriteString("id", tool.Id);
            writer.WriteString("version", tool.Version);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static string LabelsJson(Label[] labels) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        foreach (var label in labels)
        {
            writer.WriteString(label.Key, label.Value);
        }

        writer.WriteEndObject();
    });
}

/// <summary>Link settings: what the coordinator announces to agents, and what it accepts from them.</summary>
/// <param name="OutgoingQueueCapacity">Messages that may wait for one agent before its link is closed; 0 for the default (<see cref="AgentSession"/>).</param>
internal sealed record LinkSettings(TimeSpan HeartbeatInterval, long MaxArtifactBytes, TimeSpan ArtifactTtl, Colocation? Colocation = null, int OutgoingQueueCapacity = 0)
{
    /// <summary>The REST listener, as agents are told of it (its port is known only once it listens).</summary>
    public RestAddress Rest { get; init; } = new();
}

/// <summary>The coordinator's REST port once bound, and the URL to announce instead when configured (<c>--advertise-http</c>).</summary>
internal sealed class RestAddress
{
    public int Port { get; set; }

    public string? Advertised { get; init; }
}

/// <summary>The agent in this process: the secret it proves itself with, and the only dir its artifact files may be in.</summary>
internal sealed record Colocation(string Secret, string WorkDir);
