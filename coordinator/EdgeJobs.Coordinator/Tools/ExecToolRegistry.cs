using EdgeJobs.Catalog.Exec;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Link;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Tools;

/// <summary>
/// Makes the catalog's exec tools from what agents advertise (README "Exec tools"). Every manifest in a Hello is
/// parsed and checked again here (an agent is never trusted), then learned: a new (id, version) is served for new
/// submits from now on and kept in the ledger (<c>exec_tools</c>), so after a restart it is still served with no
/// agent connected; the same manifest again only refreshes its last-seen time; another manifest under a known
/// (id, version) is refused, with a log line saying what to do, and the tool is not offered to that agent.
/// </summary>
internal sealed class ExecToolRegistry(JobLedger ledger, ToolCatalog catalog, ILogger logger)
{
    /// <summary>What a Hello's manifests came to: the tools to keep in its tool list, and the rows to record once the node has its id.</summary>
    public sealed record Admission(IReadOnlySet<string> Refused, IReadOnlyList<(string Id, string Version, string Manifest)> Record);

    /// <summary>Serves the exec tools the ledger knows, oldest first, so the newest version of each is current.</summary>
    public async Task LoadAsync()
    {
        foreach (var row in await ledger.ListExecToolsAsync().ConfigureAwait(false))
        {
            try
            {
                var manifest = ExecManifest.Parse(row.Manifest, $"ledger exec_tools ({row.Id} v{row.Version})", catalog.ReservedIds);
                catalog.AddExecTool(new ExecToolDescriptor(manifest));
            }
            catch (ExecManifestException e)
            {
                // Written by an older coordinator whose rules were looser, or a built-in tool took the id since.
                logger.ExecToolUnreadable(row.Id, row.Version, e.Message);
            }
        }
    }

    /// <summary>Checks and learns a Hello's manifests; the agent's tools lose every exec tool refused here.</summary>
    public (Hello Hello, Admission Admission) Admit(Hello hello)
    {
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var record = new List<(string, string, string)>();
        var advertised = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in hello.ExecManifests ?? [])
        {
            ExecManifest manifest;
            try
            {
                manifest = ExecManifest.Parse(text, $"agent '{hello.Name}'", catalog.ReservedIds);
            }
            catch (ExecManifestException e)
            {
                logger.ExecToolRefused(hello.Name, e.Message);
                continue;
            }

            var (admission, _) = catalog.AddExecTool(new ExecToolDescriptor(manifest));
            switch (admission)
            {
                case ToolCatalog.ExecAdmission.Added:
                    logger.ExecToolLearned(manifest.Id, manifest.Version, hello.Name);
                    goto case ToolCatalog.ExecAdmission.Known;
                case ToolCatalog.ExecAdmission.Known:
                    advertised.Add(manifest.Id);
                    record.Add((manifest.Id, manifest.Version, manifest.CanonicalJson));
                    break;
                case ToolCatalog.ExecAdmission.Conflict:
                    logger.ExecToolConflict(hello.Name, manifest.Id, manifest.Version);
                    refused.Add(manifest.Id);
                    break;
                default:
                    logger.ExecToolRefused(hello.Name, $"{manifest.Id}: this coordinator serves no exec tools");
                    refused.Add(manifest.Id);
                    break;
            }
        }

        // Work goes to an agent only for its built-in tools and the exec tools whose manifest was accepted from this very
        // Hello: an id it lists without a manifest, or with one refused, may become an exec tool later (another agent's),
        // and this agent's copy of it was never checked.
        var tools = hello.Tools.Where(t => advertised.Contains(t.Id) || (catalog.BuiltInIds.Contains(t.Id) && !refused.Contains(t.Id))).ToArray();
        return (hello with { Tools = tools }, new Admission(refused, record));
    }

    /// <summary>Keeps the accepted manifests in the ledger under the node that advertised them.</summary>
    public Task RecordAsync(long nodeId, Admission admission) =>
        admission.Record.Count == 0 ? Task.CompletedTask : ledger.RecordExecToolsAsync(nodeId, admission.Record);
}
