using System.Globalization;
using System.Text;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol;
using EdgeJobs.Protocol.Jobs;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text (exposition format 0.0.4) for an operator's scraper — active jobs
/// by state, tool and owner, WAL syncs, connected agents and their slots. Gauges are read at scrape time
/// (the state counts from the state index, the rest from the quota counters and the dispatcher), so a
/// scrape costs no more than listing the active jobs' states.
/// </summary>
internal sealed class MetricsApi(JobLedger ledger, Dispatcher dispatcher, Slurm.Allocator? allocator = null)
{
    public async Task<IResult> ScrapeAsync()
    {
        var text = new StringBuilder(2048);
        var byState = await ledger.ActiveByStateAsync().ConfigureAwait(false);
        Header(text, "edgejobs_jobs_active", "gauge", "Jobs not yet ended, by state.");
        foreach (var state in JobStates.Active)
        {
            Sample(text, "edgejobs_jobs_active", ("state", state.Name()), byState.GetValueOrDefault((int)state));
        }

        var counts = await ledger.ActiveCountsAsync().ConfigureAwait(false);
        Header(text, "edgejobs_jobs_active_by_tool", "gauge", "Jobs not yet ended, by tool.");
        foreach (var count in counts.Where(c => c.Scope == "tool"))
        {
            Sample(text, "edgejobs_jobs_active_by_tool", ("tool", count.Name), count.Active);
        }

        Header(text, "edgejobs_jobs_active_by_owner", "gauge", "Jobs not yet ended, by owner (token name).");
        foreach (var count in counts.Where(c => c.Scope == "owner"))
        {
            Sample(text, "edgejobs_jobs_active_by_owner", ("owner", count.Name), count.Active);
        }

        Header(text, "edgejobs_ledger_syncs_total", "counter", "Times the ledger's write-ahead log was synced to disk (one per group commit with a durable write).");
        Sample(text, "edgejobs_ledger_syncs_total", null, ledger.Syncs);

        var sessions = dispatcher.Sessions.OrderBy(s => s.NodeId).ToList();
        Header(text, "edgejobs_agents_connected", "gauge", "Agents connected over the link.");
        Sample(text, "edgejobs_agents_connected", null, sessions.Count);
        Header(text, "edgejobs_agent_slots", "gauge", "Slots of each connected agent.");
        foreach (var session in sessions)
        {
            Sample(text, "edgejobs_agent_slots", ("node", session.Name), session.Slots);
        }

        Header(text, "edgejobs_agent_slots_free", "gauge", "Slots of each connected agent not holding a job.");
        foreach (var session in sessions)
        {
            Sample(text, "edgejobs_agent_slots_free", ("node", session.Name), session.FreeSlots);
        }

        if (allocator is not null)
        {
            await Slurm.AllocationMetrics.WriteAsync(text, ledger, allocator).ConfigureAwait(false);
        }

        Header(text, "edgejobs_build_info", "gauge", "The running edgejobs version.");
        Sample(text, "edgejobs_build_info", ("version", BuildInfo.Version), 1);
        return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    internal static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    internal static void Sample(StringBuilder text, string name, (string Name, string Value)? label, long value)
    {
        text.Append(name);
        if (label is { } l)
        {
            text.Append('{').Append(l.Name).Append("=\"").Append(Escape(l.Value)).Append("\"}");
        }

        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Label values escape backslash, double quote and line feed, as the format asks.</summary>
    internal static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
