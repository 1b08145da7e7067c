using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

// Exec tools the coordinator knows (exec_tools, migration 0014): read at start into the catalog, written when an
// agent's Hello advertises one.
public sealed partial class JobLedger
{
    /// <summary>Every known exec tool version, oldest first (so reading them in order leaves the newest served).</summary>
    public async Task<IReadOnlyList<ExecToolRow>> ListExecToolsAsync()
    {
        await using var c = OpenReader();
        return c.Query<ExecToolRow>("SELECT * FROM exec_tools ORDER BY first_seen_at, id, version").ToRowList();
    }

    /// <summary>
    /// Records that <paramref name="nodeId"/> advertised these manifests: new (id, version)s are inserted with it as their
    /// node, known ones only get their last-seen time (their manifest never changes: the first known wins).
    /// </summary>
    public Task RecordExecToolsAsync(long nodeId, IReadOnlyList<(string Id, string Version, string Manifest)> tools) => WriteAsync(c => RecordExecTools(c, nodeId, tools));

    // Not cached: a manifest can be longer than 4000 characters, and a cached command would cut it to the size the first
    // (shorter) one was given (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    private int RecordExecTools(Microsoft.Data.Sqlite.SqliteConnection c, long nodeId, IReadOnlyList<(string Id, string Version, string Manifest)> tools)
    {
        var now = Now();
        foreach (var (id, version, manifest) in tools)
        {
            c.Execute("""
                INSERT INTO exec_tools (id, version, manifest, node_id, first_seen_at, last_seen_at)
                VALUES (@Id, @Version, @Manifest, @NodeId, @Now, @Now)
                ON CONFLICT (id, version) DO UPDATE SET last_seen_at = excluded.last_seen_at
                """, new { Id = id, Version = version, Manifest = manifest, NodeId = nodeId, Now = now });
        }

        return 0;
    }
}
