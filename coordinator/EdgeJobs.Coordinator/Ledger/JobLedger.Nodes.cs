using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

public sealed partial class JobLedger
{
    /// <summary>Registers a node by the key it persists, or refreshes its description; returns its row.</summary>
    [CacheCommand(false)] // an agent's tool list (exec tools) and labels may be longer than a cached command's text parameter
    public Task<NodeRow> RegisterNodeAsync(string nodeKey, string name, string toolsJson, int slots, string labelsJson = "{}") =>
        WriteAsync(c => c.QuerySingle<NodeRow>("""
            INSERT INTO nodes (node_key, name, labels, tools, slots, last_heartbeat_at, registered_at)
            VALUES (@NodeKey, @Name, @Labels, @Tools, @Slots, @Now, @Now)
            ON CONFLICT (node_key) DO UPDATE SET
              name = excluded.name, labels = excluded.labels, tools = excluded.tools,
              slots = excluded.slots, last_heartbeat_at = excluded.last_heartbeat_at
            RETURNING *
            """, new { NodeKey = nodeKey, Name = name, Labels = labelsJson, Tools = toolsJson, Slots = slots, Now = Now() }));

    public async Task<IReadOnlyList<NodeRow>> ListNodesAsync()
    {
        await using var c = OpenReader();
        return c.Query<NodeRow>("SELECT * FROM nodes ORDER BY id").ToRowList();
    }
}
