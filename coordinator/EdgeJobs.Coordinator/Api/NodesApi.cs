using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// <c>/v1/nodes</c>: the agents the coordinator knows. A node is <c>draining</c> when an operator drained
/// it or its agent is shutting down, <c>down</c> when it is not connected or missed three heartbeats,
/// else <c>ready</c>.
/// </summary>
internal sealed class NodesApi(JobLedger ledger, Dispatcher dispatcher, CoordinatorOptions options)
{
    public async Task<IResult> ListAsync()
    {
        var nodes = await ledger.ListNodesAsync().ConfigureAwait(false);
        var running = await ledger.RunningCountsAsync().ConfigureAwait(false);
        return Results.Json(new NodeListDto([.. nodes.Select(n => ToDto(n, running.GetValueOrDefault(n.Id)))]), RestJson.Wire.NodeListDto);
    }

    public async Task<IResult> SetDrainingAsync(string rawId, bool draining)
    {
        if (!JobIds.TryParse(rawId, out var id))
        {
            return Problems.Of(400, "invalid_id", "Malformed node id", $"'{Problems.Truncate(rawId)}' is not a node id");
        }

        if (!await ledger.SetDrainingAsync(id, draining).ConfigureAwait(false))
        {
            return Problems.Of(404, "node_not_found", "No such node", $"node {id} does not exist");
        }

        dispatcher.SetOperatorDrained(id, draining);
        var node = (await ledger.GetNodeAsync(id).ConfigureAwait(false))!;
        var running = await ledger.RunningCountsAsync().ConfigureAwait(false);
        return Results.Json(ToDto(node, running.GetValueOrDefault(id)), RestJson.Wire.NodeDto);
    }

    private NodeDto ToDto(NodeRow node, int runningJobs)
    {
        var session = dispatcher.Session(node.Id);
        var silentFor = node.LastHeartbeatAt is { } last ? ledger.Now() - last : long.MaxValue;
        var state = node.Draining != 0 || session is { Draining: true } ? "draining"
            : session is null || silentFor > 3 * options.HeartbeatInterval.TotalMilliseconds ? "down"
            : "ready";
        using var labels = JsonDocument.Parse(node.Labels);
        using var tools = JsonDocument.Parse(node.Tools);
        return new NodeDto(node.Id, node.Name, state, session is not null, labels.RootElement.Clone(), tools.RootElement.Clone(),
            node.Slots, runningJobs, node.LastHeartbeatAt is { } at ? JobMapper.Time(at) : null, JobMapper.Time(node.RegisteredAt));
    }
}
